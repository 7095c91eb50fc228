"""The last message to a household that erased its data: what was erased and cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from courses.models import Course
from notifications.services import Message
from programmes.models import Branch, Session

FAREWELL_KIND = "household_erased"


@dataclass(frozen=True)
class ErasedItem:
    """A booking cancelled, a place in line left or a course left, as the family reads it:
    no personal data, only the activity, where and when (in the branch's time zone)."""

    programme: str
    branch: str
    time_zone: str
    # A session's start, or a course's first and last day.
    starts_at: datetime | None = None
    first_day: date | None = None
    last_day: date | None = None

    @classmethod
    def of_session(cls, session: Session) -> ErasedItem:
        branch = session.room.branch
        return cls(
            programme=session.programme.name,
            branch=branch.name,
            time_zone=branch.time_zone,
            starts_at=session.starts_at,
        )

    @classmethod
    def of_course(cls, course: Course) -> ErasedItem:
        series = course.series
        branch = series.room.branch
        return cls(
            programme=series.programme.name,
            branch=branch.name,
            time_zone=branch.time_zone,
            first_day=series.start_date,
            last_day=series.end_date,
        )


def farewell_key(*, household_id: int) -> str:
    return f"{FAREWELL_KIND}:household:{household_id}"


def farewell_message(
    *,
    household_id: int,
    email: str,
    language: str,
    cancelled: list[ErasedItem],
    waitlists_left: list[ErasedItem],
    courses_left: list[ErasedItem],
    children: int,
    branch_id: int | None,
) -> Message:
    """Said to the address the household had, in its language. Its reference names the
    erasure, not the household, so no later anonymisation of the household clears it
    before it is sent."""
    return Message(
        key=farewell_key(household_id=household_id),
        kind=FAREWELL_KIND,
        recipient=email,
        language=language,
        reference=f"erasure:household:{household_id}",
        context={
            "cancelled": cancelled,
            "waitlists_left": waitlists_left,
            "courses_left": courses_left,
            "children": children,
            "branch": Branch.objects.filter(pk=branch_id).first() if branch_id else None,
        },
    )
