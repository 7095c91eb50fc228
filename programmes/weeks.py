"""Weeks as pages show them: ISO weeks such as "2026-W48", read from a query string."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{1,2})$")
# Weeks beyond these years are typing mistakes; the weeks around them would also leave
# the calendar (the "previous" and "next" links).
YEARS = (1900, 2999)


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(value: str, *, today: date) -> date:
    """The Monday of an ISO week such as "2026-W48"; this week's for anything else (a week
    that does not exist, or one so far off that the weeks around it leave the calendar)."""
    match = WEEK_PATTERN.match(value or "")
    if match and YEARS[0] <= int(match[1]) <= YEARS[1]:
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
    return today - timedelta(days=today.weekday())


@dataclass
class WeekPage:
    """A page of one week, with the links to the weeks around it."""

    monday: date
    today: date

    @property
    def week(self) -> str:
        return iso_week(self.monday)

    @property
    def number(self) -> int:
        """The week's number as calendars print it (48), for headings."""
        return self.monday.isocalendar()[1]

    @property
    def previous(self) -> str:
        return iso_week(self.monday - timedelta(weeks=1))

    @property
    def next(self) -> str:
        return iso_week(self.monday + timedelta(weeks=1))

    @property
    def this_week(self) -> str:
        return iso_week(self.today)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def is_this_week(self) -> bool:
        return self.monday <= self.today <= self.sunday
