"""Reminder delivery benchmark: 10,000 due reminders through the real worker, beside a plain
SMTP loop. Run by hand, never in CI (see bench/README.md):

    .venv/bin/python bench/reminders.py               # 10,000 reminders, beat every 60 s
    .venv/bin/python bench/reminders.py --count 2000 --sweep 5

1. Resets the PostgreSQL database ``familieliv_bench_reminders``, migrates it and books
   ``count`` families (50 a session) on sessions whose 24-hour reminder falls due a few
   seconds after the worker has started.
2. Starts an SMTP sink (aiosmtpd) in this process and a real Celery worker with beat
   (``--concurrency 2``) on Redis database 13, as in production: beat runs the planner
   every ``--sweep`` seconds; the planner finds, renders and writes the reminders, and the
   worker sends them in batches of 100, one SMTP connection per batch.
3. Times the pipeline from the moment the planner started (from the worker's log) to the
   last message at the sink, and each reminder's delay after its due time.
4. Sends the same rendered messages again with a plain loop over one reused SMTP
   connection (Django's SMTP backend), and prints both rates and their ratio.

Targets: the worker's rate ≥ 0.5 × the plain loop's, every reminder once, connections
reused, and every reminder delivered within two sweep intervals of its due time.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from email import message_from_bytes
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
TMP_DIR = BENCH_DIR / ".tmp"
DB_NAME = "familieliv_bench_reminders"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
BROKER_URL = "redis://127.0.0.1:6379/13"
PER_SESSION = 50
DUE_AFTER_READY = 3.0  # seconds between the worker being ready and the reminders falling due

os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    DATABASE_URL=DATABASE_URL,
    SECRET_KEY="bench",  # noqa: S106 — a throwaway benchmark database
    REDIS_URL=BROKER_URL,
)
sys.path.insert(0, str(REPO_DIR))


class Sink:
    """Counts what it accepts, when, and over how many SMTP connections."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrivals: dict[str, list[float]] = {}
        self.connections: set[tuple] = set()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        key = message_from_bytes(envelope.content)["X-Familieliv-Message"]
        with self.lock:
            self.arrivals.setdefault(key, []).append(time.time())
            self.connections.add((session.peer, id(session)))
            self.count += 1
        return "250 OK"

    def reset(self) -> None:
        with self.lock:
            self.arrivals, self.connections, self.count = {}, set(), 0


def run(command: list[str], **kwargs) -> None:
    subprocess.run(command, cwd=REPO_DIR, check=True, **kwargs)  # noqa: S603


def reset_database() -> None:
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
    run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME}"], stdout=subprocess.DEVNULL)
    run([*psql, f"CREATE DATABASE {DB_NAME}"])
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=os.environ)


def seed(count: int, due_at: datetime) -> None:
    """``count`` confirmed bookings, made three days ago, whose reminder is due at due_at."""
    from bookings.models import Booking
    from households.models import Child, Household
    from programmes.models import Branch, Programme, Room, Session

    branch = Branch.objects.create(
        name="Bench", slug="bench", municipality="Bærum", time_zone="Europe/Oslo"
    )
    programme = Programme.objects.create(
        name="Babydans", slug="babydans", min_age_months=3, max_age_months=12
    )
    sessions = count // PER_SESSION + (count % PER_SESSION > 0)
    rooms = Room.objects.bulk_create(
        Room(branch=branch, name=f"Room {n}", capacity=PER_SESSION) for n in range(sessions)
    )
    starts = due_at + timedelta(hours=programme.reminder_lead_hours)
    sessions = Session.objects.bulk_create(
        Session(
            programme=programme,
            room=room,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=PER_SESSION,
        )
        for room in rooms
    )
    booked = due_at - timedelta(days=3)
    households = Household.objects.bulk_create(
        Household(
            email=f"parent{n}@bench.example.org",
            name=f"Parent {n}",
            language=("da", "nb", "en")[n % 3],
            privacy_accepted_at=booked,
        )
        for n in range(count)
    )
    children = Child.objects.bulk_create(
        Child(household=h, first_name="Alma", birth_month=(due_at - timedelta(days=200)).date())
        for h in households
    )
    bookings = Booking.objects.bulk_create(
        Booking(
            session=sessions[n // PER_SESSION],
            household=h,
            places=1,
            status=Booking.Status.CONFIRMED,
            created_at=booked,
            confirmed_at=booked,
        )
        for n, h in enumerate(households)
    )
    Booking.children.through.objects.bulk_create(
        Booking.children.through(booking_id=b.pk, child_id=c.pk)
        for b, c in zip(bookings, children, strict=True)
    )


def start_worker(sink_port: int, sweep: float, log: Path) -> subprocess.Popen:
    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()
    env = {
        **os.environ,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
        "OUTBOX_SWEEP_SECONDS": str(sweep),
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "config",
        "worker",
        "--beat",
        "--schedule",
        str(TMP_DIR / "beat-schedule"),
        "--concurrency",
        "2",
        "--loglevel",
        "INFO",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=REPO_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"The worker did not start:\n{log.read_text()}")
        time.sleep(0.1)
    return process


def planner_start(log: Path, count: int) -> float:
    """When the planner run that wrote the reminders began (from the worker's log)."""
    pattern = re.compile(
        r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/[^\]]*\] Task bookings\.plan_messages"
        r"\[[^\]]*\] succeeded in ([\d.]+)s: \{'reminders': (\d+)"
    )
    for stamp, took, written in pattern.findall(log.read_text()):
        if int(written) > 0:
            # The worker logs local time.
            end = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").astimezone().timestamp()
            return end - float(took)
    sys.exit("No planner run wrote the reminders; see " + str(log))


def plain_loop(sink_port: int) -> tuple[int, float]:
    """The same rendered messages, sent one after another over one SMTP connection."""
    from django.core.mail import EmailMultiAlternatives, get_connection

    from notifications.models import Outbox

    rows = list(Outbox.objects.filter(kind="reminder").order_by("pk"))
    started = time.time()
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=sink_port
    )
    with connection:
        for row in rows:
            email = EmailMultiAlternatives(
                row.subject,
                row.body_text,
                "Familieliv <noreply@familieliv.invalid>",
                [row.recipient],
                connection=connection,
                headers={"X-Familieliv-Message": row.key},
            )
            email.attach_alternative(row.body_html, "text/html")
            email.send()
    return len(rows), time.time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--sweep", type=float, default=60.0, help="beat interval, seconds")
    args = parser.parse_args()
    TMP_DIR.mkdir(exist_ok=True)
    (TMP_DIR / "beat-schedule").unlink(missing_ok=True)

    print(f"Resetting {DB_NAME} …", flush=True)
    reset_database()
    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command log
    from aiosmtpd.controller import Controller

    from notifications.models import Outbox

    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()

    # The reminders fall due just after the worker is ready; seeding first takes a while,
    # so the due time is set with room to spare and the worker started in time for it.
    seed_started = time.time()
    provisional_due = datetime.now().astimezone() + timedelta(seconds=45)
    print(f"Seeding {args.count} bookings …", flush=True)
    seed(args.count, provisional_due)
    seeded_in = time.time() - seed_started

    log = TMP_DIR / "reminders-worker.log"
    wait = provisional_due.timestamp() - time.time() - 10
    if wait > 0:
        print(f"Waiting {wait:.0f} s for the due time to come near …", flush=True)
        time.sleep(wait)
    worker = start_worker(port, args.sweep, log)
    due = provisional_due.timestamp()
    print(f"Worker ready; reminders due in {due - time.time():.1f} s", flush=True)
    try:
        deadline = due + 2 * args.sweep + 600
        while sink.count < args.count and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # anything sent twice arrives now
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)

    arrivals = dict(sink.arrivals)
    connections = len(sink.connections)
    delivered = len(arrivals)
    repeats = sum(len(times) - 1 for times in arrivals.values())
    last = max(min(times) for times in arrivals.values())
    first_plan = planner_start(log, args.count)
    pipeline = last - first_plan
    worker_rate = delivered / pipeline
    worst_delay = last - due
    statuses = Counter(Outbox.objects.filter(kind="reminder").values_list("status", flat=True))

    sink.reset()
    plain_count, plain_seconds = plain_loop(port)
    plain_rate = plain_count / plain_seconds
    controller.stop()

    ratio = worker_rate / plain_rate
    checks = {
        "rate ≥ 0.5 × plain loop": ratio >= 0.5,
        "every reminder delivered once": delivered == args.count and repeats == 0,
        "batches reuse a connection": connections <= args.count / 50,
        "all within two sweep intervals of due": worst_delay <= 2 * args.sweep,
    }
    print()
    print(f"reminders due               {args.count}  (seeded in {seeded_in:.1f} s)")
    print(f"delivered / sent twice      {delivered} / {repeats}   outbox: {dict(statuses)}")
    print(f"SMTP connections (worker)   {connections}  ({delivered / connections:.0f} per)")
    print(f"worker pipeline             {pipeline:.1f} s  → {worker_rate:.0f} messages/s")
    print(f"plain loop, one connection  {plain_seconds:.1f} s  → {plain_rate:.0f} messages/s")
    print(f"ratio                       {ratio:.2f}")
    print(f"last delivery after due     {worst_delay:.1f} s  (sweep interval {args.sweep:g} s)")
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
