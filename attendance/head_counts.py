"""Head counts at drop-in sessions (Lektiecafé): pupils counted by grade and first visit.

No names: one counter per (session, grade, first visit), changed one tap at a time. Two
helpers tapping at once both count, because the change is one UPDATE in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import HeadCount
from attendance.services import AttendanceError, check_on_the_day
from programmes.models import Programme, Session


def head_count_grades(*, programme: Programme) -> tuple[str, ...]:
    """The grades to count: the programme's own (8, 9, 10), then "other"."""
    if programme.min_grade is None or programme.max_grade is None:
        return (HeadCount.OTHER_GRADE,)  # a drop-in for all ages: one counter
    grades = range(programme.min_grade, programme.max_grade + 1)
    return (*(str(g) for g in grades), HeadCount.OTHER_GRADE)


def _check_countable(session: Session, now: datetime) -> None:
    if session.programme.booking_mode != Programme.BookingMode.DROP_IN:
        raise AttendanceError(_("Head counts are for drop-in sessions; this one is booked."))
    check_on_the_day(session, now, not_yet=_("This session has not started yet: count on the day."))


def head_count_change(
    *, session: Session, grade: str, first_visit: bool, delta: int, now: datetime | None = None
) -> int:
    """Count one pupil more (delta 1) or correct one away (delta -1); returns the new count."""
    now = now or timezone.now()
    _check_countable(session, now)
    if grade not in head_count_grades(programme=session.programme):
        raise AttendanceError(_("Choose one of the grades shown."))
    if delta not in (1, -1):
        raise AttendanceError(_("Count one pupil at a time."))
    with transaction.atomic():
        row, _created = HeadCount.objects.get_or_create(
            session=session, grade=grade, first_visit=first_visit
        )
        HeadCount.objects.filter(pk=row.pk).update(
            count=Greatest(F("count") + delta, 0), updated_at=now
        )
        row.refresh_from_db(fields=["count"])
    return row.count


@dataclass(frozen=True)
class HeadCountCell:
    grade: str
    first_visit: bool
    count: int


@dataclass(frozen=True)
class HeadCountTable:
    rows: list[tuple[str, HeadCountCell, HeadCountCell]]  # grade, returning, first visit
    total: int
    first_visits: int


def head_count_table(*, session: Session) -> HeadCountTable:
    """The session's counts for the page: one row per grade, returning and first visits."""
    counts = {(row.grade, row.first_visit): row.count for row in session.head_counts.all()}
    rows = [
        (
            grade,
            HeadCountCell(grade, False, counts.get((grade, False), 0)),
            HeadCountCell(grade, True, counts.get((grade, True), 0)),
        )
        for grade in head_count_grades(programme=session.programme)
    ]
    return HeadCountTable(
        rows=rows,
        total=sum(counts.values()),
        first_visits=sum(n for (_grade, first), n in counts.items() if first),
    )
