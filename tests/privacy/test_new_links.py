""" "Send me a new link": the same answer for every address, a new link to the address we
know, the old links ended, and neither the page nor one address can be flooded."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail

from households.links import manage_url
from notifications.models import Outbox
from privacy import tasks
from tests.factories import (
    AssignmentFactory,
    EnrolmentFactory,
    HouseholdFactory,
    MeetingInvitationFactory,
    SeriesFactory,
    VolunteerFactory,
)
from volunteers.links import shift_url

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
PAGE = "/new-link/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Send the page's form for ``email``; the messages it causes are sent at once."""

    def send(email: str, follow: bool = False):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(PAGE, {"email": email}, follow=follow)

    return send


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def path(url: str) -> str:
    return urlsplit(url).path


def links_in(text: str, kind: str) -> list[str]:
    return [path(word) for word in text.split() if f"/{kind}/" in word]


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(client, ask):
    HouseholdFactory(email="anna@example.com")
    VolunteerFactory(email="sofie@example.com")

    answers = [ask(email) for email in ("anna@example.com", "nobody@example.com")]
    assert {(a.status_code, a["Location"], a.content) for a in answers} == {
        (302, "/new-link/sent/", b"")
    }
    pages = [
        ask(email, follow=True) for email in ("sofie@example.com", "nobody-either@example.com")
    ]
    assert pages[0].status_code == pages[1].status_code == 200
    assert without_csrf(pages[0].content.decode()) == without_csrf(pages[1].content.decode())
    assert "If we know this address, we have e-mailed its link." in pages[0].content.decode()
    assert "sofie@example.com" not in pages[0].content.decode()
    # Only the known addresses got mail.
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.com", "sofie@example.com"]


def test_a_family_gets_a_link_that_works_and_the_old_one_stops(client, ask):
    household = HouseholdFactory(email="anna@example.com", name="Anna")
    old = path(manage_url(household=household))
    assert client.get(old).status_code == 200

    ask("  Anna@Example.com ")

    (message,) = mail.outbox
    assert message.to == ["anna@example.com"]
    assert message.subject == "Your new link to your bookings"
    (new,) = links_in(message.body, "manage")
    old_page = client.get(old)
    assert old_page.status_code == 410
    assert "This link has expired" in old_page.content.decode()
    assert client.get(new).status_code == 200


def test_the_family_gets_its_course_pages_too(client, ask):
    enrolment = EnrolmentFactory(
        household__email="anna@example.com",
        course__series=SeriesFactory(
            programme__course=True,
            programme__name="Småbørnsklub",
            start_date=NOW.date() + timedelta(days=7),
            end_date=NOW.date() + timedelta(days=70),
        ),
    )
    ask("anna@example.com")
    (message,) = mail.outbox
    assert "Småbørnsklub" in message.body
    (course,) = links_in(message.body, "course")
    assert client.get(course).status_code == 200
    assert enrolment.household.email == "anna@example.com"


def test_a_volunteer_gets_the_links_to_coming_shifts_and_meetings(client, ask):
    volunteer = VolunteerFactory(email="sofie@example.com")
    coming = AssignmentFactory(
        volunteer=volunteer,
        shift__session__starts_at=NOW + timedelta(days=3),
        shift__session__ends_at=NOW + timedelta(days=3, hours=2),
    )
    AssignmentFactory(
        volunteer=volunteer,
        shift__session__starts_at=NOW - timedelta(days=3),
        shift__session__ends_at=NOW - timedelta(days=3) + timedelta(hours=2),
    )
    MeetingInvitationFactory(
        volunteer=volunteer,
        meeting__title="Spring meeting",
        meeting__starts_at=NOW + timedelta(days=10),
        meeting__ends_at=NOW + timedelta(days=10, hours=2),
    )
    old = path(shift_url(assignment=coming))

    ask("sofie@example.com")

    (message,) = mail.outbox
    assert message.subject == "Your new links to your shifts"
    (shift,) = links_in(message.body, "shift")  # the past shift is not there
    (meeting,) = links_in(message.body, "meeting")
    assert "Spring meeting" in message.body
    assert client.get(old).status_code == 410
    assert client.get(shift).status_code == 200
    assert client.get(meeting).status_code == 200


def test_asking_again_at_once_writes_nothing_and_ends_nothing(client, ask, clock):
    household = HouseholdFactory(email="anna@example.com")
    ask("anna@example.com")
    (first,) = links_in(mail.outbox[0].body, "manage")

    clock.shift(timedelta(minutes=5))
    ask("anna@example.com")
    assert len(mail.outbox) == 1
    assert client.get(first).status_code == 200  # the link on its way still works

    clock.shift(timedelta(minutes=15))
    ask("anna@example.com")
    assert len(mail.outbox) == 2
    assert client.get(first).status_code == 410
    household.refresh_from_db()
    assert household.link_version == 3


def test_the_page_is_rate_limited_per_visitor(client, ask):
    answers = [ask(f"someone{n}@example.com").status_code for n in range(6)]
    assert answers == [302] * 5 + [429]


def test_an_address_that_is_not_one_is_asked_again(client, ask):
    answer = ask("not an address")
    assert answer.status_code == 400
    assert "Enter a valid email address." in answer.content.decode()
    assert not Outbox.objects.exists()


def test_an_anonymised_household_gets_nothing(ask):
    HouseholdFactory(email="anna@example.com", anonymised_at=NOW - timedelta(days=1))
    ask("anna@example.com")
    assert not mail.outbox


def test_with_the_broker_down_the_request_is_answered_in_place(monkeypatch, ask):
    HouseholdFactory(email="anna@example.com")

    def broker_down(*args, **kwargs):
        raise ConnectionError("no broker")

    monkeypatch.setattr(tasks.send_new_links, "delay", broker_down)
    assert ask("anna@example.com").status_code == 302
    assert len(mail.outbox) == 1


def test_the_footer_and_the_page_offer_it_in_the_visitors_language(client):
    assert f'href="{PAGE}"' in client.get("/").content.decode()
    page = client.get("/da/new-link/").content.decode()
    assert "Send mig et nyt link" in page
