"""The outbox with a real Celery worker, the real Redis broker and PostgreSQL.

Each message is delivered once; a worker killed mid-batch loses nothing and repeats at most
one message per pool process it had; a booking made while the broker is down is still
confirmed once the broker is back.
"""

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import Booking
from households.models import Household
from notifications.models import Outbox
from tests.factories import ProgrammeFactory, SessionFactory

from .conftest import ROOT, database_url, free_port, producer, wait_until

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

MESSAGES = 1000


def write_due_messages(count: int) -> None:
    now = timezone.now()
    Outbox.objects.bulk_create(
        Outbox(
            key=f"reminder:booking:{n}",
            kind="reminder",
            recipient=f"parent{n}@example.com",
            language="en",
            subject=f"See you tomorrow ({n})",
            body_text="See you at Babydans tomorrow.",
            next_attempt_at=now - timedelta(seconds=1),
        )
        for n in range(count)
    )


def book_due_reminders(count: int, *, per_session: int = 50) -> set[str]:
    """``count`` confirmed bookings on sessions 12 hours away, booked days ago: each is due
    a reminder now. Returns the reminders' outbox keys."""
    now = timezone.now()
    programme = ProgrammeFactory(min_age_months=0, max_age_months=24)
    households = Household.objects.bulk_create(
        Household(email=f"parent{n}@example.com", name=f"Parent {n}", privacy_accepted_at=now)
        for n in range(count)
    )
    sessions = [
        SessionFactory(
            programme=programme,
            starts_at=now + timedelta(hours=12),
            ends_at=now + timedelta(hours=13),
            capacity=per_session,
        )
        for _ in range(0, count, per_session)
    ]
    bookings = Booking.objects.bulk_create(
        Booking(
            session=sessions[n // per_session],
            household=household,
            places=1,
            status=Booking.Status.CONFIRMED,
            created_at=now - timedelta(days=3),
            confirmed_at=now - timedelta(days=3),
        )
        for n, household in enumerate(households)
    )
    return {f"reminder:booking:{b.pk}" for b in bookings}


def sweep_until_all_sent(broker_url: str, *, timeout: float) -> None:
    """Hand sweeps to the worker, as beat does every minute, until no row is left to send."""
    client = producer(broker_url)
    deadline = time.monotonic() + timeout
    while Outbox.objects.exclude(status=Outbox.Status.SENT).exists():
        assert time.monotonic() < deadline, "messages still unsent"
        client.send_task("notifications.sweep_outbox")
        time.sleep(0.5)


def test_a_thousand_due_reminders_are_found_by_beat_and_each_delivered_exactly_once(
    smtp_sink, broker_url, start_worker
):
    expected = book_due_reminders(MESSAGES)
    # Beat hands out the planner and the sweep every second; the two pool processes run
    # planners side by side, so the same reminders are found more than once.
    start_worker(broker_url=broker_url, beat=True)

    wait_until(
        lambda: (
            Outbox.objects.filter(kind="reminder", status=Outbox.Status.SENT).count() >= MESSAGES
        ),
        timeout=180,
        what="every reminder to be sent",
    )

    counts = Counter(smtp_sink.keys)
    assert set(counts) == expected
    assert max(counts.values()) == 1
    assert Outbox.objects.filter(kind="reminder").count() == MESSAGES


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_one_per_process(
    smtp_sink, broker_url, start_worker
):
    concurrency = 2
    smtp_sink.delay = 0.01  # a slow mail server, so the kill lands mid-batch
    write_due_messages(MESSAGES)
    worker = start_worker(broker_url=broker_url, concurrency=concurrency)
    client = producer(broker_url)
    for _ in range(concurrency):
        client.send_task("notifications.sweep_outbox")
    wait_until(lambda: len(smtp_sink.keys) >= 150, timeout=60, what="sending to start")

    worker.kill()
    delivered_before_restart = len(smtp_sink.keys)
    start_worker(broker_url=broker_url, concurrency=concurrency)
    sweep_until_all_sent(broker_url, timeout=240)

    counts = Counter(smtp_sink.keys)
    repeats = sum(n - 1 for n in counts.values())
    assert 150 <= delivered_before_restart < MESSAGES
    assert len(counts) == MESSAGES, "a message was lost"
    # Each outcome is saved the moment the mail server accepts the message, so only a
    # message accepted in the instant before the kill can go twice: at most one per pool
    # process the worker had, for this one kill.
    assert repeats <= concurrency


def test_a_booking_made_while_the_broker_is_down_is_confirmed_once_it_is_back(
    smtp_sink, start_worker, tmp_path
):
    start = timezone.now() + timedelta(days=7)
    session = SessionFactory(
        programme=ProgrammeFactory(min_age_months=0, max_age_months=24),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    port = free_port()
    broker_url = f"redis://127.0.0.1:{port}/0"  # nothing listens there yet
    birth = timezone.localdate().replace(day=1) - timedelta(days=100)

    # The web process books while its broker is down.
    web = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from datetime import date;"
            "from bookings.services import booking_create, ChildInput;"
            f"booking_create(session_id={session.pk}, name='Anna', email='anna@example.com',"
            f" language='en', children=[ChildInput('Ella', date({birth.year}, {birth.month}, 1))])",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "SECRET_KEY": "web-test",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert web.returncode == 0, web.stderr
    message = Outbox.objects.get(kind="booking_confirmed")
    assert message.status == Outbox.Status.PENDING
    assert smtp_sink.keys == []

    # The broker comes back; the worker's beat sweeps the outbox on its first tick.
    redis_server = subprocess.Popen(  # noqa: S603
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        start_worker(broker_url=broker_url, beat=True)
        wait_until(lambda: smtp_sink.keys, timeout=60, what="the confirmation to arrive")
    finally:
        redis_server.terminate()
        redis_server.wait(timeout=10)

    assert smtp_sink.keys == [message.key]
    message.refresh_from_db()
    assert message.status == Outbox.Status.SENT
