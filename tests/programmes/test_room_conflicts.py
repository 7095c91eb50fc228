"""A room is never double-booked: the database refuses it on PostgreSQL, clean() everywhere."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Session
from tests.factories import ProgrammeFactory, RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 4, hour, minute, tzinfo=OSLO)


@pytest.fixture
def luftslottet():
    return RoomFactory(name="Luftslottet")


@pytest.fixture
def babydans(luftslottet):
    return SessionFactory(
        room=luftslottet,
        programme=ProgrammeFactory(name="Babydans"),
        starts_at=at(11),
        ends_at=at(12),
    )


def new_session(room, start, end, **kwargs):
    return Session(
        programme=ProgrammeFactory(name="Rim og regler"),
        room=room,
        starts_at=start,
        ends_at=end,
        capacity=10,
        **kwargs,
    )


def test_clean_refuses_an_overlapping_session_with_a_clear_message(luftslottet, babydans):
    clash = new_session(luftslottet, at(11, 30), at(12, 30))

    with pytest.raises(ValidationError) as excinfo:
        clash.full_clean()

    message = excinfo.value.message_dict["room"][0]
    assert "Luftslottet is already in use" in message
    assert "11:00–12:00" in message
    assert "Babydans" in message


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (at(12), at(13)),  # starts when the other ends
        (at(10), at(11)),  # ends when the other starts
    ],
)
def test_clean_accepts_back_to_back_sessions(luftslottet, babydans, start, end):
    new_session(luftslottet, start, end).full_clean()


def test_clean_accepts_the_same_time_in_another_room(babydans):
    new_session(RoomFactory(), at(11), at(12)).full_clean()


def test_clean_ignores_cancelled_sessions(luftslottet, babydans):
    babydans.status = Session.Status.CANCELLED
    babydans.save()

    new_session(luftslottet, at(11), at(12)).full_clean()


def test_editing_a_session_does_not_clash_with_itself(babydans):
    babydans.capacity = 20
    babydans.full_clean()


def test_a_session_must_end_after_it_starts(luftslottet):
    with pytest.raises(ValidationError) as excinfo:
        new_session(luftslottet, at(12), at(11)).full_clean()
    assert "ends_at" in excinfo.value.message_dict


@pytest.mark.postgresql
def test_postgresql_exclusion_constraint_refuses_overlap_that_skips_clean(luftslottet, babydans):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        new_session(luftslottet, at(11, 30), at(12, 30)).save()
    assert "session_room_no_overlap" in str(excinfo.value)


@pytest.mark.postgresql
def test_postgresql_constraint_allows_back_to_back_and_cancelled(luftslottet, babydans):
    new_session(luftslottet, at(12), at(13)).save()
    new_session(luftslottet, at(11), at(12), status=Session.Status.CANCELLED).save()
    assert Session.objects.filter(room=luftslottet).count() == 3


@pytest.mark.postgresql
def test_postgresql_constraint_fires_when_a_cancelled_session_is_restored(luftslottet, babydans):
    cancelled = new_session(luftslottet, at(11), at(12), status=Session.Status.CANCELLED)
    cancelled.save()
    cancelled.status = Session.Status.SCHEDULED
    with pytest.raises(IntegrityError), transaction.atomic():
        cancelled.save()
