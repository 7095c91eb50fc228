"""Coordinators assigning at the same moment never overfill a shift or double-book a
volunteer: real races on PostgreSQL, each caller with its own connection."""

import threading

import pytest
from django.db import connection

from volunteers.models import Assignment
from volunteers.services import AssignmentError, assignment_propose

from .support import lektiecafe_series, organisation, partnership_for, shifts_for, volunteer

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def race(calls) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_volunteers_asked_at_once_fill_a_shift_of_two():
    series = lektiecafe_series(weeks=1, weekdays=[0])
    org = organisation()
    shift = shifts_for(series, partnership_for(series, org), required=2)[0]
    people = [volunteer(org, f"Volunteer {i}") for i in range(20)]
    results = race([lambda p=p: assignment_propose(shift=shift, volunteer=p) for p in people])
    assert sum(isinstance(r, Assignment) for r in results) == 2
    assert all(isinstance(r, (Assignment, AssignmentError)) for r in results)
    assert shift.assignments.count() == 2


def test_one_volunteer_asked_for_two_places_at_the_same_time_gets_one():
    org = organisation()
    first = lektiecafe_series(weeks=1, weekdays=[0])
    shifts = [
        shifts_for(series, partnership_for(series, org))[0]
        for series in [first]
        + [lektiecafe_series(weeks=1, weekdays=[0], programme=first.programme) for _ in range(5)]
    ]
    person = volunteer(org)
    results = race([lambda s=s: assignment_propose(shift=s, volunteer=person) for s in shifts])
    assert sum(isinstance(r, Assignment) for r in results) == 1
    assert Assignment.objects.filter(volunteer=person).count() == 1
