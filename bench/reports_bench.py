"""Impact report benchmark: a large municipality's year, and how long the report takes.
Run by hand, never in CI (needs PostgreSQL on 127.0.0.1:5432, user postgres, no password):

    .venv/bin/python bench/reports_bench.py                 # seed (about a minute), then time
    .venv/bin/python bench/reports_bench.py --skip-seed     # time again on the last seed
    .venv/bin/python bench/reports_bench.py --skip-seed --no-jit    # with PostgreSQL's JIT off
    .venv/bin/python bench/reports_bench.py --bookings 100000 --households 30000 --runs 15

1. Resets the PostgreSQL database ``familieliv_bench_reports``, migrates it and fills it
   with ``bulk_create``: 8 branches of one municipality, six programmes (Babydans, whose
   family path leads to Rim og regler and Sangstund; Legestue; Lektiecafé, drop-in with
   head counts and volunteer shifts; Småbørnsklub, half-year courses with enrolments and a
   before/after questionnaire), tied to three strategy tracks and UN goals; a year of
   weekly sessions up to today and four weeks ahead; ``--households`` families (1–2
   children each) making ``--bookings`` bookings between them — most come a few times
   within half a year of their first visit, some only once, some all year, and many
   Babydans families go on to the next programmes; attendance (came or not) for every
   past confirmed booking and course meeting, ratings on a third of the visits. Then
   VACUUM ANALYZE, as a live database would have statistics.
2. Times the report for the default period (the last twelve months), ``--runs`` times
   after one warm-up each: the page through Django's test Client as a superuser (every
   branch) and as a librarian of two branches, and the selectors alone (every figure
   family and the questionnaire, no template). Prints the median and the maximum, the
   number of queries, and the slowest queries of one run.

Target: the page renders in well under a second (median < 0.5 s, max < 1 s).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DB_NAME = "familieliv_bench_reports"
ZONE = ZoneInfo("Europe/Copenhagen")
BATCH = 5000
WEEKS_BACK = 52
WEEKS_AHEAD = 4

os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    SECRET_KEY="bench",  # noqa: S106 — a throwaway benchmark database
    REDIS_URL="",
    ALLOWED_HOSTS="testserver,localhost",
    # Static files through the finders: no collectstatic (and no manifest) needed.
    STATIC_ROOT=str(BENCH_DIR / ".tmp" / "no-static"),
    DEBUG="false",
)
sys.path.insert(0, str(REPO_DIR))

BRANCHES = [
    "Hovedbiblioteket",
    "Nord",
    "Syd",
    "Øst",
    "Vest",
    "Havnen",
    "Skoven",
    "Stationen",
]
# (weekday, hour, programme key) in the branch's first room: one-hour sessions.
WEEKLY = [(0, 10, "babydans"), (1, 10, "babydans"), (2, 10, "rim"), (3, 10, "sang")]
WEEKLY += [(4, 10, "legestue"), (5, 10, "legestue")]
BOOKABLE = ["babydans", "rim", "sang", "legestue"]
# Where a family's first booking goes, and where its later ones go.
FIRST_WEIGHTS = [0.6, 0.15, 0.1, 0.15]
LATER_WEIGHTS = [0.35, 0.3, 0.2, 0.15]


def run(command: list[str], **kwargs) -> None:
    subprocess.run(command, cwd=REPO_DIR, check=True, **kwargs)  # noqa: S603


def reset_database() -> None:
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
    run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME}"], stdout=subprocess.DEVNULL)
    run([*psql, f"CREATE DATABASE {DB_NAME}"])
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=os.environ)


def local(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC)


def seed(*, n_bookings: int, n_households: int, rng: random.Random) -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from attendance.models import Attendance, HeadCount
    from bookings.models import Booking
    from courses.models import Course, Enrolment
    from households.models import Child, Household
    from partners.models import PartnerOrganisation, Partnership
    from programmes.models import (
        Branch,
        BranchMembership,
        Programme,
        Room,
        Series,
        Session,
        StrategyTrack,
        SustainableDevelopmentGoal,
    )
    from programmes.roles import ensure_librarian_group
    from reports.models import (
        Questionnaire,
        QuestionnaireAnswer,
        QuestionnaireItem,
        QuestionnaireResponse,
    )
    from volunteers.models import Assignment, Shift, Volunteer

    now = datetime.now(UTC)
    today = now.astimezone(ZONE).date()
    first_monday = today - timedelta(days=today.weekday(), weeks=WEEKS_BACK)
    weeks = WEEKS_BACK + WEEKS_AHEAD

    with transaction.atomic():
        goals = {g.number: g for g in SustainableDevelopmentGoal.objects.all()}
        tracks = StrategyTrack.objects.bulk_create(
            StrategyTrack(name=name)
            for name in ("Læring og dannelse", "Fællesskab og demokrati", "Sundhed og trivsel")
        )
        spec = {
            "babydans": ("Babydans", Programme.BookingMode.BOOKING, 0, [3, 4]),
            "rim": ("Rim og regler", Programme.BookingMode.BOOKING, 0, [4]),
            "sang": ("Sangstund", Programme.BookingMode.BOOKING, 2, [3, 4]),
            "legestue": ("Legestue", Programme.BookingMode.BOOKING, 1, [3, 10]),
            "lektiecafe": ("Lektiecafé", Programme.BookingMode.DROP_IN, 0, [4, 10]),
            "klub": ("Småbørnsklub", Programme.BookingMode.COURSE, 2, [1, 3, 10]),
        }
        programmes = {}
        for key, (name, mode, track, numbers) in spec.items():
            grades = key == "lektiecafe"
            programmes[key] = Programme.objects.create(
                name=name,
                slug=key,
                booking_mode=mode,
                audience_basis="grade" if grades else "age",
                min_age_months=None if grades else 0,
                max_age_months=None if grades else 72,
                min_grade=8 if grades else None,
                max_grade=10 if grades else None,
                default_capacity=25,
                strategy_track=tracks[track],
            )
            programmes[key].goals.set([goals[n] for n in numbers])
        programmes["babydans"].next_programmes.set([programmes["rim"], programmes["sang"]])

        branches = Branch.objects.bulk_create(
            Branch(
                name=f"Bench {name}",
                slug=f"bench-{n}",
                municipality="Benchkommune",
                time_zone="Europe/Copenhagen",
            )
            for n, name in enumerate(BRANCHES)
        )
        rooms = Room.objects.bulk_create(
            Room(branch=b, name=f"Sal {k}", capacity=60) for b in branches for k in (1, 2, 3)
        )
        rooms_of = {b.pk: rooms[3 * n : 3 * n + 3] for n, b in enumerate(branches)}

        # Weekly booking sessions in each branch's first room.
        sessions = Session.objects.bulk_create(
            (
                Session(
                    programme=programmes[key],
                    room=rooms_of[b.pk][0],
                    starts_at=local(day, hour),
                    ends_at=local(day, hour + 1),
                    capacity=25,
                )
                for b in branches
                for week in range(weeks)
                for weekday, hour, key in WEEKLY
                for day in [first_monday + timedelta(weeks=week, days=weekday)]
            ),
            batch_size=BATCH,
        )
        by_branch_programme: dict[tuple[int, int], list[Session]] = {}
        for s in sessions:
            by_branch_programme.setdefault((s.room.branch_id, s.programme_id), []).append(s)

        households = Household.objects.bulk_create(
            (
                Household(
                    email=f"family-{n}@bench.example.org",
                    name=f"Family {n}",
                    privacy_accepted_at=now - timedelta(days=400),
                )
                for n in range(n_households)
            ),
            batch_size=BATCH,
        )
        kids = [
            Child(household=h, first_name=f"Child {k}", birth_month=date(2024, 1 + k, 1))
            for h in households
            for k in range(2 if rng.random() < 0.3 else 1)
        ]
        Child.objects.bulk_create(kids, batch_size=BATCH)
        children_of: dict[int, list[Child]] = {}
        for c in kids:
            children_of.setdefault(c.household_id, []).append(c)

        # Each family: a home branch, a first week, and a number of bookings that averages
        # out at n_bookings / n_households; one in ten also tries a second branch.
        # A few more than asked for: a family drawing the same session twice books it once.
        mean_extra = max(1.08 * n_bookings / n_households - 1, 0.1)
        p = 1 / (1 + mean_extra)
        plans: list[tuple[Household, Session]] = []
        for h in households:
            home = rng.choice(branches)
            k = 1
            while rng.random() > p and k < 40:
                k += 1
            start_week = rng.randrange(weeks)
            chosen: set[int] = set()
            for i in range(k):
                branch = home if rng.random() > 0.1 else rng.choice(branches)
                key = rng.choices(BOOKABLE, FIRST_WEIGHTS if i == 0 else LATER_WEIGHTS)[0]
                options = by_branch_programme[(branch.pk, programmes[key].pk)]
                # Within about half a year of the first visit: families move on.
                low = start_week * len(options) // weeks
                high = min(len(options) - 1, low + 26 * len(options) // weeks)
                s = options[rng.randint(low, high)]
                if s.pk not in chosen:
                    chosen.add(s.pk)
                    plans.append((h, s))
        rng.shuffle(plans)
        plans = plans[:n_bookings]

        taken: dict[int, int] = {}
        bookings = []
        for h, s in plans:
            party = children_of[h.pk]
            places = len(party)
            if rng.random() < 0.05:
                status = Booking.Status.CANCELLED
            elif taken.get(s.pk, 0) + places <= s.capacity:
                status = Booking.Status.CONFIRMED
                taken[s.pk] = taken.get(s.pk, 0) + places
            else:
                status = Booking.Status.WAITLISTED
            past = s.starts_at < now
            rated = past and status == Booking.Status.CONFIRMED and rng.random() < 0.33
            bookings.append(
                Booking(
                    session=s,
                    household=h,
                    places=places,
                    status=status,
                    created_at=s.starts_at - timedelta(days=rng.randint(1, 20)),
                    confirmed_at=s.starts_at - timedelta(days=1),
                    rating=rng.choices([1, 2, 3, 4, 5], [1, 2, 6, 20, 30])[0] if rated else None,
                    walk_in=status == Booking.Status.CONFIRMED and past and rng.random() < 0.01,
                )
            )
        Booking.objects.bulk_create(bookings, batch_size=BATCH)
        Booking.children.through.objects.bulk_create(
            (
                Booking.children.through(booking_id=b.pk, child_id=c.pk)
                for b in bookings
                for c in children_of[b.household_id]
            ),
            batch_size=BATCH,
        )
        attendance = [
            Attendance(
                session_id=b.session_id,
                household_id=b.household_id,
                attended=rng.random() < 0.87,
                recorded_at=b.session.ends_at,
            )
            for b in bookings
            if b.status == Booking.Status.CONFIRMED and b.session.starts_at < now
        ]

        # Lektiecafé: three afternoons a week at four branches, with head counts and two
        # volunteers from the partner on each.
        org = PartnerOrganisation.objects.create(name="Bench Ungdom", slug="bench-ungdom")
        volunteers = Volunteer.objects.bulk_create(
            Volunteer(
                organisation=org,
                name=f"Volunteer {n}",
                email=f"volunteer-{n}@bench.example.org",
                status=Volunteer.Status.ACTIVE,
            )
            for n in range(120)
        )
        afternoons = Session.objects.bulk_create(
            Session(
                programme=programmes["lektiecafe"],
                room=rooms_of[b.pk][1],
                starts_at=local(day, 15),
                ends_at=local(day, 18),
                capacity=40,
            )
            for b in branches[:4]
            for week in range(weeks)
            for weekday in (0, 2, 3)
            for day in [first_monday + timedelta(weeks=week, days=weekday)]
        )
        HeadCount.objects.bulk_create(
            HeadCount(session=s, grade=grade, first_visit=first, count=rng.randint(0, 6))
            for s in afternoons
            if s.starts_at < now
            for grade in ("8", "9", "10")
            for first in (True, False)
        )
        partnerships = {
            b.pk: Partnership.objects.create(
                organisation=org,
                programme=programmes["lektiecafe"],
                branch=b,
                starts_on=first_monday,
            )
            for b in branches[:4]
        }
        shifts = Shift.objects.bulk_create(
            Shift(session=s, partnership=partnerships[s.room.branch_id]) for s in afternoons
        )
        Assignment.objects.bulk_create(
            Assignment(
                shift=shift,
                volunteer=v,
                status=(
                    Assignment.Status.CONFIRMED
                    if shift.session.starts_at >= now
                    else rng.choices([Assignment.Status.DONE, Assignment.Status.NO_SHOW], [9, 1])[0]
                ),
            )
            for shift in shifts
            for v in rng.sample(volunteers, 2)
        )

        # Småbørnsklub: a spring and an autumn course at every branch, twelve families each,
        # meeting weekly on Tuesday afternoons; a questionnaire before and after.
        questionnaire = Questionnaire.objects.create(
            programme=programmes["klub"], title="Trivsel og samspil"
        )
        items = QuestionnaireItem.objects.bulk_create(
            QuestionnaireItem(questionnaire=questionnaire, text=text, position=n)
            for n, text in enumerate(("Barnets trivsel", "Samspil", "Netværk"))
        )
        meetings, enrolments, responses, answers = [], [], [], []
        enrolment_children = []
        for b in branches:
            for term in range(2):
                first = first_monday + timedelta(weeks=26 * term, days=1)
                series = Series.objects.create(
                    programme=programmes["klub"],
                    room=rooms_of[b.pk][2],
                    weekdays=[1],
                    start_time=local(first, 13).astimezone(ZONE).time(),
                    end_time=local(first, 15).astimezone(ZONE).time(),
                    start_date=first,
                    end_date=first + timedelta(weeks=19),
                )
                course = Course.objects.create(series=series)
                held = [
                    Session(
                        programme=programmes["klub"],
                        series=series,
                        series_date=first + timedelta(weeks=w),
                        room=rooms_of[b.pk][2],
                        starts_at=local(first + timedelta(weeks=w), 13),
                        ends_at=local(first + timedelta(weeks=w), 15),
                        capacity=12,
                    )
                    for w in range(20)
                ]
                meetings.extend(held)
                for h in rng.sample(households, 12):
                    e = Enrolment(course=course, household=h, status=Enrolment.Status.ENROLLED)
                    enrolments.append((e, held))
        Session.objects.bulk_create(meetings, batch_size=BATCH)
        Enrolment.objects.bulk_create([e for e, _ in enrolments], batch_size=BATCH)
        for e, held in enrolments:
            enrolment_children.extend(
                Enrolment.children.through(enrolment_id=e.pk, child_id=c.pk)
                for c in children_of[e.household_id]
            )
            attendance.extend(
                Attendance(
                    session=s,
                    household_id=e.household_id,
                    attended=rng.random() < 0.8,
                    recorded_at=s.ends_at,
                )
                for s in held
                if s.starts_at < now
            )
            for moment in ("before", "after"):
                if moment == "after" and held[-1].starts_at >= now:
                    continue
                responses.append(
                    QuestionnaireResponse(
                        enrolment=e, moment=moment, answered_on=held[0].starts_at.date()
                    )
                )
        Enrolment.children.through.objects.bulk_create(enrolment_children, batch_size=BATCH)
        QuestionnaireResponse.objects.bulk_create(responses, batch_size=BATCH)
        for r in responses:
            for item in items:
                base = 3 if r.moment == "before" else 4
                value = min(5, max(1, base + rng.choice((-1, 0, 0, 1))))
                answers.append(QuestionnaireAnswer(response=r, item=item, value=value))
        QuestionnaireAnswer.objects.bulk_create(answers, batch_size=BATCH)
        Attendance.objects.bulk_create(attendance, batch_size=BATCH, ignore_conflicts=True)

        User = get_user_model()  # noqa: N806
        User.objects.create_superuser("bench-admin", "admin@bench.example.org", "bench")
        librarian = User.objects.create_user(
            "bench-librarian",
            password="bench",  # noqa: S106 — a throwaway benchmark database
            is_staff=True,
        )
        librarian.groups.add(ensure_librarian_group())
        BranchMembership.objects.bulk_create(
            BranchMembership(user=librarian, branch=b) for b in branches[:2]
        )

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "branches": len(branches),
        "sessions": Session.objects.count(),
        "households": len(households),
        "children": len(kids),
        "bookings": Booking.objects.count(),
        "attendance records": Attendance.objects.count(),
        "volunteer assignments": Assignment.objects.count(),
        "questionnaire answers": len(answers),
    }


class DatabaseClock:
    """Adds up the time spent waiting for the database, query by query."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


def timed(label: str, call, runs: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up: connections, template loading, the planner's caches
    seconds, in_database, queries = [], [], 0
    for _ in range(runs):
        clock = DatabaseClock()
        with connection.execute_wrapper(clock):
            start = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - start)
        in_database.append(clock.seconds)
        queries = clock.queries
    with CaptureQueriesContext(connection) as captured:
        call()
    median, worst = statistics.median(seconds), max(seconds)
    print(
        f"{label:<34} median {median * 1000:6.0f} ms  max {worst * 1000:6.0f} ms  "
        f"(database {statistics.median(in_database) * 1000:4.0f} ms, {queries} queries)"
    )
    # A copy: the next request empties the connection's log that captured_queries reads.
    return median, worst, list(captured.captured_queries)


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


def measure(runs: int) -> bool:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from programmes.models import Branch
    from reports.forms import default_period
    from reports.questionnaires import questionnaire_results
    from reports.selectors import impact_report, report_scope

    def page(username: str):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))

        def get():
            response = client.get("/reports/")
            assert response.status_code == 200, response.status_code  # noqa: S101
            return response

        return get

    def selectors():
        starts_on, ends_on = default_period(today=timezone.localdate())
        scope = report_scope(
            branches=Branch.objects.all(),
            programme_ids=None,
            starts_on=starts_on,
            ends_on=ends_on,
            now=timezone.now(),
        )
        impact_report(scope=scope)
        questionnaire_results(
            programme_ids=None, branch_ids=scope.branch_ids, starts_on=starts_on, ends_on=ends_on
        )

    # Other programs on the machine slow every figure down: say how busy it was, and how
    # fast its database is at plain counting, so figures can be compared across machines.
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"\nLoad average before timing: {load} on {os.cpu_count()} cores")
    print(f"Yardstick, counting a million generated rows: {yardstick():.0f} ms")
    results = {
        "page, superuser (every branch)": timed(
            "page, superuser (every branch)", page("bench-admin"), runs
        ),
        "page, librarian of two branches": timed(
            "page, librarian of two branches", page("bench-librarian"), runs
        ),
        "selectors alone (every branch)": timed("selectors alone (every branch)", selectors, runs),
    }
    _median, _worst, queries = results["page, superuser (every branch)"]
    spent = sum(float(q["time"]) for q in queries) * 1000
    print(f"\nSlowest queries of one more page (superuser), of {spent:.0f} ms in all:")
    slowest = sorted(queries, key=lambda q: -float(q["time"]))[:6]
    for q in slowest:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")
    page_median, page_max, _ = results["page, superuser (every branch)"]
    passed = page_median < 0.5 and page_max < 1.0
    print(
        f"\nTarget: page median < 500 ms and max < 1000 ms: "
        f"{'PASS' if passed else 'FAIL'} ({page_median * 1000:.0f} / {page_max * 1000:.0f} ms)"
    )
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bookings", type=int, default=50_000)
    parser.add_argument("--households", type=int, default=15_000)
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each (default 9)")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the last seed")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--no-jit",
        action="store_true",
        help="time with PostgreSQL's JIT compilation off for the report's connection",
    )
    args = parser.parse_args()
    if args.no_jit:
        # libpq passes this to the server when the connection opens.
        os.environ["PGOPTIONS"] = "-c jit=off"

    if not args.skip_seed:
        started = time.monotonic()
        reset_database()
    import django

    django.setup()
    if not args.skip_seed:
        rng = random.Random(args.seed)  # noqa: S311 — test data, repeatable
        counts = seed(n_bookings=args.bookings, n_households=args.households, rng=rng)
        print(f"Seeded {DB_NAME} in {time.monotonic() - started:.0f} s:")
        for name, n in counts.items():
            print(f"  {name:<24}{n:>8,}")
    return 0 if measure(args.runs) else 1


if __name__ == "__main__":
    sys.exit(main())
