"""Purge benchmark: the load benchmark's 100,000-booking database, made old, then purged.
Run by hand, never in CI (needs PostgreSQL on 127.0.0.1:5432, user postgres, no password):

    .venv/bin/python bench/purge_bench.py                 # seed (about a minute), age, purge
    .venv/bin/python bench/purge_bench.py --bookings 20000 --sessions 2000    # quicker

1. Resets the PostgreSQL database ``familieliv_bench_purge``, migrates it and fills it with
   ``bench/seed.py`` (the load benchmark's seed: 10,000 sessions, 100,000 bookings from
   25,000 households with their children), then adds what a library's years leave behind:
   attendance for six in seven confirmed bookings, one sent confirmation in the outbox per
   booking (text, HTML and a calendar file: about 3 kB each), and 2,000 volunteers (half of
   them left long ago) with certificates, weekly availability and a welcome message each.
2. Ages it: every date moves three years back (households first seen, bookings made,
   messages sent), and so do the sessions of every room but one, whose sessions stay in the
   coming months. A household with a booking in that room is still in touch and stays;
   the others (about seven in ten) are past the 24 months. Then VACUUM ANALYZE.
3. Times ``privacy.retention.purge_personal_data()`` once, as the daily run would find it,
   then a second run (which finds nothing left to do), and prints what each did, the machine's
   load (``uptime``) and a yardstick. Target: the first run under a minute.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DB_NAME = "familieliv_bench_purge"
# The seeded and aged database, kept to purge again from the same start (--skip-seed).
TEMPLATE = f"{DB_NAME}_aged"
TARGET_SECONDS = 60
YEARS_BACK = 3
VOLUNTEERS = 2000

os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    SECRET_KEY="bench",  # noqa: S106 — a throwaway benchmark database
    REDIS_URL="",
    DEBUG="false",
)
sys.path.insert(0, str(REPO_DIR))


def run(command: list[str], **kwargs) -> None:
    subprocess.run(command, cwd=REPO_DIR, check=True, **kwargs)  # noqa: S603


PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]


def reset_database() -> None:
    run([*PSQL, f"DROP DATABASE IF EXISTS {DB_NAME}"], stdout=subprocess.DEVNULL)
    run([*PSQL, f"CREATE DATABASE {DB_NAME}"])
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=os.environ)


def keep_aged_copy() -> None:
    from django.db import connection

    connection.close()
    run([*PSQL, f"DROP DATABASE IF EXISTS {TEMPLATE}"], stdout=subprocess.DEVNULL)
    run([*PSQL, f"CREATE DATABASE {TEMPLATE} TEMPLATE {DB_NAME}"])


def restore_aged_copy() -> None:
    run([*PSQL, f"DROP DATABASE IF EXISTS {DB_NAME}"], stdout=subprocess.DEVNULL)
    run([*PSQL, f"CREATE DATABASE {DB_NAME} TEMPLATE {TEMPLATE}"])


# The text of a real confirmation is about this long; the purge's cost grows with it.
BODY = "Hej Seed Parent,\n\nI har fået en plads til Babydans. Vi glæder os til at se jer! " * 8
HTML = "<p>" + BODY.replace("\n", "<br>") + "</p>" * 2
ICS = "BEGIN:VCALENDAR\\nVERSION:2.0\\nBEGIN:VEVENT\\nSUMMARY:Babydans\\nEND:VEVENT\\n" * 6


def add_history() -> dict[str, int]:
    """Attendance, the outbox's confirmations and volunteers, on top of bench/seed.py."""
    from datetime import time as clock
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from partners.models import PartnerOrganisation
    from volunteers.models import Availability, Certificate, Volunteer

    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO attendance_attendance (session_id, household_id, attended, recorded_at)
            SELECT b.session_id, b.household_id, b.id % 7 <> 0, s.ends_at
            FROM bookings_booking b JOIN programmes_session s ON s.id = b.session_id
            WHERE b.status = 'confirmed' AND b.id % 7 <> 3
            """
        )
        attendance = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO notifications_outbox (key, kind, reference, channel, recipient, language,
                subject, body_text, body_html, attachments, unsubscribe_url, status, attempts,
                next_attempt_at, last_error, created_at, sent_at)
            SELECT 'booking_confirmed:booking:' || b.id, 'booking_confirmed', 'booking:' || b.id,
                'email', h.email, 'da', 'I har en plads: Babydans', %s, %s,
                jsonb_build_array(jsonb_build_object(
                    'filename', 'familieliv.ics', 'content', %s, 'mimetype', 'text/calendar')),
                '', 'sent', 1, b.created_at, '', b.created_at, b.created_at + interval '1 second'
            FROM bookings_booking b JOIN households_household h ON h.id = b.household_id
            """,
            [BODY, HTML, ICS],
        )
        messages = cursor.rowcount

        organisation = PartnerOrganisation.objects.create(name="Bench Røde Kors", slug="bench-rk")
        volunteers = Volunteer.objects.bulk_create(
            Volunteer(
                organisation=organisation,
                name=f"Bench Volunteer {n}",
                email=f"volunteer-{n}@bench.example.org",
                phone=f"+45 30{n:06d}",
                languages="dansk, arabisk",
                status=Volunteer.Status.LEFT if n % 2 else Volunteer.Status.ACTIVE,
                applied_on=today - timedelta(days=2000),
                joined_on=today - timedelta(days=1900),
                left_on=today - timedelta(days=1100) if n % 2 else None,
            )
            for n in range(VOLUNTEERS)
        )
        Certificate.objects.bulk_create(
            Certificate(
                volunteer=v,
                kind=Certificate.Kind.BOERNEATTEST,
                checked_on=today - timedelta(days=1900),
                valid_until=today - timedelta(days=800),
                notes="Ingen anmærkninger.",
            )
            for v in volunteers
        )
        Availability.objects.bulk_create(
            Availability(volunteer=v, weekday=day, starts_at=clock(15), ends_at=clock(18))
            for v in volunteers
            for day in (0, 2)
        )
        cursor.execute(
            """
            INSERT INTO notifications_outbox (key, kind, reference, channel, recipient, language,
                subject, body_text, body_html, attachments, unsubscribe_url, status, attempts,
                next_attempt_at, last_error, created_at, sent_at)
            SELECT 'volunteer_welcome:volunteer:' || v.id, 'volunteer_welcome',
                'volunteer:' || v.id, 'email', v.email, 'da', 'Velkommen', %s, %s, '[]', '',
                'sent', 1, now(), '', now(), now()
            FROM volunteers_volunteer v
            """,
            [BODY, HTML],
        )
        messages += cursor.rowcount
    return {"attendance records": attendance, "outbox messages": messages, "volunteers": VOLUNTEERS}


def age() -> int:
    """Three years back for everything but the last room's sessions; returns that room."""
    from django.db import connection, transaction

    back = f"interval '{YEARS_BACK} years'"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM programmes_room")
        kept_room = cursor.fetchone()[0]
        cursor.execute(
            f"UPDATE programmes_session SET starts_at = starts_at - {back}, "  # noqa: S608
            f"ends_at = ends_at - {back} WHERE room_id <> %s",
            [kept_room],
        )
        for table, columns in {
            "households_household": ["created_at", "privacy_accepted_at"],
            "bookings_booking": ["created_at", "confirmed_at", "waitlisted_at"],
            "attendance_attendance": ["recorded_at"],
            "notifications_outbox": ["created_at", "sent_at", "next_attempt_at"],
            "volunteers_volunteer": ["created_at"],
        }.items():
            moves = ", ".join(f"{c} = {c} - {back}" for c in columns)
            cursor.execute(f"UPDATE {table} SET {moves}")  # noqa: S608
        # A visit is recorded when its session ends.
        cursor.execute(
            "UPDATE attendance_attendance a SET recorded_at = s.ends_at "
            "FROM programmes_session s WHERE s.id = a.session_id"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return kept_room


def yardstick() -> float:
    from django.db import connection

    seconds = []
    with connection.cursor() as cursor:
        for _ in range(5):
            start = time.perf_counter()
            cursor.execute("SELECT count(*) FROM generate_series(1, 1000000)")
            cursor.fetchone()
            seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1000


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607


def counts() -> dict[str, int]:
    from bookings.models import Booking
    from households.models import Child, Household
    from notifications.models import Outbox
    from volunteers.models import Volunteer

    return {
        "households": Household.objects.count(),
        "  anonymised": Household.objects.filter(anonymised_at__isnull=False).count(),
        "children": Child.objects.count(),
        "bookings": Booking.objects.count(),
        "outbox messages": Outbox.objects.count(),
        "  with text": Outbox.objects.exclude(body_text="").count(),
        "volunteers": Volunteer.objects.count(),
        "  anonymised ": Volunteer.objects.filter(anonymised_at__isnull=False).count(),
    }


def show(title: str, figures: dict[str, int]) -> None:
    print(title)
    for name, n in figures.items():
        print(f"  {name:<24}{n:>9,}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument(
        "--skip-seed", action="store_true", help="purge a fresh copy of the last aged seed"
    )
    args = parser.parse_args()

    started = time.monotonic()
    if args.skip_seed:
        restore_aged_copy()
    else:
        reset_database()
    import django

    django.setup()
    if not args.skip_seed:
        sys.path.insert(0, str(BENCH_DIR))
        import seed as load_seed  # bench/seed.py: the load benchmark's data

        load_seed.seed(
            args.sessions, args.bookings, 2, BENCH_DIR / ".tmp" / "purge-seed.json", args.seed
        )
        history = add_history()
        kept_room = age()
        keep_aged_copy()
        print(f"Seeded and aged {DB_NAME} in {time.monotonic() - started:.0f} s")
        print(f"  (room {kept_room}'s sessions are to come; all else is {YEARS_BACK} years old)")
        show("Added:", history)
    show("Before the purge:", counts())

    from privacy import retention
    from privacy.retention import purge_counts, purge_personal_data

    phases: dict[str, float] = {}

    def timed(name: str, work):
        def run_timed(**kwargs):
            start = time.perf_counter()
            try:
                return work(**kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - start

        return run_timed

    # The purge's three parts, timed where it calls them (module globals, looked up per call).
    for name in ("outbox_bodies_clear", "households_purge", "volunteers_purge"):
        setattr(retention, name, timed(name, getattr(retention, name)))

    due = purge_counts()
    print(f"Due: {due}")
    print(f"Load before: {uptime()}")
    print(f"Yardstick, counting a million generated rows: {yardstick():.0f} ms")

    start = time.perf_counter()
    done = purge_personal_data()
    first = time.perf_counter() - start
    print(f"First purge: {first:.1f} s, {done}")
    print("  " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()))
    phases.clear()
    print(f"Load after: {uptime()}")

    start = time.perf_counter()
    again = purge_personal_data()
    second = time.perf_counter() - start
    print(f"Second purge: {second:.2f} s, {again}")
    show("After the purge:", counts())

    ok = first < TARGET_SECONDS and done == due and not any(again.values())
    print(f"{'PASS' if ok else 'FAIL'}: under {TARGET_SECONDS} s, all that was due, nothing twice")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
