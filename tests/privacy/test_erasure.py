"""A family's "erase our data" (privacy.retention.household_erase): its coming bookings are
cancelled and the waitlist moves up as for any cancellation, it leaves its places in line and
its course, it gets one last message saying what was erased, and it is anonymised as the
purge does, its past figures unchanged. "Now" is Monday 3 December 2029, 10:00 in Oslo."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db.models import Q

from bookings.models import Booking
from courses.models import Enrolment
from courses.services import enrolment_accept, enrolment_offer
from households.models import Child, Household
from notifications.models import Outbox
from notifications.sending import outbox_send_due
from privacy.retention import NOT_SENT_ERASED, PrivacyError, household_erase
from reports.selectors import impact_report, report_scope
from tests.bookings.support import book
from tests.courses.support import make_course, refer
from tests.factories import AttendanceFactory, ProgrammeFactory, RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2029, 12, 3, 9, tzinfo=UTC)
FAMILY = "maja@example.com"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def room():
    return RoomFactory()


@pytest.fixture
def babydans():
    return ProgrammeFactory(name="Babydans")


def session(programme, room, starts_at, capacity=1):
    return SessionFactory(
        programme=programme,
        room=room,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        capacity=capacity,
    )


@pytest.fixture
def history(room, babydans):
    """Maja's family: a past visit (rated), a place on a full session with a family waiting
    behind it, a place in line on another, and a course with a family waiting for a place."""
    past = session(babydans, room, datetime(2029, 11, 5, 9, tzinfo=UTC), capacity=5)
    visit = book(
        past, FAMILY, name="Maja Jensen", language="da", at=past.starts_at - timedelta(days=7)
    )
    Booking.objects.filter(pk=visit.pk).update(rating=5, rated_at=past.ends_at)
    AttendanceFactory(session=past, household=visit.household, attended=True)

    full = session(babydans, room, datetime(2030, 1, 7, 9, tzinfo=UTC))
    place = book(full, FAMILY, children=["Ella"], at=NOW - timedelta(days=2), send=True)
    behind = book(full, "next@example.com", at=NOW - timedelta(days=1), send=True)

    other = session(babydans, room, datetime(2030, 1, 14, 9, tzinfo=UTC))
    book(other, "first@example.com", at=NOW - timedelta(days=2))
    in_line = book(other, FAMILY, children=["Ella"], at=NOW - timedelta(days=1))

    club = make_course(capacity=1)
    enrolment = refer(club, FAMILY)
    enrolment_offer(enrolment_id=enrolment.pk)
    enrolment_accept(enrolment_id=enrolment.pk)
    waiting_family = refer(club, "waiting@example.com")
    enrolment_offer(enrolment_id=waiting_family.pk)
    outbox_send_due()  # what the family was told so far has gone
    mail.outbox.clear()
    return {
        "household": Household.objects.get(email=FAMILY),
        "past": past,
        "place": place,
        "behind": behind,
        "in_line": in_line,
        "enrolment": enrolment,
        "waiting_family": waiting_family,
        "course": club,
    }


def statuses(*rows):
    return [type(row).objects.get(pk=row.pk).status for row in rows]


def test_erasure_cancels_moves_the_waitlist_up_says_goodbye_and_anonymises(
    history, babydans, django_capture_on_commit_callbacks
):
    household = history["household"]
    old_messages = list(Outbox.objects.filter(recipient=FAMILY).values_list("pk", flat=True))
    assert old_messages  # the confirmation, the course's messages
    theirs = Q(household=household) | Q(bookings__household=household)
    children = set(
        Child.objects.filter(theirs | Q(enrolments__household=household)).values_list(
            "pk", flat=True
        )
    )
    # Their own Ella, and the children typed for two bookings and the referral alone.
    assert len(children) == 4

    with django_capture_on_commit_callbacks(execute=True):
        result = household_erase(household_id=household.pk, now=NOW)

    assert (result.cancelled_bookings, len(result.waitlists_left), len(result.courses_left)) == (
        1,
        1,
        1,
    )
    assert result.promoted == 1
    assert [item.programme for item in result.cancelled] == ["Babydans"]
    assert [item.programme for item in result.courses_left] == ["Småbørnsklub"]
    assert not result.already_erased

    # The family behind got the place, and was told; the next in the course's line, too.
    assert statuses(history["place"], history["in_line"], history["behind"]) == [
        Booking.Status.CANCELLED,
        Booking.Status.CANCELLED,
        Booking.Status.CONFIRMED,
    ]
    assert statuses(history["enrolment"], history["waiting_family"]) == [
        Enrolment.Status.WITHDRAWN,
        Enrolment.Status.OFFERED,
    ]
    told = {message.to[0]: message for message in mail.outbox}
    assert set(told) == {FAMILY, "next@example.com", "waiting@example.com"}

    # One last message to Maja's address, in Danish, saying what was erased and cancelled.
    farewell = told[FAMILY]
    assert farewell.subject == "Jeres families data hos biblioteket er slettet"
    assert "Babydans" in farewell.body
    assert "Småbørnsklub" in farewell.body
    assert "ventelisten" in farewell.body
    assert "Maja" not in farewell.body
    assert "Ella" not in farewell.body
    row = Outbox.objects.get(pk=result.farewell_id)
    assert (row.kind, row.status, row.recipient) == ("household_erased", "sent", FAMILY)
    assert row.body_text == farewell.body

    # Everything told to the family before is cleared; the course's "you left" never went.
    for old in Outbox.objects.filter(pk__in=old_messages):
        assert (old.recipient, old.subject, old.body_text) == ("", "", "")
    withdrawn = Outbox.objects.get(kind="course_withdrawn")
    assert (withdrawn.status, withdrawn.body_text, withdrawn.last_error) == (
        Outbox.Status.FAILED,
        "",
        NOT_SENT_ERASED,
    )
    # Others' messages keep their text.
    assert Outbox.objects.get(kind="waitlist_promoted").recipient == "next@example.com"

    household.refresh_from_db()
    assert household.name == ""
    assert household.email.endswith("@erased.invalid")
    assert household.anonymised_at == NOW
    assert {c.first_name for c in Child.objects.filter(pk__in=children)} == {
        f"#{pk}" for pk in children
    }
    assert result.children == 4
    # Another family's Ella keeps her name.
    assert [c.first_name for c in history["behind"].children.all()] == ["Ella"]


def test_the_erased_familys_past_figures_are_unchanged(history, room):
    def november():
        return impact_report(
            scope=report_scope(
                branches=[room.branch],
                programme_ids=None,
                starts_on=date(2029, 11, 1),
                ends_on=date(2029, 11, 30),
                now=NOW,
            )
        )

    before = november()
    assert (before.visits.visits, before.children, before.ratings.count) == (1, 1, 1)

    household_erase(household_id=history["household"].pk, now=NOW)

    assert november() == before
    assert Booking.objects.get(session=history["past"]).rating == 5


def test_erasing_twice_does_nothing_more(history):
    household_id = history["household"].pk
    household_erase(household_id=household_id, now=NOW)
    rows = Outbox.objects.count()

    again = household_erase(household_id=household_id, now=NOW + timedelta(hours=1))

    assert again.already_erased
    assert (again.cancelled_bookings, again.farewell_id) == (0, None)
    assert Outbox.objects.count() == rows
    assert Household.objects.get(pk=household_id).anonymised_at == NOW


def test_an_unknown_household_is_refused_with_a_reason():
    with pytest.raises(PrivacyError, match="does not exist"):
        household_erase(household_id=987654, now=NOW)


def test_a_session_already_started_keeps_its_booking(room, babydans):
    """Only coming sessions are cancelled: one under way is history, as is its booking."""
    running = session(babydans, room, NOW - timedelta(minutes=20), capacity=5)
    booking = book(running, FAMILY, direct=True)

    result = household_erase(household_id=booking.household_id, now=NOW)

    assert result.cancelled_bookings == 0
    assert statuses(booking) == [Booking.Status.CONFIRMED]
    assert Household.objects.get(pk=booking.household_id).anonymised_at == NOW
