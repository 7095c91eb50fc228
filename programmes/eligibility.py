"""Who may join a programme: a child's age in whole months on the session date, or a grade.

Parents give only a birth month and year, which is stored as the first of that month:
a child born in March 2026 counts as three months old from 1 June 2026. Where the day of
birth is known the same rule applies to it.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import Programme


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str = ""


ELIGIBLE = Eligibility(eligible=True)


def age_in_months(*, birth_date: date, on: date) -> int:
    """Whole months completed between birth and the given date (0 on the day of birth)."""
    if on < birth_date:
        raise ValueError("The date is before the child was born.")
    months = (on.year - birth_date.year) * 12 + (on.month - birth_date.month)
    if on.day < birth_date.day:
        months -= 1
    return months


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day where it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def _months_text(months: int) -> str:
    return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}


def age_eligibility(*, programme: Programme, birth_date: date, on: date) -> Eligibility:
    """Whether a child born on ``birth_date`` may take part in the programme on ``on``."""
    if on < birth_date:
        return Eligibility(False, _("The child is not born yet on that date."))
    age = age_in_months(birth_date=birth_date, on=on)
    low, high = programme.min_age_months, programme.max_age_months
    if low is not None and age < low:
        return Eligibility(
            False,
            _("%(programme)s is for children from %(low)s. On that day the child is %(age)s.")
            % {"programme": programme.name, "low": _months_text(low), "age": _months_text(age)},
        )
    if high is not None and age > high:
        return Eligibility(
            False,
            _("%(programme)s is for children up to %(high)s old. On that day the child is %(age)s.")
            % {"programme": programme.name, "high": _months_text(high), "age": _months_text(age)},
        )
    return ELIGIBLE


class ChildAge(Protocol):
    # Read-only: a frozen ChildInput is one, as is a Child.
    @property
    def first_name(self) -> str: ...
    @property
    def birth_month(self) -> date: ...


def party_eligibility(
    *, programme: Programme, children: Sequence[ChildAge], on: date, every_child: bool
) -> Eligibility:
    """Whether a party of children may take part in ``programme`` on ``on``.

    ``every_child``: a booking, where each child coming takes a place, needs every child in
    the age group (the reason names the first who is not). A course or an invitation is for
    the whole family: one child in the age group is enough (the reason is the first
    child's). Programmes by school grade are not checked by age. A session list filtered by
    a child's birth month applies the same age rule in SQL
    (programmes.selectors.sessions_for_child_born).
    """
    if programme.audience_basis != Programme.AudienceBasis.AGE_MONTHS or not children:
        return ELIGIBLE
    results = [
        (child, age_eligibility(programme=programme, birth_date=child.birth_month, on=on))
        for child in children
    ]
    if every_child:
        for child, result in results:
            if not result.eligible:
                return Eligibility(False, f"{child.first_name}: {result.reason}")
        return ELIGIBLE
    if any(result.eligible for _child, result in results):
        return ELIGIBLE
    return results[0][1]
