"""School terms: the half-years that volunteering is planned and counted in.

A term is a half-year: spring from 1 January to 30 June, autumn from 1 July to
31 December. Its own module, because both the rules (services: "every week this term")
and the figures (turnover) need it, and turnover reads the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Term:
    start: date
    end: date
    label: str

    def previous(self) -> Term:
        return term_of(self.start - timedelta(days=1))

    def next(self) -> Term:
        return term_of(self.end + timedelta(days=1))


def term_of(day: date) -> Term:
    """The half-year ``day`` falls in, labelled in the active language."""
    if day.month <= 6:
        return Term(
            start=date(day.year, 1, 1),
            end=date(day.year, 6, 30),
            label=_("Spring %(year)d") % {"year": day.year},
        )
    return Term(
        start=date(day.year, 7, 1),
        end=date(day.year, 12, 31),
        label=_("Autumn %(year)d") % {"year": day.year},
    )
