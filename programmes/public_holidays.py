"""The public holidays of a branch's country, from the `holidays` library (Denmark, Norway,
Sweden), named in the country's own language. School holidays differ by municipality and
year and are not in it: a librarian adds them as excluded dates."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

# The language each country's holidays are named in (the library's locale names).
HOLIDAY_LANGUAGE = {"DK": "da", "NO": "no", "SE": "sv"}


@lru_cache(maxsize=64)
def _holidays_of_year(country: str, year: int) -> tuple[tuple[date, str], ...]:
    found = holidays.country_holidays(country, years=year, language=HOLIDAY_LANGUAGE.get(country))
    return tuple(sorted(found.items()))


def public_holidays(*, country: str, first: date, last: date) -> dict[date, str]:
    """The public holidays from ``first`` to ``last`` with their names; none for a branch
    whose country is not set."""
    if country not in HOLIDAY_LANGUAGE or last < first:
        return {}
    return {
        day: name
        for year in range(first.year, last.year + 1)
        for day, name in _holidays_of_year(country, year)
        if first <= day <= last
    }
