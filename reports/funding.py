"""A funded project's reach against its targets.

The project's scope is its programmes at its branches; its period runs from its first to
its last day, and is counted up to and including ``today`` (the day the report is read),
and up to ``now``: a session later today is not held yet.

The shared figures are the impact report's, on a ``report_scope`` of the project, and
defined there (reports/selectors.py, "Definitions"): **sessions held**, **visits**,
**families reached**, **children reached** and **volunteer hours**. Days are read on the
wall clock of the project's branches when they share a time zone, else in the site's.
Reached means came, as staff recorded it (check-in, or attended / no-show in the admin).

Funder-specific:

- **new families**: of the families reached, households that had never come to the
  *project's programmes* at its branches before the period (any earlier date). (The
  impact report's "new" differs: a first visit ever at the branches, to any programme.)
- each target's **share reached** is the figure over the target; the **expected share by
  now** assumes an even pace through the period: the share of the period's days gone by
  today.

The figures take seven queries, whatever the data: the scope's rooms; sessions; visits
and families (two: see ``visit_figures``); children; volunteer hours; new families.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models import Attendance
from programmes.models import Branch, Programme
from programmes.selectors import branches_for_user
from reports.models import FunderProject, ProjectTarget

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from reports.selectors import (
    Scope,
    children_reached,
    in_scope,
    report_scope,
    session_figures,
    visit_figures,
    volunteer_figures,
)

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
    def label(self) -> StrOrPromise:
        return Measure(self.measure).label

    @property
    def share(self) -> float | None:
        """The figure over the target (1.0 = reached; may be above 1)."""
        return self.achieved / self.target if self.target else None

    @property
    def pace_label(self) -> StrOrPromise:
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
    *, user: User | AnonymousUser, queryset: QuerySet[FunderProject] | None = None
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


def _new_families(scope: Scope) -> int:
    """Families reached in the period who had never come to the scope's programmes at its
    branches before it (see the module): one query."""
    came_before = Attendance.objects.filter(
        in_scope(scope, "session__", period=False),
        session__starts_at__lt=scope.since,
        household_id=OuterRef("household_id"),
        attended=True,
    )
    return Attendance.objects.filter(
        in_scope(scope, "session__"), ~Exists(came_before), attended=True
    ).aggregate(n=Count("household_id", distinct=True))["n"]


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
    # No programmes: nothing to count (an empty list would mean every programme to a scope).
    if counted_until is not None and programmes:
        scope = report_scope(
            branches=branches,
            programme_ids=[p.pk for p in programmes],
            starts_on=project.starts_on,
            ends_on=last,
            now=now,
        )
        visits = visit_figures(scope=scope)
        achieved.update(
            {
                Measure.CHILDREN: children_reached(scope=scope),
                Measure.HOUSEHOLDS: visits.households,
                Measure.NEW_HOUSEHOLDS: _new_families(scope),
                Measure.ATTENDANCES: visits.visits,
                Measure.SESSIONS: session_figures(scope=scope).held,
                Measure.VOLUNTEER_HOURS: volunteer_figures(scope=scope).hours,
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
