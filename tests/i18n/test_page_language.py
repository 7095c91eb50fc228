"""Which language a page speaks: a family's link speaks the family's language, an address
without a prefix the visitor's browser's, and the language switcher beats both."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from bookings.services import booking_cancel
from households.links import manage_url
from tests.bookings.support import book
from tests.factories import HouseholdFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

# Wednesday 6 January 2027, 10:00 in Copenhagen.
SIXTH_OF_JANUARY = datetime(2027, 1, 6, 9, tzinfo=UTC)


def lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def path(url: str) -> str:
    return url.removeprefix(settings.SITE_URL.rstrip("/"))


def test_a_norwegian_family_promoted_from_the_waitlist_opens_a_norwegian_page(
    client, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    first = book(session, "anna@example.com", language="da", send=True)
    book(session, "kari@example.no", language="nb", send=True)
    mail.outbox.clear()

    # The library cancels for the first family in its (Danish) admin.
    with translation.override("da"), django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking_id=first.pk)

    [promotion] = [m for m in mail.outbox if m.to == ["kari@example.no"]]
    link = re.search(r"https?://\S+/manage/[^/\s]+/", promotion.body).group(0)
    response = client.get(path(link))  # no cookies: a phone that never visited

    assert response.status_code == 200
    assert lang(response) == "nb"


@pytest.mark.parametrize(("language", "built_in"), [("nb", "da"), ("da", "nb"), ("nb", "en")])
def test_the_family_page_speaks_the_familys_language_whoever_built_the_link(
    client, language, built_in
):
    household = HouseholdFactory(language=language)
    with translation.override(built_in):
        link = manage_url(household=household)

    response = client.get(path(link))

    assert lang(response) == language
    assert response["Content-Language"] == language


def test_the_switcher_beats_the_familys_language(client):
    household = HouseholdFactory(language="nb")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(path(manage_url(household=household)))

    assert lang(response) == "en"


def test_the_familys_data_pages_speak_its_language(client):
    household = HouseholdFactory(language="nb")
    with translation.override("da"):
        token = manage_url(household=household).rstrip("/").rsplit("/", 1)[1]
        data = reverse("privacy:data", args=[token])

    assert lang(client.get(data)) == "nb"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("nb", "nb"), ("nb-NO,nb;q=0.9,en;q=0.5", "nb"), ("en", "en"), ("da", "da")],
)
def test_the_front_page_follows_the_browsers_language(client, accept, expected):
    response = client.get("/", headers={"accept-language": accept})

    assert response.status_code == 200  # the page itself, not a "not found" in that language
    assert lang(response) == expected
    assert "Accept-Language" in response["Vary"]
    assert "Cookie" in response["Vary"]


def test_on_the_front_page_the_switcher_beats_the_browser(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"

    response = client.get("/", headers={"accept-language": "nb"})
    assert response.status_code == 200
    assert lang(response) == "da"


@pytest.mark.parametrize("accept", ["nb", "en", "da"])
def test_every_address_without_a_prefix_is_found_in_any_browser_language(client, accept):
    headers = {"accept-language": accept}
    for path in ("/", "/sessions/", "/privacy/", "/accounts/login/"):
        assert client.get(path, headers=headers).status_code == 200, path


def test_a_language_in_the_address_beats_the_browser(client):
    assert lang(client.get("/nb/", headers={"accept-language": "en"})) == "nb"


@pytest.mark.parametrize(
    ("prefix", "written", "never"),
    [
        ("/en", "6 January 2027", "01/06/2027"),
        ("/en", "6 Jan 2027", "Jan. 6"),
        ("/da", "6. januar 2027", "01/06/2027"),
        ("/nb", "6. januar 2027", "01/06/2027"),
    ],
)
def test_a_session_page_writes_the_date_as_its_language_does(client, prefix, written, never):
    session = SessionFactory(
        programme=ProgrammeFactory(is_published=True),
        starts_at=SIXTH_OF_JANUARY,
        ends_at=SIXTH_OF_JANUARY + timedelta(hours=1),
    )
    with translation.override(prefix.strip("/")):
        page = client.get(reverse("bookings:session", args=[session.pk])).content.decode()

    assert written in page
    assert never not in page
