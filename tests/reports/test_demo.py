"""The demo's history tells the reports' story, and loading it again writes nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Min
from django.utils import timezone

from bookings.models import Attendance, Booking, Child, Enrolment, Household
from programmes.models import Series, Session
from reports.funding import Pace, project_reach
from reports.models import (
    FunderProject,
    ProjectTarget,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireResponse,
)
from reports.questionnaires import questionnaire_results

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
    # A year of Babydans at Sandvika: many families came once, some came week after week.
    visits = (
        Attendance.objects.filter(
            session__programme__slug="babydans", session__room__branch__slug="sandvika"
        )
        .filter(attended=True)
        .values("household")
        .annotate(times=Count("pk"), first=Min("session__starts_at"))
    )
    times = [v["times"] for v in visits]
    assert min(v["first"] for v in visits) < timezone.now() - timedelta(days=330)
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
