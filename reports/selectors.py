"""The impact figures: what the programmes did and whom they reached, for a scope.

A scope is a set of branches, optionally one or more programmes, and a period of whole
days (``report_scope`` reads its branches' rooms: one query). Every figure family below is
one database query, or a fixed few (the visit figures: two; tracks and goals: three each,
their sessions, their visits and their names; the family path: its programmes, then two
counts), whatever the number of sessions, bookings or households.

Definitions:

- **held**: a scheduled (not cancelled) session of the scope's programmes at its branches
  that started in the period and before now. Sessions in the future count in nothing.
- **places offered** / **booked**: over sessions held of programmes in booking mode (drop-in
  and course sessions are not booked place by place): the sum of their capacities, and of
  the places of their confirmed bookings made ahead (walk-ins, added at the door, are
  counted apart). **fill rate** = booked / offered.
- **visits**: attendance records marked "came" on sessions held (one per family and
  session). **no-show rate**: booked but did not come. Over the confirmed bookings made
  ahead (not walk-ins) on sessions held in booking mode whose attendance was taken (the
  session has at least one attendance record): the share without a "came" record, whether
  marked "not here" or never ticked. Sessions where nobody took attendance say nothing.
- **families reached**: distinct households with a visit. **children reached**: distinct
  children named on the confirmed booking of a visit, or enrolled with the family on the
  course whose meeting it was.
- **new** families: reached in the period (a visit in the scope), and their first visit
  ever at the scope's branches, to *any* programme, falls in the period. **returning**:
  reached in the period, and seen at the scope's branches before it.
- **retention cohorts**: new families grouped by the calendar month of that first visit.
  A family "came back within N months" when its next visit to any programme at the scope's
  branches falls in the same month or the N calendar months after (so a January cohort's
  3-month figure counts visits up to the end of April). A cohort shows a share for N only
  once those N months are over; until then it has none ("—").
- **family path**: per programme with next programmes, families who visited it in the
  period, and of those, how many later (up to now) visited one of its next programmes at
  the scope's branches.
- **volunteers** / **volunteer hours**: distinct volunteers marked "came" on shifts of
  sessions held, and the sessions' length summed over those marks.
- **by strategy track / UN goal**: sessions held, visits and families reached, per the
  programme's track and goals (a programme tied to two goals counts for both).
- **ratings**: the 1–5 answers to the follow-up on bookings of sessions held.
- **head counts**: pupils counted at drop-in sessions held, and how many came for the first
  time.

Days and months are read on the wall clock of the scope's branches when they share a time
zone, else in the site's time zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    RowRange,
    Sum,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lead

from attendance.models import Attendance, HeadCount
from bookings.models import Booking
from courses.models import Enrolment
from programmes.models import (
    Branch,
    Programme,
    Room,
    Session,
    StrategyTrack,
    SustainableDevelopmentGoal,
)
from volunteers.models import Assignment

HORIZONS = (3, 6, 12)


# ---------------------------------------------------------------------------------------
# The scope


@dataclass(frozen=True)
class Scope:
    branch_ids: tuple[int, ...]
    # The branches' rooms: sessions are matched by room, without a join to the room table
    # (a FilteredRelation's condition may not span relations).
    room_ids: tuple[int, ...]
    # None: every programme at those branches.
    programme_ids: tuple[int, ...] | None
    starts_on: date
    ends_on: date
    now: datetime
    zone: ZoneInfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.starts_on, time.min, tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        """The end of the period, or now if sooner: only sessions already started count."""
        end = datetime.combine(self.ends_on + timedelta(days=1), time.min, tzinfo=self.zone)
        return min(end, self.now)

    def months(self) -> list[date]:
        """The first day of each calendar month the period touches."""
        first = self.starts_on.replace(day=1)
        months = []
        while first <= self.ends_on:
            months.append(first)
            first = add_months(first, 1)
        return months

    @property
    def this_month(self) -> date:
        return self.now.astimezone(self.zone).date().replace(day=1)


def report_scope(
    *,
    branches: Iterable[Branch],
    programme_ids: Sequence[int] | None,
    starts_on: date,
    ends_on: date,
    now: datetime,
) -> Scope:
    branches = list(branches)
    zones = {b.time_zone for b in branches}
    zone = ZoneInfo(zones.pop() if len(zones) == 1 else settings.TIME_ZONE)
    branch_ids = tuple(sorted(b.pk for b in branches))
    return Scope(
        branch_ids=branch_ids,
        room_ids=tuple(
            Room.objects.filter(branch_id__in=branch_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        programme_ids=tuple(sorted(programme_ids)) if programme_ids else None,
        starts_on=starts_on,
        ends_on=ends_on,
        now=now,
        zone=zone,
    )


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def in_scope(scope: Scope, prefix: str = "", *, period: bool = True) -> Q:
    """Sessions of the scope (held in the period, or ever up to now), seen from ``prefix``."""
    q = Q(
        **{
            f"{prefix}status": Session.Status.SCHEDULED,
            f"{prefix}room_id__in": scope.room_ids,
            f"{prefix}starts_at__lt": scope.until if period else scope.now,
        }
    )
    if period:
        q &= Q(**{f"{prefix}starts_at__gte": scope.since})
    if scope.programme_ids is not None:
        q &= Q(**{f"{prefix}programme_id__in": scope.programme_ids})
    return q


def _at_branches(scope: Scope, prefix: str = "") -> Q:
    """Any programme's sessions at the scope's branches, up to now: where families come back."""
    return Q(
        **{
            f"{prefix}status": Session.Status.SCHEDULED,
            f"{prefix}room_id__in": scope.room_ids,
            f"{prefix}starts_at__lt": scope.now,
        }
    )


# ---------------------------------------------------------------------------------------
# Sessions, places and visits


@dataclass(frozen=True)
class SessionFigures:
    held: int
    places_offered: int
    places_booked: int
    walk_ins: int
    fill_rate: float | None


def session_figures(*, scope: Scope) -> SessionFigures:
    """Sessions held, places offered and booked, walk-ins (see the definitions): one query."""
    booking_mode = Q(programme__booking_mode=Programme.BookingMode.BOOKING)
    # Per session first (a join, summed per session), then over the sessions: summing
    # capacities over the join itself would count a session once per booking. Only the
    # confirmed bookings are joined: waiting and cancelled ones count in nothing here.
    per_session = (
        Session.objects.filter(in_scope(scope))
        .annotate(
            confirmed=FilteredRelation(
                "bookings", condition=Q(bookings__status=Booking.Status.CONFIRMED)
            )
        )
        .annotate(
            offered_places=Case(When(booking_mode, then=F("capacity")), default=0),
            booked_places=Coalesce(
                Sum("confirmed__places", filter=booking_mode & Q(confirmed__walk_in=False)), 0
            ),
            walk_in_families=Count("confirmed", filter=Q(confirmed__walk_in=True)),
        )
    )
    row = per_session.aggregate(
        held=Count("pk"),
        offered=Coalesce(Sum("offered_places"), 0),
        booked=Coalesce(Sum("booked_places"), 0),
        walk_ins=Coalesce(Sum("walk_in_families"), 0),
    )
    return SessionFigures(
        held=row["held"],
        places_offered=row["offered"],
        places_booked=row["booked"],
        walk_ins=row["walk_ins"],
        fill_rate=_ratio(row["booked"], row["offered"]),
    )


@dataclass(frozen=True)
class VisitFigures:
    recorded: int  # attendance records, "came" or "not here"
    visits: int
    expected: int  # bookings made ahead on sessions whose attendance was taken
    no_shows: int  # of those, without a "came" record
    no_show_rate: float | None
    households: int


def visit_figures(*, scope: Scope) -> VisitFigures:
    """Two queries: the attendance records, then the bookings that should have come."""
    row = Attendance.objects.filter(in_scope(scope, "session__")).aggregate(
        recorded=Count("pk"),
        visits=Count("pk", filter=Q(attended=True)),
        households=Count("household", distinct=True, filter=Q(attended=True)),
    )
    missed = no_show_figures(scope=scope)
    return VisitFigures(
        recorded=row["recorded"],
        visits=row["visits"],
        expected=missed["expected"],
        no_shows=missed["no_shows"],
        no_show_rate=_ratio(missed["no_shows"], missed["expected"]),
        households=row["households"],
    )


def no_show_figures(*, scope: Scope) -> dict[str, int]:
    """Booked but did not come (see the definitions above): ``expected`` and ``no_shows``."""
    # The sessions held in booking mode where somebody took attendance: checked once per
    # session, a look-up in the attendance records' index.
    taken = Session.objects.filter(
        in_scope(scope),
        Exists(Attendance.objects.filter(session_id=OuterRef("pk"))),
        programme__booking_mode=Programme.BookingMode.BOOKING,
    )
    booked = Booking.objects.filter(
        session_id__in=taken, status=Booking.Status.CONFIRMED, walk_in=False
    )
    # Each booking with its family's visit to the booking's own session, if any: at most
    # one (one attendance record per family and session), so no count needs DISTINCT.
    # Reached through the session, not the household: one join less.
    figures = booked.annotate(
        visit=FilteredRelation(
            "session__attendances",
            condition=Q(session__attendances__household_id=F("household_id"))
            & Q(session__attendances__attended=True),
        )
    ).aggregate(expected=Count("pk"), came=Count("visit__pk"))
    return {"expected": figures["expected"], "no_shows": figures["expected"] - figures["came"]}


def children_reached(*, scope: Scope) -> int:
    """Distinct children reached (see the definitions), by booking or course: one query."""
    came = Attendance.objects.filter(attended=True)
    # The confirmed bookings of the scope's visits first, then their children: the database
    # hashes those bookings once instead of joining every booking's children. The scope is
    # checked on the visit, not again on the booking: it matches them in one pass.
    visited = Booking.objects.filter(
        Exists(
            came.filter(
                in_scope(scope, "session__"),
                session_id=OuterRef("session_id"),
                household_id=OuterRef("household_id"),
            )
        ),
        status=Booking.Status.CONFIRMED,
    )
    on_bookings = Booking.children.through.objects.filter(
        booking_id__in=visited.values("pk")
    ).values("child_id")
    on_courses = Enrolment.children.through.objects.filter(
        Exists(
            came.filter(
                in_scope(scope, "session__"),
                session__series__course=OuterRef("enrolment__course_id"),
                household_id=OuterRef("enrolment__household_id"),
            )
        )
    ).values("child_id")
    # UNION, not UNION ALL: a child reached both ways is one child.
    return on_bookings.union(on_courses).count()


# ---------------------------------------------------------------------------------------
# New families and retention cohorts


@dataclass(frozen=True)
class Cohort:
    month: date
    size: int
    # Horizon (months) -> share that came back within it; None while the horizon runs.
    shares: dict[int, float | None]
    came_back: dict[int, int | None]


def first_visits_by_month(*, scope: Scope) -> list[Cohort]:
    """New families per month of their first visit, with their return shares.

    One query: each new family's first visit (``_first_visits``), counted per month of
    that visit and month of the family's next one.
    """
    months = scope.months()
    # Per month (numbered) of the first visit: the families, and per horizon those whose
    # next visit fell in that month or the horizon's months after.
    sizes: dict[int, int] = defaultdict(int)
    back: dict[tuple[int, int], int] = defaultdict(int)
    counted = _totals_by(_first_visits(scope), ["month", "next_month"])
    for (first, following), (families,) in counted.items():
        sizes[first] += families
        for horizon in HORIZONS:
            if following is not None and following <= first + horizon:
                back[first, horizon] += families
    cohorts = []
    now_index = _month_index(scope.this_month)
    for n, month in enumerate(months):
        if not sizes[n]:
            continue
        shares: dict[int, float | None] = {}
        came_back: dict[int, int | None] = {}
        for horizon in HORIZONS:
            # Only once the horizon's last month is over is the share final.
            ripe = _month_index(month) + horizon < now_index
            came_back[horizon] = back[n, horizon] if ripe else None
            shares[horizon] = back[n, horizon] / sizes[n] if ripe else None
        cohorts.append(Cohort(month=month, size=sizes[n], shares=shares, came_back=came_back))
    return cohorts


def _first_visits(scope: Scope) -> QuerySet[Attendance]:
    """Each new family's first visit, with its ``month`` and the ``next_month`` it came back.

    New families: their first visit ever at the scope's branches (to any programme: there
    is no earlier one there) falls in the period, and the scope's programmes reached them
    in the period. Their next visit is the next one to any programme at the branches, up
    to now. Months are numbered from the period's first (``_month_number``); the next
    visit's is None when there is none yet, or none within the longest horizon.

    Window functions over each family's visits in time order, in one pass: the first
    visit's time, and the next visit's. A family with two visits at that first time gives
    one row: the last of them in the window's order (then by id), whose next visit is a
    later one. The database computes window functions after the WHERE clause: filters on
    them go in an outer query (Django writes it), so every visit counts in them.
    """
    # In time order, visits at the same time in a fixed order (by id). The same window for
    # the three functions, so the database puts the visits in order once. Its frame, the
    # rows up to this one, is what the first visit needs (the next visit's ignore it).
    in_order: dict[str, Any] = {
        "partition_by": F("household_id"),
        "order_by": [F("starts_at").asc(), F("pk")],
        "frame": RowRange(start=None, end=0),
    }
    visits = Attendance.objects.filter(_at_branches(scope, "session__"), attended=True)
    if scope.programme_ids is not None:
        # New to the branches, and reached by the scope's programmes in the period (the
        # first visit may have been to another programme).
        visits = visits.filter(
            Exists(
                Attendance.objects.filter(
                    in_scope(scope, "session__"),
                    attended=True,
                    household_id=OuterRef("household_id"),
                )
            )
        )
    return (
        visits.order_by()
        .annotate(starts_at=F("session__starts_at"))
        .annotate(
            month=_month_number(scope, "starts_at", len(scope.months()) + max(HORIZONS)),
            # The earliest of the visits up to this one: the family's first.
            first=Window(Min("starts_at"), **in_order),
            next=Window(Lead("starts_at"), **in_order),
            next_month=Window(Lead("month"), **in_order),
        )
        .filter(first=F("starts_at"), first__gte=scope.since, first__lt=scope.until)
        .filter(Q(next__isnull=True) | Q(next__gt=F("starts_at")))
    )


def _month_number(scope: Scope, moment: str, months: int) -> Case:
    """The month the time ``moment`` falls in on the scope's wall clock, from the period's.

    0 for the period's first month, 1 for the next, and so on; None from ``months`` on (or
    for no time). For times from the period's first month on. The months' bounds are
    worked out here, so the database compares times instead of turning each into a local
    month.
    """
    first = scope.starts_on.replace(day=1)
    return Case(
        *(
            When(**{f"{moment}__lt": _local_midnight(scope, add_months(first, n + 1))}, then=n)
            for n in range(months)
        ),
        default=None,
        output_field=IntegerField(),
    )


def _local_midnight(scope: Scope, day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=scope.zone)


def _totals_by(
    rows: QuerySet, by: Sequence[str], add_up: Sequence[str] = ()
) -> dict[tuple, tuple[int, ...]]:
    """How many ``rows`` there are, and the sums of their ``add_up`` columns, per ``by``.

    One query. Django groups rows in the query that finds them, but some must be found
    before they are grouped: a family's first visit is picked by window functions, which
    the database computes after grouping; visits are counted per session before they are
    added up per month. The rows' query, as Django writes it for the database at hand,
    goes in a subquery here, and the database groups what it returns.
    """
    connection = connections[rows.db]
    try:
        sql, params = rows.values_list(*by, *add_up).query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:
        return {}
    quote = connection.ops.quote_name
    keys = ", ".join(quote(column) for column in by)
    sums = "".join(f", COALESCE(SUM({quote(column)}), 0)" for column in add_up)
    with connection.cursor() as cursor:
        cursor.execute(
            # Only quoted column names and Django's own SQL: the values are parameters.
            f"SELECT {keys}, COUNT(*){sums} FROM ({sql}) {quote('found')} GROUP BY {keys}",  # noqa: S608
            params,
        )
        # Counts and sums of counts, whole numbers (PostgreSQL sums them as decimals).
        return {
            tuple(row[: len(by)]): tuple(int(total) for total in row[len(by) :])
            for row in cursor.fetchall()
        }


# ---------------------------------------------------------------------------------------
# The family path


@dataclass(frozen=True)
class PathStep:
    programme: str
    next_programmes: list[str]
    families: int
    continued: int
    share: float | None


def family_path(*, scope: Scope) -> list[PathStep]:
    """Three queries: the programmes with a next step and their names, then the counts."""
    names: dict[int, str] = {}
    following: dict[int, list[str]] = defaultdict(list)
    steps = Programme.objects.filter(next_programmes__isnull=False)
    if scope.programme_ids is not None:
        steps = steps.filter(pk__in=scope.programme_ids)
    pairs = steps.values_list("pk", "name", "next_programmes__name").order_by(
        "name", "next_programmes__name"
    )
    for pk, name, next_name in pairs:
        names[pk] = name
        following[pk].append(next_name)
    if not names:
        return []

    came = Attendance.objects.filter(attended=True)
    # A later visit by the same family to one of the programme's next programmes at the
    # scope's branches: a semi-join per visit instead of joining every later visit.
    went_on = Exists(
        came.filter(
            _at_branches(scope, "session__"),
            household_id=OuterRef("household_id"),
            session__starts_at__gt=OuterRef("session__starts_at"),
            session__programme__previous_programmes=OuterRef("session__programme_id"),
        )
    )
    # The programme ids as a list, not a subquery: the planner then keeps only these
    # programmes' visits before looking for each family's later visits.
    visited = came.filter(in_scope(scope, "session__"), session__programme_id__in=list(names))
    families = (
        visited.values_list("session__programme_id")
        .annotate(n=Count("household_id", distinct=True))
        .order_by()
    )
    # In the WHERE clause, the database runs the check as one semi-join.
    continued = dict(
        visited.filter(went_on)
        .values_list("session__programme_id")
        .annotate(n=Count("household_id", distinct=True))
        .order_by()
    )
    counts = {pk: (n, continued.get(pk, 0)) for pk, n in families}
    return [
        PathStep(
            programme=names[pk],
            next_programmes=following[pk],
            families=counts[pk][0],
            continued=counts[pk][1],
            share=_ratio(counts[pk][1], counts[pk][0]),
        )
        for pk in names
        if pk in counts
    ]


# ---------------------------------------------------------------------------------------
# Volunteers, strategy, ratings, head counts


@dataclass(frozen=True)
class VolunteerFigures:
    volunteers: int
    shifts_done: int
    hours: float


def volunteer_figures(*, scope: Scope) -> VolunteerFigures:
    length = ExpressionWrapper(
        F("shift__session__ends_at") - F("shift__session__starts_at"),
        output_field=DurationField(),
    )
    row = Assignment.objects.filter(
        in_scope(scope, "shift__session__"), status=Assignment.Status.DONE
    ).aggregate(
        volunteers=Count("volunteer", distinct=True),
        shifts_done=Count("pk"),
        time=Sum(length),
    )
    spent: timedelta | None = row["time"]
    return VolunteerFigures(
        volunteers=row["volunteers"],
        shifts_done=row["shifts_done"],
        hours=round(spent.total_seconds() / 3600, 1) if spent else 0.0,
    )


@dataclass(frozen=True)
class ResultRow:
    label: str
    sessions: int
    visits: int
    households: int


def _results(scope: Scope, key: str) -> dict[int, tuple[int, int, int]]:
    """Sessions held, visits and families reached, per ``key`` of the sessions' programme.

    Two grouped queries, over the sessions held and over their visits, whatever the number
    of tracks or goals. Grouped by a goal (through the programmes' goals), each visit
    appears once per goal of its programme: only families need counting as distinct.
    """
    if not scope.room_ids:
        return {}
    sessions = (
        Session.objects.filter(in_scope(scope))
        .values_list(f"programme__{key}")
        .annotate(n=Count("pk"))
        .order_by()
    )
    visits = (
        Attendance.objects.filter(in_scope(scope, "session__"), attended=True)
        .values_list(f"session__programme__{key}")
        .annotate(n=Count("pk"), households=Count("household_id", distinct=True))
        .order_by()
    )
    found = {k: (n, 0, 0) for k, n in sessions if k is not None}
    for k, n, households in visits:
        if k is not None:
            found[k] = (found.get(k, (0, 0, 0))[0], n, households)
    return found


def results_by_track(*, scope: Scope) -> list[ResultRow]:
    found = _results(scope, "strategy_track_id")
    rows = []
    for track in StrategyTrack.objects.order_by("name"):
        sessions, visits, households = found.get(track.pk, (0, 0, 0))
        rows.append(
            ResultRow(label=track.name, sessions=sessions, visits=visits, households=households)
        )
    return rows


def results_by_goal(*, scope: Scope) -> list[ResultRow]:
    found = _results(scope, "goals")
    held = [pk for pk, (sessions, _, _) in found.items() if sessions > 0]
    rows = []
    for goal in SustainableDevelopmentGoal.objects.filter(pk__in=held).order_by("number"):
        sessions, visits, households = found[goal.pk]
        rows.append(
            ResultRow(label=str(goal), sessions=sessions, visits=visits, households=households)
        )
    return rows


@dataclass(frozen=True)
class RatingFigures:
    count: int
    average: float | None
    # Rating (1–5) -> how many gave it.
    distribution: dict[int, int]


def rating_figures(*, scope: Scope) -> RatingFigures:
    rated = Booking.objects.filter(in_scope(scope, "session__"), rating__isnull=False)
    row = rated.aggregate(
        count=Count("pk"),
        average=Avg("rating"),
        **{f"r{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
    )
    return RatingFigures(
        count=row["count"],
        average=row["average"],
        distribution={n: row[f"r{n}"] for n in range(1, 6)},
    )


@dataclass(frozen=True)
class HeadCountFigures:
    sessions: int
    pupils: int
    first_visits: int


def head_count_figures(*, scope: Scope) -> HeadCountFigures:
    row = HeadCount.objects.filter(
        in_scope(scope, "session__"),
        session__programme__booking_mode=Programme.BookingMode.DROP_IN,
    ).aggregate(
        sessions=Count("session", distinct=True, filter=Q(count__gt=0)),
        pupils=Coalesce(Sum("count"), 0),
        first_visits=Coalesce(Sum("count", filter=Q(first_visit=True)), 0),
    )
    return HeadCountFigures(
        sessions=row["sessions"], pupils=row["pupils"], first_visits=row["first_visits"]
    )


# ---------------------------------------------------------------------------------------
# Over time


@dataclass(frozen=True)
class MonthRow:
    month: date
    sessions: int
    visits: int


def visits_by_month(*, scope: Scope) -> list[MonthRow]:
    """Every month of the period, also those with nothing held.

    One query: the visits of each session held, then the sessions and their visits added
    up per month (counting the visits per month directly would count each session once
    per visit).
    """
    months = scope.months()
    per_session = (
        Session.objects.filter(in_scope(scope))
        .annotate(came=FilteredRelation("attendances", condition=Q(attendances__attended=True)))
        .annotate(month=_month_number(scope, "starts_at", len(months)), visits=Count("came"))
    )
    found = _totals_by(per_session, ["month"], add_up=["visits"])
    rows = []
    for n, month in enumerate(months):
        sessions, visits = found.get((n,), (0, 0))
        rows.append(MonthRow(month=month, sessions=sessions, visits=visits))
    return rows


# ---------------------------------------------------------------------------------------
# Everything, for the page


@dataclass(frozen=True)
class ImpactReport:
    scope: Scope
    sessions: SessionFigures
    visits: VisitFigures
    children: int
    new_households: int
    returning_households: int
    cohorts: list[Cohort]
    path: list[PathStep]
    volunteers: VolunteerFigures
    tracks: list[ResultRow]
    goals: list[ResultRow]
    ratings: RatingFigures
    head_counts: HeadCountFigures
    months: list[MonthRow] = field(default_factory=list)


def impact_report(*, scope: Scope) -> ImpactReport:
    visits = visit_figures(scope=scope)
    cohorts = first_visits_by_month(scope=scope)
    new = sum(c.size for c in cohorts)
    return ImpactReport(
        scope=scope,
        sessions=session_figures(scope=scope),
        visits=visits,
        children=children_reached(scope=scope),
        new_households=new,
        returning_households=visits.households - new,
        cohorts=cohorts,
        path=family_path(scope=scope),
        volunteers=volunteer_figures(scope=scope),
        tracks=results_by_track(scope=scope),
        goals=results_by_goal(scope=scope),
        ratings=rating_figures(scope=scope),
        head_counts=head_count_figures(scope=scope),
        months=visits_by_month(scope=scope),
    )
