"""Calendar files (.ics) for a booked session and for the meetings of a course."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from programmes.models import Session

from .models import Booking, Enrolment


@lru_cache(maxsize=16)
def _vtimezone(zone: str) -> Timezone:
    """The VTIMEZONE block for a branch's zone; building one costs milliseconds, so once."""
    return Timezone.from_tzid(zone)


def _calendar(events: list[Event], zone: str) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Familieliv//Family activities at the library//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for event in events:
        calendar.add_component(event)
    calendar.add_component(_vtimezone(zone))
    return calendar.to_ical().decode()


def _event(*, session: Session, uid: str, stamp: datetime, link: str, status: str) -> Event:
    branch = session.room.branch
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", session.local_start)
    event.add("dtend", session.local_end)
    event.add("summary", f"{session.programme.name} – {branch.name}")
    event.add(
        "location", ", ".join(p for p in (session.room.name, branch.name, branch.address) if p)
    )
    event.add("description", link)
    event.add("url", link)
    event.add("status", status)
    return event


def booking_ics(*, booking: Booking, link: str) -> str:
    """``link`` goes in the event: the manage link in e-mails, the session page on the web."""
    session = booking.session
    if booking.status == Booking.Status.CANCELLED or session.status == Session.Status.CANCELLED:
        status = "CANCELLED"
    elif booking.status == Booking.Status.WAITLISTED:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    event = _event(
        session=session,
        uid=f"session-{session.pk}-booking-{booking.pk}@familieliv",
        stamp=booking.created_at,
        link=link,
        status=status,
    )
    return _calendar([event], session.room.branch.time_zone)


def course_ics(*, enrolment: Enrolment, meetings: list[Session], link: str) -> str:
    """Every coming meeting of the course the family is enrolled on."""
    events = [
        _event(
            session=meeting,
            uid=f"session-{meeting.pk}-enrolment-{enrolment.pk}@familieliv",
            stamp=enrolment.created_at,
            link=link,
            status="CONFIRMED",
        )
        for meeting in meetings
    ]
    return _calendar(events, enrolment.course.series.room.branch.time_zone)
