"""Seed the benchmark database: 10,000 future sessions and 100,000 bookings.

Run by bench/run.py (never by the test suite) with DATABASE_URL pointing at the
benchmark database, which must be freshly migrated and empty. Everything goes in with
``bulk_create``; the script then runs VACUUM ANALYZE so the planner has statistics, and
writes a JSON file naming what the load phase needs: the rush sessions (capacity 15, no
bookings yet), the sessions for spread-out bookings with a birth month that makes a
child eligible on each, and a programme slug.

    python bench/seed.py --app-dir . --out bench/.tmp/seed.json [--sessions N] [--bookings N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BRANCHES = [
    ("Bench Hovedbibliotek", "bench-hoved", "Benchby"),
    ("Bench Nord", "bench-nord", "Benchby"),
    ("Bench Syd", "bench-syd", "Sydkommune"),
    ("Bench Vest", "bench-vest", "Vestkommune"),
]
ROOMS_PER_BRANCH = 3
PROGRAMMES = [
    ("Babydans", "babydans", "baby"),
    ("Babysang", "babysang", "baby"),
    ("Rim og remser", "rim-og-remser", "storytime"),
    ("Legestue", "legestue", "play"),
    ("Småbørnsklub", "smaaboernsklub", "family_club"),
]
# Six one-hour sessions a day in each room, back to back is allowed but not needed.
SLOT_STARTS = [(9, 0), (10, 30), (12, 0), (13, 30), (15, 0), (16, 30)]
SLOT_MINUTES = 60
CAPACITIES = [15, 15, 15, 10, 20, 25]
RUSH_CAPACITY = 15
SPREAD_SESSIONS = 2000
HOUSEHOLDS_PER_BOOKING = 0.25  # 100,000 bookings come from 25,000 households
BATCH = 5000
ZONE = ZoneInfo("Europe/Copenhagen")


def setup_django(app_dir: Path) -> None:
    sys.path.insert(0, str(app_dir))
    os.chdir(app_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def months_back(day: date, months: int) -> tuple[int, int]:
    """(year, month) of the month ``months`` before the month of ``day``."""
    index = day.year * 12 + (day.month - 1) - months
    return index // 12, index % 12 + 1


def session_slots(n_rooms: int, n_sessions: int, first_day: date) -> list[tuple[int, datetime]]:
    """(room index, local start) for n_sessions, each room filling its own day's slots."""
    per_room = -(-n_sessions // n_rooms)
    slots = []
    for room in range(n_rooms):
        for k in range(per_room):
            if len(slots) == n_sessions:
                break
            day = first_day + timedelta(days=k // len(SLOT_STARTS))
            hour, minute = SLOT_STARTS[k % len(SLOT_STARTS)]
            start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)
            slots.append((room, start))
    return slots


def booking_counts(n_sessions: int, total: int, rng: random.Random) -> list[int]:
    """Bookings per session, 0–20 at random (mean 10), adjusted to add up to ``total``."""
    counts = [rng.randint(0, 20) for _ in range(n_sessions)]
    diff = total - sum(counts)
    while diff:
        i = rng.randrange(n_sessions)
        if diff > 0 and counts[i] < 40:
            counts[i] += 1
            diff -= 1
        elif diff < 0 and counts[i] > 0:
            counts[i] -= 1
            diff += 1
    return counts


def seed(n_sessions: int, n_bookings: int, n_rush: int, out: Path, rng_seed: int) -> dict:
    from django.db import connection, transaction

    from bookings.models import Booking
    from households.models import Child, Household
    from programmes.models import Branch, Programme, Room, Session

    rng = random.Random(rng_seed)  # noqa: S311 — test data, repeatable
    now = datetime.now(UTC)
    today = now.astimezone(ZONE).date()
    timings = {}
    t0 = time.monotonic()

    with transaction.atomic():
        branches = Branch.objects.bulk_create(
            [
                Branch(name=name, slug=slug, municipality=muni, time_zone="Europe/Copenhagen")
                for name, slug, muni in BRANCHES
            ]
        )
        rooms = Room.objects.bulk_create(
            [
                Room(branch=b, name=f"Sal {i + 1}", capacity=60)
                for b in branches
                for i in range(ROOMS_PER_BRANCH)
            ]
        )
        programmes = Programme.objects.bulk_create(
            [
                Programme(
                    name=name,
                    slug=slug,
                    kind=kind,
                    summary=f"{name} for the youngest and their grown-ups.",
                    description="Seeded for the load benchmark.",
                    audience_basis=Programme.AudienceBasis.AGE_MONTHS,
                    min_age_months=0,
                    max_age_months=24,
                    booking_mode=Programme.BookingMode.BOOKING,
                    capacity_unit=Programme.CapacityUnit.CHILDREN,
                    default_capacity=15,
                    is_published=True,
                )
                for name, slug, kind in PROGRAMMES
            ]
        )

        # Sessions: from tomorrow, each room its own sequence of daily slots, so no two
        # scheduled sessions in a room overlap (the exclusion constraint checks it).
        slots = session_slots(len(rooms), n_sessions, today + timedelta(days=1))
        sessions = Session.objects.bulk_create(
            [
                Session(
                    programme=programmes[i % len(programmes)],
                    room=rooms[room],
                    starts_at=start.astimezone(UTC),
                    ends_at=(start + timedelta(minutes=SLOT_MINUTES)).astimezone(UTC),
                    capacity=rng.choice(CAPACITIES),
                    status=Session.Status.SCHEDULED,
                )
                for i, (room, start) in enumerate(slots)
            ],
            batch_size=BATCH,
        )
        timings["sessions"] = time.monotonic() - t0

        # The rush sessions start empty with 15 places; all other sessions share the bookings.
        rush = rng.sample(sessions, n_rush)
        rush_ids = {s.pk for s in rush}
        Session.objects.filter(pk__in=rush_ids).update(capacity=RUSH_CAPACITY)
        for s in rush:
            s.capacity = RUSH_CAPACITY
        others = [s for s in sessions if s.pk not in rush_ids]

        n_households = max(int(n_bookings * HOUSEHOLDS_PER_BOOKING), 45)
        households = Household.objects.bulk_create(
            [
                Household(
                    email=f"seed-{i}@bench.example.org",
                    name=f"Seed Parent {i}",
                    phone="" if i % 3 else f"+45 20{i:06d}"[:30],
                    language="da",
                    consents_to_followups=bool(i % 2),
                    privacy_accepted_at=now - timedelta(days=rng.randint(1, 60)),
                )
                for i in range(n_households)
            ],
            batch_size=BATCH,
        )
        children_of: list[list[Child]] = []
        child_rows = []
        for h in households:
            kids = []
            for k in range(2 if rng.random() < 0.3 else 1):
                y, m = months_back(today, rng.randint(0, 23))
                kids.append(
                    Child(household=h, first_name=f"Barn{k + 1}", birth_month=date(y, m, 1))
                )
            children_of.append(kids)
            child_rows.extend(kids)
        Child.objects.bulk_create(child_rows, batch_size=BATCH)
        timings["households"] = time.monotonic() - t0

        counts = booking_counts(len(others), n_bookings, rng)
        bookings: list[Booking] = []
        booked_children: list[list[Child]] = []
        for session, count in zip(others, counts, strict=True):
            taken = 0
            booked_at = now - timedelta(days=30)
            for hi in rng.sample(range(n_households), count):
                kids = children_of[hi]
                booked_at += timedelta(minutes=rng.randint(1, 240))
                places = len(kids)  # capacity counts children: one place per child
                fits = taken + places <= session.capacity
                if fits:
                    taken += places
                bookings.append(
                    Booking(
                        session=session,
                        household=households[hi],
                        adults=1,
                        places=places,
                        status=Booking.Status.CONFIRMED if fits else Booking.Status.WAITLISTED,
                        created_at=booked_at,
                        confirmed_at=booked_at if fits else None,
                        waitlisted_at=None if fits else booked_at,
                    )
                )
                booked_children.append(kids)
        Booking.objects.bulk_create(bookings, batch_size=BATCH)
        Through = Booking.children.through
        Through.objects.bulk_create(
            [
                Through(booking_id=b.pk, child_id=c.pk)
                for b, kids in zip(bookings, booked_children, strict=True)
                for c in kids
            ],
            batch_size=BATCH,
        )
        timings["bookings"] = time.monotonic() - t0

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["analyze"] = time.monotonic() - t0

    # Spread bookings: sessions other than the rush ones, each with a birth month that
    # makes the child 12 months old that day (the programmes take 0–24 months).
    spread = rng.sample(others, min(SPREAD_SESSIONS, len(others)))
    spread_targets = []
    for s in spread:
        year, month = months_back(s.starts_at.astimezone(ZONE).date(), 12)
        spread_targets.append({"id": s.pk, "birth_year": year, "birth_month": month})
    rush_targets = []
    for s in rush:
        year, month = months_back(s.starts_at.astimezone(ZONE).date(), 12)
        rush_targets.append({"id": s.pk, "birth_year": year, "birth_month": month})

    info = {
        "sessions": len(sessions),
        "bookings": len(bookings),
        "households": len(households),
        "children": len(child_rows),
        "rush": rush_targets,
        "spread": spread_targets,
        "programme_slug": programmes[0].slug,
        "timings": {k: round(v, 1) for k, v in timings.items()},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(info, indent=1))
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-dir", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument(
        "--rush", type=int, default=2, help="empty 15-place sessions, one per rush run"
    )
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    setup_django(args.app_dir.resolve())
    info = seed(args.sessions, args.bookings, args.rush, args.out.resolve(), args.seed)
    print(
        f"seeded {info['sessions']} sessions, {info['bookings']} bookings, "
        f"{info['households']} households, {info['children']} children "
        f"(seconds so far: {info['timings']})"
    )


if __name__ == "__main__":
    main()
