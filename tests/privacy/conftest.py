"""Two households whose weeks overlap: both booked the same sessions at Sandvika, one of
them also on a course at Ballerup, each with its messages; the clock stands between the
past sessions and the coming ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine

from households.models import Child
from tests.bookings.support import book
from tests.factories import (
    AttendanceFactory,
    BranchFactory,
    ChildFactory,
    CourseFactory,
    EnrolmentFactory,
    HouseholdFactory,
    OutboxFactory,
    ProgrammeFactory,
    RoomFactory,
    SeriesFactory,
    SessionFactory,
)

NOW = datetime(2030, 1, 20, 9, tzinfo=UTC)


@pytest.fixture
def clock():
    """Frozen at NOW for the test that uses ``world`` (and only for it: the other privacy
    tests keep their own clocks)."""
    with time_machine.travel(NOW, tick=False):
        yield


def at(days: int, hour: int = 10) -> datetime:
    return (NOW + timedelta(days=days)).replace(hour=hour)


@pytest.fixture
def world(db, clock):
    sandvika = BranchFactory(name="Sandvika", time_zone="Europe/Oslo")
    ballerup = BranchFactory(name="Ballerup", time_zone="Europe/Copenhagen")
    babydans = ProgrammeFactory(name="Babydans", default_capacity=2)
    room = RoomFactory(branch=sandvika, name="Luftslottet")
    past = SessionFactory(
        programme=babydans, room=room, starts_at=at(-7), ends_at=at(-7, 11), capacity=2
    )
    coming = SessionFactory(
        programme=babydans, room=room, starts_at=at(7), ends_at=at(7, 11), capacity=1
    )

    anna = HouseholdFactory(
        email="anna@example.com", name="Anna Berg", phone="+47 900 00 001", language="da"
    )
    ella = ChildFactory(household=anna, first_name="Ella")
    ben = HouseholdFactory(email="ben@example.com", name="Ben Olsen", phone="+47 900 00 002")
    noah = ChildFactory(household=ben, first_name="Noah")

    anna_past = book(past, anna, children=[ella], direct=True, rating=4)
    ben_past = book(past, ben, children=[noah], direct=True, rating=2)
    ben_coming = book(coming, ben, children=[noah], direct=True)
    anna_waiting = book(coming, anna, children=[ella], direct=True, status="waitlisted")
    # A friend's child that came along on Anna's booking: hers only on that party.
    guest = Child.objects.create(household=None, first_name="Guest", birth_month=ella.birth_month)
    anna_waiting.children.add(guest)
    anna_waiting.name_given = "Anna's sister"
    anna_waiting.save()
    AttendanceFactory(session=past, household=anna, attended=True)
    AttendanceFactory(session=past, household=ben, attended=False)

    club = ProgrammeFactory(name="Småbørnsklub", course=True)
    course = CourseFactory(
        series=SeriesFactory(
            programme=club, room=RoomFactory(branch=ballerup, name="Legestuen"), title="Spring"
        )
    )
    meeting = SessionFactory(
        programme=club, room=course.series.room, series=course.series, starts_at=at(-3)
    )
    enrolment = EnrolmentFactory(
        course=course,
        household=anna,
        children=[ella],
        referrer_name="Hanne Sund",
        referrer_role="health_visitor",
        referrer_contact="hanne@kommune.example",
        languages="Somali, Norwegian",
        wishes="Meet other parents",
    )
    AttendanceFactory(session=meeting, household=anna, attended=True)

    messages = {
        "anna": [
            OutboxFactory(
                reference=f"booking:{anna_past.pk}",
                kind="booking_confirmed",
                subject="Anna: booked",
                recipient=anna.email,
                status="sent",
                sent_at=at(-10),
            ),
            OutboxFactory(
                reference=f"enrolment:{enrolment.pk}",
                kind="enrolment_offered",
                subject="Anna: a place on the club",
                recipient=anna.email,
            ),
            OutboxFactory(
                reference=f"household:{anna.pk}",
                kind="age_out_invitation",
                subject="Anna: what comes next",
                recipient=anna.email,
            ),
        ],
        "ben": [
            OutboxFactory(
                reference=f"booking:{ben_coming.pk}",
                kind="booking_confirmed",
                subject="Ben: booked",
                recipient=ben.email,
            ),
            OutboxFactory(
                reference=f"household:{ben.pk}",
                kind="age_out_invitation",
                subject="Ben: what comes next",
                recipient=ben.email,
            ),
        ],
    }
    return SimpleNamespace(
        sandvika=sandvika,
        ballerup=ballerup,
        past=past,
        coming=coming,
        anna=anna,
        ben=ben,
        ella=ella,
        noah=noah,
        guest=guest,
        course=course,
        meeting=meeting,
        enrolment=enrolment,
        bookings={
            "anna": {anna_past, anna_waiting},
            "ben": {ben_past, ben_coming},
        },
        messages=messages,
    )
