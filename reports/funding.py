"""A funded project's reach against its targets.

The project's scope is its programmes at its branches; its period runs from its first to
its last day, and is counted up to and including ``today`` (the day the report is read).
Days are the branch's own calendar days. Definitions:

- **sessions held**: scheduled (not cancelled) sessions in scope and period.
- **visits**: families × sessions: attendance rows marked "came" on those sessions.
- **families reached**: distinct households with at least one visit.
- **new families**: of those, households that had never come to the project's
  programmes at its branches before the period (any earlier date).
- **children reached**: distinct children who came: the children on a confirmed booking
  whose household came to that session, and the children of a course enrolment whose
  household came to a meeting of that course.
- **volunteer hours**: the session's length for every volunteer marked "came" on a shift
  of those sessions.

Reached means came, as staff recorded it (check-in, or attended / no-show in the admin).
Each target's **share reached** is the figure over the target; the **expected share by now**
assumes an even pace through the period: the share of the period's days gone by today.
The figures take four queries: children; visits and families; sessions; volunteer hours.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from zoneinfo import ZoneInfo

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import Count, DurationField, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Attendance, Booking, Child, Enrolment
from programmes.models import Branch, Programme, Session
from programmes.selectors import branches_for_user
from volunteers.models import Assignment

from .models import FunderProject, ProjectTarget

Measure = ProjectTarget.Measure


class Pace(models.TextChoices):
    REACHED = "reached", _("Target reached")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    NOT_STARTED = "not_started", _("Not started yet")
    MISSED = "missed", _("Not reached")


@dataclass(frozen=True)
class MeasureResult:
    measure: str
    achieved: float
    target: int | None
    expected_share: float
    pace: str | None

    @property
    def label(self) -> str:
        return Measure(self.measure).label

    @property
    def share(self) -> float | None:
        """The figure over the target (1.0 = reached; may be above 1)."""
        return self.achieved / self.target if self.target else None

    @property
    def pace_label(self) -> str:
        return Pace(self.pace).label if self.pace else ""


@dataclass(frozen=True)
class ProjectReport:
    project: FunderProject
    today: date
    programmes: list[Programme]
    branches: list[Branch]
    # The last day counted: the period's end or today, whichever comes first; None when
    # the period has not begun.
    counted_until: date | None
    # The share of the period's days gone by, from 0 to 1.
    elapsed_share: float
    # Every measure, those with a target first, in the order of ProjectTarget.Measure.
    measures: list[MeasureResult]

    @property
    def targets(self) -> list[MeasureResult]:
        return [m for m in self.measures if m.target is not None]

    @property
    def other_figures(self) -> list[MeasureResult]:
        return [m for m in self.measures if m.target is None]


def projects_for_user(
    *, user: AbstractBaseUser, queryset: QuerySet[FunderProject] | None = None
) -> QuerySet[FunderProject]:
    """Projects with at least one of the user's branches; a superuser: every project."""
    queryset = FunderProject.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    theirs = FunderProject.branches.through.objects.filter(
        funderproject=OuterRef("pk"), branch__in=branches_for_user(user=user)
    )
    return queryset.filter(Exists(theirs))


def elapsed_share(*, starts_on: date, ends_on: date, today: date) -> float:
    """The share of the days from ``starts_on`` to ``ends_on`` (both counted) gone by today."""
    days = (ends_on - starts_on).days + 1
    gone = (min(today, ends_on) - starts_on).days + 1
    return min(max(gone / days, 0.0), 1.0)


def pace_of(
    *, achieved: float, target: int, share_expected: float, today: date, project: FunderProject
) -> str:
    if achieved >= target:
        return Pace.REACHED
    if today < project.starts_on:
        return Pace.NOT_STARTED
    if today > project.ends_on:
        return Pace.MISSED
    return Pace.ON_TRACK if achieved / target >= share_expected else Pace.BEHIND


class _Scope:
    """The Q objects that pick a project's sessions, seen from any model that reaches them."""

    def __init__(self, *, programme_ids, branches: list[Branch], first: date, last: date):
        self.programme_ids = programme_ids
        self.branch_ids = [b.pk for b in branches]
        self.zones = sorted({b.time_zone for b in branches})
        self.first, self.last = first, last

    def sessions(self, prefix: str = "") -> Q:
        """Scheduled sessions of the project's programmes at its branches, any date."""
        return Q(
            **{
                f"{prefix}programme__in": self.programme_ids,
                f"{prefix}room__branch__in": self.branch_ids,
                f"{prefix}status": Session.Status.SCHEDULED,
            }
        )

    def _by_zone(self, prefix: str, bounds) -> Q:
        if not self.zones:
            return Q(pk__in=[])
        return reduce(
            operator.or_,
            (
                Q(**{f"{prefix}room__branch__time_zone": zone, **bounds(ZoneInfo(zone))})
                for zone in self.zones
            ),
        )

    def in_period(self, prefix: str = "") -> Q:
        """In scope and from the first day counted to the last, at the branch's clock."""

        def bounds(tz):
            return {
                f"{prefix}starts_at__gte": datetime.combine(self.first, time.min, tzinfo=tz),
                f"{prefix}starts_at__lt": datetime.combine(
                    self.last + timedelta(days=1), time.min, tzinfo=tz
                ),
            }

        return self.sessions(prefix) & self._by_zone(prefix, bounds)

    def before_period(self, prefix: str = "") -> Q:
        def bounds(tz):
            return {f"{prefix}starts_at__lt": datetime.combine(self.first, time.min, tzinfo=tz)}

        return self.sessions(prefix) & self._by_zone(prefix, bounds)


def _children_reached(scope: _Scope) -> int:
    came = Attendance.objects.filter(
        session=OuterRef("session"), household=OuterRef("household"), attended=True
    )
    booked_and_came = Booking.objects.filter(
        scope.in_period("session__"),
        Exists(came),
        children=OuterRef("pk"),
        status=Booking.Status.CONFIRMED,
    )
    came_to_course = Attendance.objects.filter(
        scope.in_period("session__"),
        household=OuterRef("household"),
        session__series__course=OuterRef("course"),
        attended=True,
    )
    enrolled_and_came = Enrolment.objects.filter(Exists(came_to_course), children=OuterRef("pk"))
    return Child.objects.filter(Q(Exists(booked_and_came)) | Q(Exists(enrolled_and_came))).count()


def _visits_and_families(scope: _Scope) -> dict[str, int]:
    came_before = Attendance.objects.filter(
        scope.before_period("session__"), household=OuterRef("household"), attended=True
    )
    return Attendance.objects.filter(scope.in_period("session__"), attended=True).aggregate(
        visits=Count("pk"),
        families=Count("household", distinct=True),
        new_families=Count("household", distinct=True, filter=~Q(Exists(came_before))),
    )


def _volunteer_hours(scope: _Scope) -> float:
    length = F("shift__session__ends_at") - F("shift__session__starts_at")
    total = Assignment.objects.filter(
        scope.in_period("shift__session__"), status=Assignment.Status.DONE
    ).aggregate(total=Sum(length, output_field=DurationField()))["total"]
    return round(total.total_seconds() / 3600, 1) if total else 0.0


def project_reach(
    *, project: FunderProject, today: date, now: datetime | None = None
) -> ProjectReport:
    """The project's figures for every measure, against its targets (see the module).

    ``now``: sessions held are those started before it (as on the impact report); a
    session later today is not held yet.
    """
    now = now or timezone.now()
    programmes = list(project.programmes.order_by("name"))
    branches = list(project.branches.order_by("name"))
    targets = dict(project.targets.values_list("measure", "target"))
    last = min(project.ends_on, today)
    counted_until = last if last >= project.starts_on else None

    achieved: dict[str, float] = dict.fromkeys(Measure.values, 0)
    if counted_until is not None:
        scope = _Scope(
            programme_ids=[p.pk for p in programmes],
            branches=branches,
            first=project.starts_on,
            last=last,
        )
        visits = _visits_and_families(scope)
        achieved.update(
            {
                Measure.CHILDREN: _children_reached(scope),
                Measure.HOUSEHOLDS: visits["families"],
                Measure.NEW_HOUSEHOLDS: visits["new_families"],
                Measure.ATTENDANCES: visits["visits"],
                Measure.SESSIONS: Session.objects.filter(
                    scope.in_period(), starts_at__lt=now
                ).count(),
                Measure.VOLUNTEER_HOURS: _volunteer_hours(scope),
            }
        )

    expected = elapsed_share(starts_on=project.starts_on, ends_on=project.ends_on, today=today)
    measures = [
        MeasureResult(
            measure=measure,
            achieved=achieved[measure],
            target=targets.get(measure),
            expected_share=expected,
            pace=(
                pace_of(
                    achieved=achieved[measure],
                    target=targets[measure],
                    share_expected=expected,
                    today=today,
                    project=project,
                )
                if measure in targets
                else None
            ),
        )
        for measure in Measure.values
    ]
    measures.sort(key=lambda m: m.target is None)
    return ProjectReport(
        project=project,
        today=today,
        programmes=programmes,
        branches=branches,
        counted_until=counted_until,
        elapsed_share=expected,
        measures=measures,
    )
