"""Concurrent bookings never overbook a session: a real race on PostgreSQL.

Fifty threads, each with its own database connection, wait at a barrier and then book
the same 15-place session at once. The control runs the same race with the row lock
taken out and shows the overbooking the lock prevents.
"""

import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

import pytest
from django.db import connection
from django.utils import timezone

from attendance.services import attendance_walk_in
from bookings import services
from bookings.models import Booking
from bookings.services import booking_create
from households.services import ChildInput
from tests.factories import ProgrammeFactory, SessionFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

CALLERS = 50
PLACES = 15


def race(session_id: int) -> list[object]:
    barrier = threading.Barrier(CALLERS)
    results: list[object] = [None] * CALLERS
    birth = timezone.localdate().replace(day=1) - timedelta(days=150)

    def parent(i: int) -> None:
        try:
            barrier.wait()
            results[i] = booking_create(
                session_id=session_id,
                name=f"Parent {i}",
                email=f"parent{i}@example.com",
                language="en",
                children=[ChildInput(first_name="Baby", birth_month=birth)],
            )
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=parent, args=(i,)) for i in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def session():
    start = timezone.now() + timedelta(days=30)
    return SessionFactory(
        programme=ProgrammeFactory(min_age_months=0, max_age_months=24),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=PLACES,
    )


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the window between counting places and inserting the booking."""
    real = services.session_places

    def counted_slowly(*, session):
        seen = real(session=session)
        time.sleep(0.02)
        return seen

    monkeypatch.setattr(services, "session_places", counted_slowly)


def test_fifty_simultaneous_bookings_fill_exactly_fifteen_places(session, slow_count):
    results = race(session.pk)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    confirmed = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
    waiting = Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED)
    assert confirmed.count() == PLACES
    assert waiting.count() == CALLERS - PLACES
    # The line is first come, first served: the order bookings got the lock (their ids)
    # is the order of the waitlist, and every confirmed booking came before it.
    line = list(waiting.order_by("waitlisted_at", "pk").values_list("pk", flat=True))
    assert line == sorted(line)
    assert max(confirmed.values_list("pk", flat=True)) < min(line)


def test_control_without_the_row_lock_the_same_race_overbooks(session, slow_count, monkeypatch):
    def lock_nothing(session_id):
        return services.Session.objects.select_related("programme", "room__branch").get(
            pk=session_id
        )

    monkeypatch.setattr(services, "lock_session", lock_nothing)

    race(session.pk)

    confirmed = Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).count()
    assert confirmed > PLACES, "without the lock the race should overbook; the test lost its teeth"


def test_a_walk_in_and_an_online_booking_of_one_new_family_do_not_deadlock(monkeypatch):
    """A parent books online while staff add the same (new) family at the door.

    Both write the family's household for the session. Taking the session's lock first
    on both paths means one waits for the other; taken in opposite orders, each would
    wait for a lock the other holds, and PostgreSQL would abort one of them.
    """
    # Noon UTC, three days ahead: the same calendar day at any European branch.
    start = datetime.combine(timezone.now().date() + timedelta(days=3), dtime(12), tzinfo=UTC)
    session = SessionFactory(
        programme=ProgrammeFactory(min_age_months=0, max_age_months=24),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=PLACES,
    )
    before_start = start - timedelta(minutes=30)  # on the day: the door takes walk-ins
    born = (start.date() - timedelta(days=150)).replace(day=1)
    baby = [ChildInput(first_name="Baby", birth_month=born)]
    family_written = threading.Event()
    write_children = services.party_children

    def write_children_slowly(**kwargs):
        kids = write_children(**kwargs)
        family_written.set()
        time.sleep(0.5)  # the door comes in meanwhile
        return kids

    monkeypatch.setattr(services, "party_children", write_children_slowly)
    results: dict[str, object] = {}

    def run(name, call):
        try:
            results[name] = call()
        except Exception as exc:  # noqa: BLE001 — asserted below
            results[name] = exc
        finally:
            connection.close()

    def online():
        return booking_create(
            session_id=session.pk,
            name="Aya",
            email="aya@example.com",
            language="en",
            children=baby,
            now=before_start,
        )

    def at_the_door():
        family_written.wait(timeout=10)
        return attendance_walk_in(
            session=session,
            name="Aya",
            email="aya@example.com",
            language="en",
            children=baby,
            now=before_start,
        )

    threads = [
        threading.Thread(target=run, args=("online", online)),
        threading.Thread(target=run, args=("door", at_the_door)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # The booking is made, and the door ticks the same family as came: one booking.
    assert isinstance(results["online"], Booking), results["online"]
    assert isinstance(results["door"], Booking), results["door"]
    assert results["online"].pk == results["door"].pk
    assert Booking.objects.filter(session=session).count() == 1
