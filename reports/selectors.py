"""The impact figures: what the programmes did and whom they reached, for a scope.

A scope is a set of branches, optionally one or more programmes, and a period of whole
days (``report_scope`` reads its branches' rooms: one query). Every figure family below is
one database query (two for the family path: its programmes first, then the counts),
whatever the number of sessions, bookings or households.

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
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from bookings.models import Attendance, Booking, Enrolment, HeadCount
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


def _in_scope(scope: Scope, prefix: str = "", *, period: bool = True) -> Q:
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
    booking_mode = Q(programme__booking_mode=Programme.BookingMode.BOOKING)
    confirmed = Q(bookings__status=Booking.Status.CONFIRMED)
    # Per session first (a join, summed per session), then over the sessions: summing
    # capacities over the join itself would count a session once per booking.
    per_session = Session.objects.filter(_in_scope(scope)).annotate(
        offered_places=Case(When(booking_mode, then=F("capacity")), default=0),
        booked_places=Coalesce(
            Sum("bookings__places", filter=booking_mode & confirmed & Q(bookings__walk_in=False)),
            0,
        ),
        walk_in_families=Count("bookings", filter=confirmed & Q(bookings__walk_in=True)),
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
    row = Attendance.objects.filter(_in_scope(scope, "session__")).aggregate(
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
    in_scope = _in_scope(scope, "session__")
    booked = Booking.objects.filter(
        in_scope,
        session__programme__booking_mode=Programme.BookingMode.BOOKING,
        status=Booking.Status.CONFIRMED,
        walk_in=False,
        # Somebody took attendance at the session: a semi-join the database hashes once.
        session_id__in=Attendance.objects.filter(in_scope).values("session_id"),
    )
    # Each booking with its family's visit to the booking's own session, if any: at most
    # one (one attendance record per family and session), so no count needs DISTINCT.
    figures = booked.annotate(
        visit=FilteredRelation(
            "household__attendances",
            condition=Q(household__attendances__session_id=F("session_id"))
            & Q(household__attendances__attended=True),
        )
    ).aggregate(expected=Count("pk"), came=Count("visit__pk"))
    return {"expected": figures["expected"], "no_shows": figures["expected"] - figures["came"]}


def children_reached(*, scope: Scope) -> int:
    came = Attendance.objects.filter(attended=True)
    # The scope is checked on the visit, not again on the booking: the database then
    # matches bookings to the scope's visits in one pass.
    on_bookings = Booking.children.through.objects.filter(
        Exists(
            came.filter(
                _in_scope(scope, "session__"),
                session_id=OuterRef("booking__session_id"),
                household_id=OuterRef("booking__household_id"),
            )
        ),
        booking__status=Booking.Status.CONFIRMED,
    ).values("child_id")
    on_courses = Enrolment.children.through.objects.filter(
        Exists(
            came.filter(
                _in_scope(scope, "session__"),
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

    One query: each family's first visit ever at the scope's branches (to any programme:
    there is no earlier one there) when it falls in the period, for families reached in
    the scope in the period, joined to the family's visits at the branches to find those
    that came after.
    """
    came = Attendance.objects.filter(attended=True)
    earlier = came.filter(
        _at_branches(scope, "session__"),
        household_id=OuterRef("household_id"),
    ).filter(
        Q(session__starts_at__lt=OuterRef("session__starts_at"))
        | Q(session__starts_at=OuterRef("session__starts_at"), pk__lt=OuterRef("pk"))
    )
    again = "household__attendances__session__starts_at"
    came_again = (
        _at_branches(scope, "household__attendances__session__")
        & Q(household__attendances__attended=True)
        & Q(**{f"{again}__gt": F("session__starts_at")})
    )
    months = scope.months()

    def local_midnight(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=scope.zone)

    def back_within(horizon: int) -> Q:
        # Before the first day of the month `horizon` months after the first visit's month.
        # The bounds are worked out here, per month of the period, so the database only
        # compares times, row by row, instead of turning each into a local month.
        bound = Case(
            *(
                When(
                    session__starts_at__lt=local_midnight(add_months(month, 1)),
                    then=Value(local_midnight(add_months(month, horizon + 1))),
                )
                for month in months
            ),
            default=Value(local_midnight(add_months(months[-1], horizon + 1))),
            output_field=DateTimeField(),
        )
        return came_again & Q(**{f"{again}__lt": bound})

    first_visits = came.filter(
        _at_branches(scope, "session__"),
        session__starts_at__gte=scope.since,
        session__starts_at__lt=scope.until,
    ).filter(~Exists(earlier))
    if scope.programme_ids is not None:
        # New to the branches, and reached by the scope's programmes in the period (the
        # first visit may have been to another programme).
        first_visits = first_visits.filter(
            Exists(
                came.filter(_in_scope(scope, "session__"), household_id=OuterRef("household_id"))
            )
        )
    rows = (
        first_visits.annotate(first_month=TruncMonth("session__starts_at", tzinfo=scope.zone))
        .values("first_month")
        .annotate(
            households=Count("household_id", distinct=True),
            **{
                f"back_{horizon}": Count(
                    "household_id",
                    distinct=True,
                    filter=back_within(horizon),
                )
                for horizon in HORIZONS
            },
        )
        .order_by("first_month")
    )
    cohorts = []
    now_index = _month_index(scope.this_month)
    for row in rows:
        month = _as_date(row["first_month"], scope.zone)
        shares: dict[int, float | None] = {}
        came_back: dict[int, int | None] = {}
        for horizon in HORIZONS:
            # Only once the horizon's last month is over is the share final.
            ripe = _month_index(month) + horizon < now_index
            came_back[horizon] = row[f"back_{horizon}"] if ripe else None
            shares[horizon] = row[f"back_{horizon}"] / row["households"] if ripe else None
        cohorts.append(
            Cohort(month=month, size=row["households"], shares=shares, came_back=came_back)
        )
    return cohorts


def _as_date(value: date | datetime, zone: ZoneInfo) -> date:
    if isinstance(value, datetime):
        return value.astimezone(zone).date() if value.tzinfo else value.date()
    return value


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
    visited = came.filter(_in_scope(scope, "session__"), session__programme_id__in=list(names))
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
        _in_scope(scope, "shift__session__"), status=Assignment.Status.DONE
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
        Session.objects.filter(_in_scope(scope))
        .values_list(f"programme__{key}")
        .annotate(n=Count("pk"))
        .order_by()
    )
    visits = (
        Attendance.objects.filter(_in_scope(scope, "session__"), attended=True)
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
    rated = Booking.objects.filter(_in_scope(scope, "session__"), rating__isnull=False)
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
        _in_scope(scope, "session__"),
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
    """Every month of the period, also those with nothing held."""
    rows = (
        Session.objects.filter(_in_scope(scope))
        .annotate(month=TruncMonth("starts_at", tzinfo=scope.zone))
        .values("month")
        .annotate(
            n_sessions=Count("pk", distinct=True),
            n_visits=Count("attendances", filter=Q(attendances__attended=True)),
        )
        .order_by()
    )
    found = {_as_date(r["month"], scope.zone): (r["n_sessions"], r["n_visits"]) for r in rows}
    return [
        MonthRow(month=m, sessions=found.get(m, (0, 0))[0], visits=found.get(m, (0, 0))[1])
        for m in scope.months()
    ]


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
