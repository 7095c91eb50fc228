"""The demo's history tells the reports' story, and loading it again writes nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Min
from django.utils import timezone

from attendance.models import Attendance
from bookings.models import Booking
from courses.models import Enrolment
from households.models import Child, Household
from programmes.models import Branch, Series, Session
from reports.forms import default_period
from reports.funding import Pace, project_reach
from reports.models import (
    FunderProject,
    ProjectTarget,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireResponse,
)
from reports.questionnaires import questionnaire_results
from reports.selectors import impact_report, report_scope

pytestmark = pytest.mark.django_db

MODELS = (
    Household,
    Child,
    Booking,
    Attendance,
    Enrolment,
    Series,
    Session,
    Questionnaire,
    QuestionnaireResponse,
    QuestionnaireAnswer,
    FunderProject,
    ProjectTarget,
)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo():
    # A fixed day late in the year, so the funded project's year has a story to tell.
    with time_machine.travel(datetime(2026, 9, 16, 8, tzinfo=UTC)):
        call_command("load_demo", stdout=None)
        yield


def test_loading_the_demo_again_writes_nothing(demo):
    first = counts()

    call_command("load_demo", stdout=None)

    assert counts() == first


def test_the_demo_tells_the_reports_story(demo):
    # Eighteen months of Babydans at Sandvika: many families came once, some week after week.
    visits = (
        Attendance.objects.filter(
            session__programme__slug="babydans", session__room__branch__slug="sandvika"
        )
        .filter(attended=True)
        .values("household")
        .annotate(times=Count("pk"), first=Min("session__starts_at"))
    )
    times = [v["times"] for v in visits]
    assert min(v["first"] for v in visits) < timezone.now() - timedelta(days=500)
    assert sum(1 for t in times if t == 1) >= 10
    assert sum(1 for t in times if t >= 8) >= 6
    # Some went on along the family path to Rim og regler, and families rated sessions.
    on_the_path = (
        Attendance.objects.filter(
            session__programme__slug="rim-og-regler",
            attended=True,
            household__attendances__session__programme__slug="babydans",
        )
        .values("household")
        .distinct()
    )
    assert on_the_path.count() >= 3
    assert Booking.objects.filter(rating__isnull=False).count() > 50

    # The club's questionnaire: the families who finished the earlier course answered at the
    # start and at the end, and their answers rose; the running course's answered at the start.
    questionnaire = Questionnaire.objects.get(programme__slug="smaabornsklub")
    today = timezone.localdate()
    results = questionnaire_results(
        programme_ids=[questionnaire.programme_id],
        branch_ids=None,
        starts_on=today - timedelta(days=365),
        ends_on=today,
    )
    assert questionnaire.title == "Trivsel og samspil"
    assert len(results) == 4
    assert {(r.before_count, r.paired_count) for r in results} == {(7 + 6, 6)}
    assert all(r.paired_change > 0 for r in results)

    # Sammen om Børn this year: many children reached by mid-September, but fewer than an
    # even pace towards 624 asks.
    project = FunderProject.objects.get(name="Sammen om Børn")
    report = project_reach(project=project, today=today)
    targets = {m.measure: m for m in report.targets}
    assert (project.starts_on, project.ends_on) == (date(2026, 1, 1), date(2026, 12, 31))
    assert {b.slug for b in report.branches} == {"ballerup"}
    children = targets[ProjectTarget.Measure.CHILDREN]
    assert (children.target, children.pace) == (624, Pace.BEHIND)
    assert children.achieved > 150
    assert targets[ProjectTarget.Measure.HOUSEHOLDS].achieved > 120


def test_the_reports_default_year_has_new_and_returning_families(demo):
    # The history goes back about eighteen months, so the report's last twelve months
    # (October 2025 to 16 September 2026) hold families first seen before them.
    today = timezone.localdate()
    starts_on, ends_on = default_period(today=today)
    report = impact_report(
        scope=report_scope(
            branches=Branch.objects.all(),
            programme_ids=None,
            starts_on=starts_on,
            ends_on=ends_on,
            now=timezone.now(),
        )
    )

    assert starts_on == date(2025, 10, 1)
    assert report.new_households > 150
    assert report.returning_households > 30
    assert report.new_households + report.returning_households == report.visits.households
    # A new cohort every month; the early months' 3- and 6-month shares are known, and some
    # families came back only after three months.
    cohorts = report.cohorts
    assert [c.month for c in cohorts] == [date(2025, m, 1) for m in (10, 11, 12)] + [
        date(2026, m, 1) for m in range(1, 10)
    ]
    ripe = [c for c in cohorts if c.shares[6] is not None]
    assert len(ripe) == 5
    assert all(0.4 < c.shares[3] < 0.9 for c in ripe)
    assert sum(c.came_back[6] for c in ripe) > sum(c.came_back[3] for c in ripe)
    # The family path: a fair share of the year's Babydans families went on to Rim og regler.
    (babydans,) = [step for step in report.path if step.programme == "Babydans"]
    assert babydans.families > 40
    assert 0.15 < babydans.share < 0.4
