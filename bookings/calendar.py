"""Calendar files (.ics) for a booked session and for the meetings of a course."""

from __future__ import annotations

from programmes.calendar import calendar_event, calendar_text
from programmes.models import Session

from .models import Booking, Enrolment


def booking_ics(*, booking: Booking, link: str) -> str:
    """``link`` goes in the event: the manage link in e-mails, the session page on the web."""
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
    return calendar_text([event], session.room.branch.time_zone)


def course_ics(*, enrolment: Enrolment, meetings: list[Session], link: str) -> str:
    """Every coming meeting of the course the family is enrolled on."""
    events = [
        calendar_event(
            session=meeting,
            uid=f"session-{meeting.pk}-enrolment-{enrolment.pk}@familieliv",
            stamp=enrolment.created_at,
            link=link,
            status="CONFIRMED",
        )
        for meeting in meetings
    ]
    return calendar_text(events, enrolment.course.series.room.branch.time_zone)
