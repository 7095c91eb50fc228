"""Calendar files (.ics) for a booked session."""

from __future__ import annotations

from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from .models import Booking


@lru_cache(maxsize=16)
def _vtimezone(zone: str) -> Timezone:
    """The VTIMEZONE block for a branch's zone; building one costs milliseconds, so once."""
    return Timezone.from_tzid(zone)


def booking_ics(*, booking: Booking, link: str) -> str:
    """``link`` goes in the event: the manage link in e-mails, the session page on the web."""
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
    event.add("description", link)
    event.add("url", link)
    if booking.status == Booking.Status.CANCELLED or session.status == "cancelled":
        event.add("status", "CANCELLED")
    elif booking.status == Booking.Status.WAITLISTED:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    calendar.add_component(event)
    calendar.add_component(_vtimezone(branch.time_zone))
    return calendar.to_ical().decode()
