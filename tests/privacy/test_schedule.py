"""The purge runs daily in both modes: Celery beat's task in services mode, and the embedded
scheduler (`manage.py plan_messages --every 60`, which `make run` keeps running)."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command

from households.models import Household
from notifications.management.commands import plan_messages
from privacy.tasks import purge_personal_data_task
from tests.bookings.support import book
from tests.factories import ProgrammeFactory, SessionFactory

from .support import household

pytestmark = pytest.mark.django_db

NOW = datetime(2032, 6, 15, 10, tzinfo=UTC)
runs: list[str] = []


def record_daily() -> dict[str, int]:
    runs.append("ran")
    return {"households": 0}


def failing_daily() -> None:
    raise RuntimeError("the database went away")


class Stop(Exception):
    pass


class FakeTime:
    """The command's clock: each sleep moves it on, and the loop stops after ``rounds``."""

    def __init__(self, rounds: int) -> None:
        self.now = 1000.0
        self.rounds = rounds

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.rounds -= 1
        if self.rounds == 0:
            raise Stop
        self.now += seconds


@pytest.fixture
def daily_jobs(settings, monkeypatch):
    runs.clear()
    settings.MESSAGE_PLANNERS = []
    settings.DAILY_JOBS = [f"{__name__}.failing_daily", f"{__name__}.record_daily"]

    def run(*, rounds: int, every: int) -> str:
        monkeypatch.setattr(plan_messages, "time", FakeTime(rounds))
        out = StringIO()
        with pytest.raises(Stop):
            call_command("plan_messages", every=every, stdout=out)
        return out.getvalue()

    return run


def test_the_embedded_scheduler_runs_the_daily_jobs_on_starting_and_once_a_day(daily_jobs):
    # Every hour for 49 hours: on starting, after 24 hours and after 48.
    out = daily_jobs(rounds=49, every=3600)

    assert runs == ["ran", "ran", "ran"]
    # A job that fails is logged and tried the next day; the others still run.
    assert out.count(f"{__name__}.record_daily: {{'households': 0}}") == 3


def test_one_run_of_plan_messages_runs_no_daily_job(settings):
    runs.clear()
    settings.MESSAGE_PLANNERS = []
    settings.DAILY_JOBS = [f"{__name__}.record_daily"]

    call_command("plan_messages", stdout=StringIO())

    assert runs == []


def test_the_purge_is_a_daily_job_in_both_modes():
    assert "privacy.retention.purge_personal_data" in settings.DAILY_JOBS
    beat = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == purge_personal_data_task.name
    ]
    assert len(beat) == 1
    assert beat[0]["schedule"] == crontab(hour=3, minute=30)
    assert purge_personal_data_task.name == "privacy.purge_personal_data"


@time_machine.travel(NOW, tick=False)
def test_the_beat_task_purges():
    gone = household(NOW - timedelta(days=800))
    programme = ProgrammeFactory(min_age_months=0, max_age_months=36)
    book(
        SessionFactory(programme=programme, starts_at=NOW - timedelta(days=790)), gone, direct=True
    )

    purge_personal_data_task.delay()

    gone.refresh_from_db()
    assert gone.anonymised_at == NOW
    assert Household.objects.get(pk=gone.pk).name == ""
