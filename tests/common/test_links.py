"""Signed links end: each kind when its purpose is past, and all of a person's when they
ask for new ones. A link that no longer works gets a page offering a new one."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import signing

from bookings.links import cant_come_url, rating_url
from common.links import LinkExpired, link_target, signed_link
from courses.links import enrolment_url
from households.links import MANAGE_SALT, manage_url, unsubscribe_url
from notifications.models import Outbox
from privacy.new_links import new_links_send
from tests.bookings.support import book
from tests.factories import (
    AssignmentFactory,
    EnrolmentFactory,
    HouseholdFactory,
    MeetingInvitationFactory,
    ProgrammeFactory,
    SeriesFactory,
    SessionFactory,
)
from volunteers.links import meeting_url, shift_url

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
# A session three months ahead of NOW.
START = datetime(2026, 6, 3, 9, tzinfo=UTC)
END = START + timedelta(hours=1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session():
    return SessionFactory(
        programme=ProgrammeFactory(name="Babydans", min_age_months=0, max_age_months=24),
        starts_at=START,
        ends_at=END,
    )


def path(url: str) -> str:
    return urlsplit(url).path


def manage_link_in(outbox: Outbox) -> str:
    return next(path(word) for word in outbox.body_text.split() if "/manage/" in word)


def assert_expired(response):
    assert response.status_code == 410
    page = response.content.decode()
    assert "This link has expired" in page
    assert 'href="/new-link/"' in page


# -- the mechanism -------------------------------------------------------------------------


def test_a_token_names_its_row_and_version_until_its_end():
    token = signed_link(7, salt="test", version=3, valid_until=NOW + timedelta(days=1))
    target = link_target(token, salt="test")
    assert (target.pk, target.version) == (7, 3)
    assert link_target(token, salt="other purpose") is None
    assert link_target(token[:-3] + "xyz", salt="test") is None
    with pytest.raises(LinkExpired):
        link_target(token, salt="test", now=NOW + timedelta(days=1, seconds=1))


def test_a_link_from_before_links_ended_is_expired_not_broken(client):
    household = HouseholdFactory()
    old = signing.dumps(household.pk, salt=MANAGE_SALT, compress=True)
    assert_expired(client.get(f"/manage/{old}/"))


# -- the family's page ---------------------------------------------------------------------


def test_the_confirmations_link_works_until_six_months_after_the_session(client, session):
    booking = book(session, "anna@example.com", send=True)
    confirmation = Outbox.objects.get(key=f"booking_confirmed:booking:{booking.pk}")
    link = manage_link_in(confirmation)

    with time_machine.travel(END + timedelta(days=182), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(END + timedelta(days=184), tick=False):
        assert_expired(client.get(link))


def test_a_link_about_no_session_works_six_months_from_when_it_was_made(client):
    link = path(manage_url(household=HouseholdFactory()))
    with time_machine.travel(NOW + timedelta(days=182), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(NOW + timedelta(days=184), tick=False):
        assert_expired(client.get(link))


def test_a_link_cut_short_gets_a_page_offering_a_new_one_not_an_error(client):
    link = path(manage_url(household=HouseholdFactory()))
    response = client.get(link[:-6] + "/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert 'href="/new-link/"' in response.content.decode()


def test_the_expired_page_speaks_the_visitors_language(client):
    household = HouseholdFactory()
    old = signing.dumps(household.pk, salt=MANAGE_SALT, compress=True)
    page = client.get(f"/da/manage/{old}/").content.decode()
    assert "Linket er udløbet" in page


# -- each kind ends when its purpose is past -----------------------------------------------


def _booking(session):
    return book(session, "anna@example.com")


def _assignment(session):
    return AssignmentFactory(shift__session__starts_at=START, shift__session__ends_at=END)


def _invitation(session):
    return MeetingInvitationFactory(meeting__starts_at=START, meeting__ends_at=END)


def _enrolment(session):
    return EnrolmentFactory(
        course__series=SeriesFactory(
            programme__course=True, start_date=START.date(), end_date=END.date()
        )
    )


# (what the link is for, how it is made, the last moment it works)
KINDS = [
    ("can't come", _booking, lambda b: cant_come_url(booking=b), END),
    ("rating", _booking, lambda b: rating_url(booking=b, rating=4), END + timedelta(days=30)),
    (
        "stop invitations",
        _booking,
        lambda b: unsubscribe_url(household=b.household),
        NOW + timedelta(days=365),
    ),
    ("shift", _assignment, lambda a: shift_url(assignment=a), END + timedelta(days=14)),
    (
        "meeting",
        _invitation,
        lambda i: meeting_url(invitation=i),
        END + timedelta(days=14),
    ),
    (
        "course",
        _enrolment,
        lambda e: enrolment_url(enrolment=e),
        datetime.combine(END.date(), datetime.max.time(), tzinfo=UTC) + timedelta(days=183),
    ),
]


@pytest.mark.parametrize(
    ("row", "make", "last"), [kind[1:] for kind in KINDS], ids=[kind[0] for kind in KINDS]
)
def test_each_link_works_until_its_purpose_is_past(client, session, row, make, last):
    link = path(make(row(session)))
    with time_machine.travel(last - timedelta(minutes=1), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(last + timedelta(minutes=1), tick=False):
        assert_expired(client.get(link))


# -- "send me a new link" ends the old ones --------------------------------------------------


@pytest.mark.parametrize(
    ("row", "make"),
    [kind[1:3] for kind in KINDS if kind[0] != "stop invitations"],
    ids=[kind[0] for kind in KINDS if kind[0] != "stop invitations"],
)
def test_a_new_link_ends_every_older_link_of_the_person(client, session, row, make):
    made = row(session)
    link = path(make(made))
    assert client.get(link).status_code == 200

    person = getattr(made, "household", None) or made.volunteer
    assert new_links_send(email=person.email, now=NOW) == 1

    assert_expired(client.get(link))
    made.refresh_from_db()
    person.refresh_from_db()
    assert client.get(path(make(made))).status_code == 200  # one made now works


def test_stop_invitations_still_works_after_a_new_link_but_leads_no_further(client, session):
    booking = book(session, "anna@example.com", consent=True)
    link = path(unsubscribe_url(household=booking.household))
    assert "/manage/" in client.get(link).content.decode()

    new_links_send(email="anna@example.com", now=NOW)

    page = client.get(link)
    assert page.status_code == 200
    assert "/manage/" not in page.content.decode()  # an old link opens no family page
    assert 'href="/new-link/"' in page.content.decode()
    assert client.post(link).status_code == 200
    booking.household.refresh_from_db()
    assert booking.household.consents_to_followups is False


def test_a_contacts_meeting_link_ends_with_the_meeting(client):
    invitation = MeetingInvitationFactory(
        contact_guest=True, meeting__starts_at=START, meeting__ends_at=END
    )
    link = path(meeting_url(invitation=invitation))
    assert client.get(link).status_code == 200
    with time_machine.travel(END + timedelta(days=15), tick=False):
        assert_expired(client.get(link))
