"""Volunteer turnover per partnership and term: who came, who stayed, who left, what it gave.

A term is a half-year (volunteers.terms). Every figure is counted up to ``today``, so
the running term shows the term so far. Definitions:

- A volunteer belongs to a partnership when they have an onboarding row for it. Those who
  never became active (no "active since" date) count in none of the figures below.
- **active**: joined on or before the term's last day (or today, if sooner) and had not
  left before the term began. A paused volunteer who has not left still counts.
- **joined** / **left**: their "active since" / "left on" date falls in the term, up to
  today.
- **median tenure** (days): over those active in the term, the days from joining to
  leaving, to the term's end or to today, whichever comes first; None when nobody was
  active.
- **fill rate**: over the partnership's shifts on scheduled sessions in the term up to
  today, Σ min(filled, needed) / Σ needed, where a place is filled by a confirmed
  volunteer or one marked afterwards as came or did not come (the coordinator did fill
  it; not coming shows in the no-show rate instead). A volunteer only asked, and not yet
  confirmed, does not fill a place; nor does one above the count needed.
- **no-show rate**: did not come / (came + did not come), over the same shifts; None
  when nobody has been marked.
- **hours**: the sessions' length summed over every "came" on those shifts.

The figures come from three queries whatever the number of partnerships: the
partnerships, their volunteers' dates, and their shifts with counts per status.
"""

from __future__ import annotations

import operator
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from partners.models import Partnership
from programmes.models import Session
from volunteers.models import FILLED_COUNT, Assignment, Onboarding, Shift, places_missing
from volunteers.services import hours_given
from volunteers.terms import Term, term_of

__all__ = ["Term", "TurnoverRow", "term_of", "turnover"]


@dataclass(frozen=True)
class TurnoverRow:
    partnership: Partnership
    active: int
    joined: int
    left: int
    median_tenure_days: float | None
    fill_rate: float | None
    no_show_rate: float | None
    hours: float


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _local_bounds(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """From the start of ``first`` to the end of ``last`` on the wall clock in ``zone``."""
    tz = ZoneInfo(zone)
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def turnover(*, partnerships: Iterable[Partnership], term: Term, today: date) -> list[TurnoverRow]:
    """One row per partnership, in the order given (see the module for the definitions)."""
    if hasattr(partnerships, "select_related"):
        partnerships = partnerships.select_related("organisation", "programme", "branch")
    partnerships = list(partnerships)
    if not partnerships:
        return []
    ids = [p.pk for p in partnerships]
    last = min(term.end, today)
    counted = term.start <= last

    people: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    dates = Onboarding.objects.filter(
        partnership_id__in=ids, volunteer__joined_on__isnull=False
    ).values_list("partnership_id", "volunteer__joined_on", "volunteer__left_on")
    for partnership_id, joined_on, left_on in dates if counted else ():
        if joined_on is not None:  # the query asks for it; this narrows the type
            people[partnership_id].append((joined_on, left_on))

    # Sessions are in the term by their own branch's calendar.
    in_term = reduce(
        operator.or_,
        (
            Q(
                session__room__branch__time_zone=zone,
                session__starts_at__gte=since,
                session__starts_at__lt=until,
            )
            for zone in {p.branch.time_zone for p in partnerships}
            for since, until in [_local_bounds(term.start, last, zone)]
        ),
    )
    shifts = (
        Shift.objects.filter(in_term, partnership_id__in=ids)
        .filter(session__status=Session.Status.SCHEDULED)
        # Places filled as the alert counts them: only a yes or a mark (volunteers.models).
        # Counted per shift, so two alike shifts stay two.
        .with_staffing()
        .annotate(
            came=Count("assignments", filter=Q(assignments__status=Assignment.Status.DONE)),
            missed=Count("assignments", filter=Q(assignments__status=Assignment.Status.NO_SHOW)),
        )
        .values(
            "pk",
            "partnership_id",
            "required_count",
            "session__starts_at",
            "session__ends_at",
            "session__status",
            FILLED_COUNT,
            "came",
            "missed",
        )
        .order_by()
    )
    needed: dict[int, int] = defaultdict(int)
    filled: dict[int, int] = defaultdict(int)
    came: dict[int, int] = defaultdict(int)
    missed: dict[int, int] = defaultdict(int)
    attendance: dict[int, list] = defaultdict(list)
    for shift in shifts if counted else ():
        key = shift["partnership_id"]
        needed[key] += shift["required_count"]
        # None above the count needed: the places filled are those needed, less those missing.
        filled[key] += shift["required_count"] - places_missing(
            required=shift["required_count"], staffed=shift[FILLED_COUNT]
        )
        came[key] += shift["came"]
        missed[key] += shift["missed"]
        attendance[key].append(
            (
                shift["came"],
                shift["session__starts_at"],
                shift["session__ends_at"],
                shift["session__status"],
            )
        )

    rows = []
    for partnership in partnerships:
        key = partnership.pk
        active = [
            (joined_on, left_on)
            for joined_on, left_on in people[key]
            if joined_on <= last and (left_on is None or left_on >= term.start)
        ]
        tenures = [(min(left_on or last, last) - joined_on).days for joined_on, left_on in active]
        rows.append(
            TurnoverRow(
                partnership=partnership,
                active=len(active),
                joined=sum(term.start <= j <= last for j, _left in people[key]),
                left=sum(
                    left_on is not None and term.start <= left_on <= last
                    for _joined, left_on in people[key]
                ),
                median_tenure_days=statistics.median(tenures) if tenures else None,
                fill_rate=_ratio(filled[key], needed[key]),
                no_show_rate=_ratio(missed[key], came[key] + missed[key]),
                hours=hours_given(attendance=attendance[key]),
            )
        )
    return rows
