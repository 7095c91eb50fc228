"""Somebody types another family's e-mail into the public booking form (security issue,
hole 4): the answer must not tell whether the address is known, and the household must not
change: a booking for a known address carries its own party."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from attendance.selectors import check_in_list
from bookings.models import Booking
from households.models import Child, Household
from notifications.models import Outbox
from tests.bookings.support import baby_for, book
from tests.bookings.test_views import form_data
from tests.factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(clock):
    start = NOW + timedelta(days=10)
    return SessionFactory(
        programme=ProgrammeFactory(name="Babydans", min_age_months=3, max_age_months=12),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=5,
    )


def post(client, session, **overrides):
    return client.post(
        reverse("bookings:session", args=[session.pk]),
        form_data(session, email="mette@example.com", **overrides),
    )


def answer(client, session, **overrides):
    """What whoever sent the form sees: the redirect, and the page it leads to (but for the
    page's own CSRF token, new on every page)."""
    response = post(client, session, **overrides)
    assert response.status_code == 302
    page = client.get(response.url).text
    return response.url, re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page)


@pytest.mark.parametrize("state", ["known, not booked here", "known, booked here"])
def test_the_answer_is_the_same_whether_or_not_the_address_is_known(client, session, state):
    unknown = answer(client, session, name="Somebody Else")
    Booking.objects.all().delete()
    Household.objects.all().delete()

    mette = Household.objects.create(
        email="mette@example.com", name="Mette Dal", privacy_accepted_at=NOW
    )
    if state == "known, booked here":
        book(session, mette)

    known = answer(client, session, name="Somebody Else")

    assert known == unknown  # the same address to go to, the same page there
    assert "Mette Dal" not in known[1]


def test_a_booking_for_a_known_address_carries_its_own_party_and_leaves_the_household(
    client, session
):
    mette = Household.objects.create(
        email="mette@example.com", name="Mette Dal", phone="12345678", privacy_accepted_at=NOW
    )
    own = Child.objects.create(household=mette, first_name="Ella", birth_month=NOW.date())

    post(client, session, name="Somebody Else", **{"children-0-first_name": "Noah"})

    mette.refresh_from_db()
    assert (mette.name, mette.phone) == ("Mette Dal", "12345678")
    assert list(mette.children.all()) == [own]  # Noah was not added to the household
    booking = Booking.objects.get()
    assert booking.household == mette
    (noah,) = booking.children.all()
    assert (noah.first_name, noah.household) == ("Noah", None)
    # The helpers at the door see the name that was typed, never the household's own.
    (row,) = check_in_list(session=session)
    assert (row.name, row.children) == ("Somebody Else", ["Noah"])


def test_a_child_the_household_already_has_is_that_child(client, session):
    mette = Household.objects.create(
        email="mette@example.com", name="Mette Dal", privacy_accepted_at=NOW
    )
    ella = Child.objects.create(household=mette, first_name="Ella", birth_month=baby_for(session))

    booking = book(session, "METTE@example.com", children=[ella], name="Mette Dal")

    assert list(booking.children.all()) == [ella]
    assert Child.objects.count() == 1
    assert booking.name_given == ""  # no other name was typed


def test_the_e_mails_tell_the_truth(client, session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, session, name="Mette Dal")  # the first booking: the family's own
    (confirmation,) = mail.outbox
    assert "You have a place at Babydans" in confirmation.body
    assert "Somebody may have typed your address by mistake" in confirmation.body

    with django_capture_on_commit_callbacks(execute=True):
        post(client, session, name="Somebody Else")
        post(client, session, name="Somebody Else")  # a third time the same day

    (repeated,) = mail.outbox[1:]  # one a day, however often the form is sent
    assert repeated.to == ["mette@example.com"]
    assert repeated.subject.startswith("You already have this booking: Babydans")
    assert "nothing has changed" in repeated.body
    assert "You have a place." in repeated.body
    assert Booking.objects.count() == 1
    assert Outbox.objects.filter(kind="booking_repeated").count() == 1


def test_the_page_after_the_form_expires_and_cannot_be_forged(client, session, clock):
    url, _page = answer(client, session)

    clock.shift(timedelta(days=2))
    assert client.get(url).status_code == 404
    assert client.get(url[:-5] + "xxxx/").status_code == 404
