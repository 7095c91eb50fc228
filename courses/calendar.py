"""Calendar files (.ics) for the meetings of a course: one event per meeting and enrolment,
whose UID stays the same from the welcome through every move to a cancellation."""

from __future__ import annotations

from datetime import datetime

from courses.models import Enrolment
from courses.selectors import TAKING_PART
from notifications.services import Attachment
from programmes.calendar import Attendee, EventStatus, calendar_attachment, calendar_event
from programmes.models import Session


def course_calendar_attachment(
    *, enrolment: Enrolment, meetings: list[Session], link: str, stamp: datetime
) -> Attachment:
    """Every coming meeting of the course the family is enrolled on (or the one changed).
    A meeting's SEQUENCE is its session's: it grows with every move or cancellation, and
    once more when the family leaves the course (every coming meeting cancelled for it)."""
    left = enrolment.status not in TAKING_PART
    household = enrolment.household
    attendee = Attendee(name=household.name, email=household.email)
    events = [
        calendar_event(
            session=meeting,
            uid=f"session-{meeting.pk}-enrolment-{enrolment.pk}@familieliv",
            stamp=stamp,
            link=link,
            # A cancelled meeting keeps its UID, so calendars drop the event.
            status=(
                EventStatus.CANCELLED
                if left or meeting.status == Session.Status.CANCELLED
                else EventStatus.CONFIRMED
            ),
            sequence=meeting.sequence + int(left),
            attendee=attendee,
        )
        for meeting in meetings
    ]
    return calendar_attachment(
        filename="familieliv.ics",
        events=events,
        zone=enrolment.course.series.room.branch.time_zone,
    )
