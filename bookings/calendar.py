"""Calendar files (.ics) for a booked session and for the meetings of a course."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Event

from programmes.calendar import calendar_event, calendar_text
from programmes.models import Session

from .models import Booking, Enrolment


def _revised(event: Event, *, created_at: datetime, changed_at: datetime | None) -> Event:
    """A file sent about a change supersedes the ones sent before: calendars keep the event
    with the highest SEQUENCE for its UID, so it counts the minutes since the first one."""
    if changed_at is not None:
        event.pop("dtstamp")
        event.add("dtstamp", changed_at.astimezone(UTC))
        event.add("sequence", max(int((changed_at - created_at).total_seconds() // 60), 0))
    return event


def booking_ics(*, booking: Booking, link: str, changed_at: datetime | None = None) -> str:
    """``link`` goes in the event: the manage link in e-mails, the session page on the web.

    ``changed_at``: the file tells of a change (a moved or cancelled session) made then.
    """
    session = booking.session
    if booking.status == Booking.Status.CANCELLED or session.status == Session.Status.CANCELLED:
        status = "CANCELLED"
    elif booking.status == Booking.Status.WAITLISTED:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    event = calendar_event(
        session=session,
        uid=f"session-{session.pk}-booking-{booking.pk}@familieliv",
        stamp=booking.created_at,
        link=link,
        status=status,
    )
    _revised(event, created_at=booking.created_at, changed_at=changed_at)
    return calendar_text([event], session.room.branch.time_zone)


def course_ics(
    *,
    enrolment: Enrolment,
    meetings: list[Session],
    link: str,
    changed_at: datetime | None = None,
) -> str:
    """Every coming meeting of the course the family is enrolled on (or the one moved)."""
    events = [
        _revised(
            calendar_event(
                session=meeting,
                uid=f"session-{meeting.pk}-enrolment-{enrolment.pk}@familieliv",
                stamp=enrolment.created_at,
                link=link,
                # A cancelled meeting keeps its UID, so calendars drop the event.
                status=("CANCELLED" if meeting.status == Session.Status.CANCELLED else "CONFIRMED"),
            ),
            created_at=enrolment.created_at,
            changed_at=changed_at,
        )
        for meeting in meetings
    ]
    return calendar_text(events, enrolment.course.series.room.branch.time_zone)
