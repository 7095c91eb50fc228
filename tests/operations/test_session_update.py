"""A librarian's edit of a session, saved by one service (operations.services.session_update):
a new time is a move that tells the families, more places move the waitlist up, and an edit
that cannot be made saves nothing."""

from datetime import timedelta

import pytest
import time_machine

from bookings.models import Booking
from operations.services import SessionChangeError, session_update
from programmes.models import Session
from tests.bookings.support import book
from tests.factories import RoomFactory

from .support import NOW, WEDNESDAY_11, household, sent_to, session_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def edited(session: Session, **values) -> Session:
    """The session as the admin's form leaves it: new values, not saved yet."""
    copy = Session.objects.get(pk=session.pk)
    for name, value in values.items():
        setattr(copy, name, value)
    return copy


def test_a_new_time_and_more_places_move_the_session_tell_the_families_and_promote():
    session = session_at(WEDNESDAY_11, capacity=1)
    anna = book(session, household("anna@example.com"), direct=True)
    bo = book(session, household("bo@example.com"), status=Booking.Status.WAITLISTED, direct=True)
    later = WEDNESDAY_11 + timedelta(hours=2)

    result = session_update(
        session=edited(session, starts_at=later, ends_at=later + timedelta(hours=1), capacity=2),
        changed=["starts_at", "ends_at", "capacity"],
    )

    session.refresh_from_db()
    bo.refresh_from_db()
    assert (session.starts_at, session.capacity) == (later, 2)
    assert (result.moved, result.told_of_move, result.promoted) == (True, 2, 1)
    assert bo.status == Booking.Status.CONFIRMED
    told = [m for m in sent_to(anna.household.email) if m.attachments]
    assert len(told) == 1  # the move, with its calendar event at the new time
    assert "13:00" in told[0].body


def test_seconds_dropped_by_the_form_are_no_move_and_tell_nobody():
    session = session_at(WEDNESDAY_11)
    book(session, household("anna@example.com"), direct=True)

    result = session_update(
        session=edited(session, starts_at=WEDNESDAY_11 + timedelta(seconds=30)),
        changed=["starts_at"],
    )

    assert (result.moved, result.told_of_move) == (False, 0)
    assert sent_to("anna@example.com") == []


def test_a_move_into_a_taken_room_saves_none_of_the_edit():
    room = RoomFactory()
    session_at(WEDNESDAY_11 + timedelta(hours=2), room=room)
    session = session_at(WEDNESDAY_11, capacity=10, room=room)
    book(session, household("anna@example.com"), direct=True)
    clash = WEDNESDAY_11 + timedelta(hours=2)

    with pytest.raises(SessionChangeError, match="already in use"):
        session_update(
            session=edited(
                session, starts_at=clash, ends_at=clash + timedelta(hours=1), capacity=12
            ),
            changed=["starts_at", "ends_at", "capacity"],
        )

    session.refresh_from_db()
    assert (session.starts_at, session.capacity) == (WEDNESDAY_11, 10)
    assert sent_to("anna@example.com") == []


def test_cancelling_needs_a_reason_and_tells_the_families_it():
    session = session_at(WEDNESDAY_11)
    book(session, household("anna@example.com"), direct=True)

    with pytest.raises(SessionChangeError, match="Give a reason"):
        session_update(session=edited(session, status=Session.Status.CANCELLED), changed=["status"])
    result = session_update(
        session=edited(
            session, status=Session.Status.CANCELLED, cancellation_reason="The room flooded."
        ),
        changed=["status", "cancellation_reason"],
    )

    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert (result.cancelled, result.told_of_cancellation) == (True, 1)
    (message,) = sent_to("anna@example.com")
    assert "The room flooded." in message.body
