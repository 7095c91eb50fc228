"""Calendar files (.ics) for a booked session."""

from __future__ import annotations

from icalendar import Calendar, Event

from .models import Booking


def booking_ics(*, booking: Booking, manage_link: str) -> str:
    session = booking.session
    branch = session.room.branch
    calendar = Calendar()
    calendar.add("prodid", "-//Familieliv//Family activities at the library//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"session-{session.pk}-booking-{booking.pk}@familieliv")
    event.add("dtstamp", booking.created_at)
    event.add("dtstart", session.local_start)
    event.add("dtend", session.local_end)
    event.add("summary", f"{session.programme.name} – {branch.name}")
    event.add(
        "location", ", ".join(p for p in (session.room.name, branch.name, branch.address) if p)
    )
    event.add("description", manage_link)
    event.add("url", manage_link)
    cancelled = booking.status == Booking.Status.CANCELLED or session.status == "cancelled"
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical().decode()
