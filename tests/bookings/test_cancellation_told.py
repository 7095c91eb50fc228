"""A family is told of every cancellation of its booking: its own (the family page, the
reminder's "we can't come" link) and the library's (the bookings admin, with a reason), each
with the event cancelled in its calendar, and each told once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from bookings.links import cant_come_url
from bookings.models import Booking
from bookings.services import BookingError, booking_cancel, booking_cancel_by_library
from households.links import manage_token
from notifications.models import Outbox
from operations.services import session_move
from tests.bookings.support import book
from tests.calendars.support import parsed_by_both
from tests.operations.support import NOW, WEDNESDAY_11, household, ics_of, sent_to, session_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(clock):
    return session_at(WEDNESDAY_11, capacity=1)


def family_page_cancel(client, booking: Booking):
    token = manage_token(household=booking.household)
    return client.post(reverse("bookings:cancel", args=[token, booking.pk]), follow=True)


def test_a_family_cancelling_on_its_page_is_told_with_the_event_cancelled(client, session):
    booking = book(session, household("anna@example.com", "Anna Hansen"), send=True)
    confirmation = parsed_by_both(ics_of(sent_to("anna@example.com")[0])).event

    page = family_page_cancel(client, booking)

    assert "Your booking is cancelled" in page.text
    (_, told) = sent_to("anna@example.com")
    assert told.subject == "Cancelled as you asked: Babydans on 25 November 2026"
    assert "Your booking for Babydans is cancelled, as you asked." in told.body
    assert "Wednesday 25 November 2026, 11:00–12:00" in told.body
    assert "The attached calendar file takes the session out of your calendar." in told.body
    calendar = parsed_by_both(ics_of(told))
    assert calendar.method == "CANCEL"
    assert calendar.event.uid == confirmation.uid
    assert calendar.event.status == "CANCELLED"
    assert calendar.event.sequence > confirmation.sequence


def test_the_reminders_cant_come_link_tells_the_family_too(client, session):
    booking = book(session, household("anna@example.com"), send=True)

    client.post(cant_come_url(booking=booking).split("testserver")[-1])

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    told = sent_to("anna@example.com")[-1]
    assert told.subject.startswith("Cancelled as you asked: Babydans")
    assert parsed_by_both(ics_of(told)).method == "CANCEL"


def test_leaving_the_waitlist_is_a_short_message_without_a_calendar_file(client, session):
    book(session, household("anna@example.com"))
    waiting = book(session, household("bo@example.com"), send=True)
    assert waiting.status == Booking.Status.WAITLISTED

    page = family_page_cancel(client, waiting)

    assert "You have left the waitlist." in page.text
    (_, told) = sent_to("bo@example.com")
    assert told.subject == "You have left the waitlist for Babydans"
    assert "You are no longer on the waitlist for Babydans, as you asked." in told.body
    assert "calendar" not in told.body
    assert told.attachments == []


def test_leaving_the_waitlist_after_a_move_cancels_the_pencilled_in_event(session):
    book(session, household("anna@example.com"))
    waiting = book(session, household("bo@example.com"))
    thursday = WEDNESDAY_11 + timedelta(days=1)
    session_move(session_id=session.pk, starts_at=thursday, ends_at=thursday + timedelta(hours=1))

    booking_cancel(booking_id=waiting.pk)

    moved, left = sent_to("bo@example.com")[-2:]
    assert left.subject == "You have left the waitlist for Babydans"
    before, after = parsed_by_both(ics_of(moved)), parsed_by_both(ics_of(left))
    assert (before.event.status, after.method) == ("TENTATIVE", "CANCEL")
    assert after.event.uid == before.event.uid
    assert after.event.sequence > before.event.sequence


def test_a_cancellation_is_told_once(client, session):
    booking = book(session, household("anna@example.com"))

    family_page_cancel(client, booking)
    family_page_cancel(client, booking)  # the back button, a second tap
    booking_cancel(booking_id=booking.pk)

    assert Outbox.objects.filter(kind="booking_cancelled").count() == 1


# -- the library cancels a booking ------------------------------------------------------------


def test_the_library_must_give_a_reason(session):
    booking = book(session, household("anna@example.com"))

    with pytest.raises(BookingError, match="Give a reason: the family is told it."):
        booking_cancel_by_library(booking_id=booking.pk, reason="  ")
    with pytest.raises(BookingError, match="Keep the reason to 200 characters."):
        booking_cancel_by_library(booking_id=booking.pk, reason="x" * 201)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


@pytest.fixture
def librarian_client(client, session, make_librarian):
    client.force_login(make_librarian(session.room.branch))
    return client


def test_a_librarian_cancels_bookings_from_the_admin_and_each_family_is_told_the_reason(
    librarian_client, session
):
    anna = book(session, household("anna@example.com", "Anna Hansen"), send=True)
    bo = book(session, household("bo@example.com"), send=True)
    url = reverse("admin:bookings_booking_changelist")
    chosen = {"action": "cancel_bookings", "_selected_action": [anna.pk]}

    asked = librarian_client.post(url, chosen)
    assert asked.status_code == 200
    assert "Each family is told, with your reason" in asked.text
    assert "Anna Hansen" in asked.text

    blank = librarian_client.post(url, {**chosen, "apply": "yes", "reason": " "})
    assert "Give a reason: the family is told it." in blank.text
    anna.refresh_from_db()
    assert anna.status == Booking.Status.CONFIRMED

    done = librarian_client.post(
        url, {**chosen, "apply": "yes", "reason": "The group is too big for the room."}, follow=True
    )

    assert "1 booking cancelled and its family told" in done.text
    assert "1 family moved up from the waitlist and was told" in done.text
    anna.refresh_from_db()
    assert anna.status == Booking.Status.CANCELLED
    assert anna.cancellation_reason == "The group is too big for the room."
    told = sent_to("anna@example.com")[-1]
    assert told.subject == "Cancelled by the library: your place at Babydans on 25 November 2026"
    assert "We are sorry: the library has cancelled your booking for Babydans." in told.body
    assert "The group is too big for the room." in told.body
    calendar = parsed_by_both(ics_of(told))
    assert (calendar.method, calendar.event.status) == ("CANCEL", "CANCELLED")
    assert calendar.event.sequence == 1
    bo.refresh_from_db()
    assert bo.status == Booking.Status.CONFIRMED
    assert sent_to("bo@example.com")[-1].subject.startswith("Good news: a place for you")


def test_the_change_form_cannot_cancel_a_booking_without_telling_the_family(
    librarian_client, session
):
    booking = book(session, household("anna@example.com"))
    url = reverse("admin:bookings_booking_change", args=[booking.pk])

    page = librarian_client.get(url)
    assert 'name="status"' not in page.text  # shown, not editable
    librarian_client.post(url, {"adults": 2, "status": "cancelled"})

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.adults == 2
