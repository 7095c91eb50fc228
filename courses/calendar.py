from __future__ import annotations

from datetime import datetime

from courses.models import Enrolment
from programmes.calendar import calendar_event, calendar_text, revised
from programmes.models import Session


def course_ics(
    *,
    enrolment: Enrolment,
    meetings: list[Session],
    link: str,
    changed_at: datetime | None = None,
) -> str:
    """Every coming meeting of the course the family is enrolled on (or the one moved)."""
    events = [
        revised(
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
