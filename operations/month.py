"""The month calendar beside the week calendar: a month of one or more branches, week by
week, each day with its sessions (time, programme, places), each at its own branch's date.

Two queries besides the branches to choose from: none for the grid, one for the month's
sessions with their places (operations.week.calendar_sessions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from operations.week import calendar_sessions
from programmes.models import Branch, Places, Programme, Session
from programmes.weeks import YEARS, iso_week

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_value(first: date) -> str:
    """A month as the month input and the address write it: "2026-11"."""
    return f"{first.year:04d}-{first.month:02d}"


def month_first(value: str, *, today: date) -> date:
    """The first day of a month such as "2026-11"; this month's for anything else."""
    match = MONTH_PATTERN.match(value or "")
    if match and YEARS[0] <= int(match[1]) <= YEARS[1] and 1 <= int(match[2]) <= 12:
        return date(int(match[1]), int(match[2]), 1)
    return today.replace(day=1)


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Entry:
    session: WithAnnotations[Session, Places]
    local_start: str  # "10:00" at the session's branch

    @property
    def cancelled(self) -> bool:
        return self.session.status == Session.Status.CANCELLED

    @property
    def mode(self) -> str:
        return self.session.programme.booking_mode

    @property
    def is_booking(self) -> bool:
        return self.mode == Programme.BookingMode.BOOKING

    @property
    def is_full(self) -> bool:
        return self.is_booking and not self.session.places_left


@dataclass
class MonthDay:
    day: date
    in_month: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass
class MonthWeek:
    monday: date
    days: list[MonthDay]

    @property
    def number(self) -> int:
        return self.monday.isocalendar()[1]

    @property
    def week(self) -> str:
        return iso_week(self.monday)


@dataclass
class MonthCalendar:
    first: date
    today: date
    branches: list[Branch]
    weeks: list[MonthWeek]

    @property
    def month(self) -> str:
        return month_value(self.first)

    @property
    def previous(self) -> str:
        return month_value(_add_months(self.first, -1))

    @property
    def next(self) -> str:
        return month_value(_add_months(self.first, 1))

    @property
    def this_month(self) -> str:
        return month_value(self.today.replace(day=1))

    @property
    def is_this_month(self) -> bool:
        return self.first == self.today.replace(day=1)

    @property
    def session_count(self) -> int:
        return sum(len(day.entries) for week in self.weeks for day in week.days if day.in_month)

    @property
    def several_branches(self) -> bool:
        return len(self.branches) > 1


def month_calendar(*, branches: list[Branch], first: date, today: date) -> MonthCalendar:
    """The month's weeks from the Monday on or before its first day to the Sunday on or
    after its last, each session on its day at its own branch."""
    start = first - timedelta(days=first.weekday())
    after = _add_months(first, 1)
    end = after + timedelta(days=(7 - after.weekday()) % 7)
    days = {
        start + timedelta(days=n): MonthDay(
            day=start + timedelta(days=n),
            in_month=(start + timedelta(days=n)).month == first.month,
        )
        for n in range((end - start).days)
    }
    for session in calendar_sessions(branches=branches, first=start, days=(end - start).days):
        local = session.starts_at.astimezone(session.room.branch.zone)
        day = days.get(local.date())
        if day is not None:
            day.entries.append(Entry(session=session, local_start=f"{local:%H:%M}"))
    ordered = list(days.values())
    weeks = [
        MonthWeek(monday=ordered[n].day, days=ordered[n : n + 7]) for n in range(0, len(ordered), 7)
    ]
    return MonthCalendar(first=first, today=today, branches=branches, weeks=weeks)
