"""The Content-Security-Policy: every page, the admin's too, allows only the site's own
scripts and styles, never inline ones, and no page relies on an inline script, event
handler or style attribute that the browser would then refuse (tests/browser/test_csp.py
looks at the same in Chromium)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings.links import done_token
from courses.links import enrolment_url
from households.links import manage_url, unsubscribe_url
from partners.referral_links import referral_url
from tests.bookings.support import book
from tests.factories import (
    AssignmentFactory,
    EnrolmentFactory,
    MeetingInvitationFactory,
    PartnershipFactory,
    SeriesFactory,
    SessionFactory,
    VolunteerFactory,
)
from volunteers.links import meeting_url, shift_url

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"

# Where the browser would refuse something under the policy: an attribute that runs script
# or sets a style, a javascript: address, a <script> without src (JSON-LD is data, which
# the policy does not govern) and a <style> element without the request's nonce.
REFUSED = {
    "style attribute": re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.I),
    "event handler": re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: address": re.compile(r"javascript:", re.I),
    "inline script": re.compile(
        r"<script(?![^>]*\ssrc=)(?![^>]*\stype=\"application/ld\+json\")[^>]*>", re.I
    ),
    "style element without a nonce": re.compile(r"<style(?![^>]*\snonce=)[^>]*>", re.I),
}


def directives(response) -> dict[str, list[str]]:
    policy = response[HEADER]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def assert_strict_policy(response) -> None:
    assert HEADER in response, "no Content-Security-Policy"
    policy = directives(response)
    assert "'unsafe-inline'" not in response[HEADER]
    assert "'unsafe-eval'" not in response[HEADER]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["style-src"][0] == "'self'"
    # Besides the site's files, only the error page's own <style> and, on a page that has
    # one, the <style> element carrying this response's nonce.
    nonces = [v for v in policy["style-src"] if v.startswith("'nonce-")]
    assert set(policy["style-src"]) - set(nonces) == {"'self'", settings.ERROR_PAGE_STYLE_HASH}
    for nonce in nonces:
        assert f'<style nonce="{nonce[7:-1]}">' in response.text


def assert_nothing_refused(response) -> None:
    html = response.text
    found = {name: pattern.findall(html) for name, pattern in REFUSED.items()}
    assert not {name: hits for name, hits in found.items() if hits}


@pytest.fixture
def world():
    """A session with a booking, one earlier today, a course enrolment, a partnership open
    for referrals, a volunteer's shift and a meeting invitation: what every page needs to
    show itself."""
    session = SessionFactory(capacity=10)
    booking = book(session, "anna@example.com", children=("Ella",))
    partnership = PartnershipFactory(programme=session.programme, branch=session.room.branch)
    assignment = AssignmentFactory()
    return {
        "session": session,
        # The helpers' pages open only the sessions of the last few days.
        "today": SessionFactory(starts_at=timezone.now() - timedelta(hours=1)),
        "booking": booking,
        "series": SeriesFactory(),
        "enrolment": EnrolmentFactory(),
        "partnership": partnership,
        "assignment": assignment,
        "invitation": MeetingInvitationFactory(),
        "volunteer": VolunteerFactory(organisation=partnership.organisation),
    }


def path_of(url: str) -> str:
    return url.removeprefix(settings.SITE_URL.rstrip("/"))


PUBLIC: dict[str, Callable[[dict], str]] = {
    "home": lambda w: reverse("bookings:home"),
    "home in Norwegian": lambda w: "/nb/",
    "sessions": lambda w: reverse("bookings:sessions"),
    "programme": lambda w: reverse("bookings:programme", args=[w["session"].programme.slug]),
    "session (book form)": lambda w: reverse("bookings:session", args=[w["session"].pk]),
    "booked": lambda w: reverse(
        "bookings:done", args=[done_token(session=w["session"], email="anna@example.com")]
    ),
    "manage": lambda w: path_of(manage_url(household=w["booking"].household)),
    "unsubscribe": lambda w: path_of(unsubscribe_url(household=w["booking"].household)),
    "course enrolment": lambda w: path_of(enrolment_url(enrolment=w["enrolment"])),
    "referral form": lambda w: path_of(referral_url(partnership=w["partnership"])),
    "volunteer's shift": lambda w: path_of(shift_url(assignment=w["assignment"])),
    "meeting": lambda w: path_of(meeting_url(invitation=w["invitation"])),
    "privacy": lambda w: reverse("privacy:notice"),
    "volunteers' privacy notice": lambda w: reverse("privacy:volunteer_notice"),
    "login": lambda w: reverse("login"),
    "admin login": lambda w: reverse("admin:login"),
}

STAFF: dict[str, Callable[[dict], str]] = {
    "helpers' today": lambda w: reverse("attendance:helper_today"),
    "check-in": lambda w: reverse("attendance:check_in", args=[w["today"].pk]),
    "coordinator's week": lambda w: reverse("volunteers:week"),
    "impact report": lambda w: reverse("reports:impact"),
    "funder reports": lambda w: reverse("project_reports:list"),
    "admin index": lambda w: reverse("admin:index"),
    "session changelist": lambda w: reverse("admin:programmes_session_changelist"),
    "session change form (inlines)": lambda w: reverse(
        "admin:programmes_session_change", args=[w["session"].pk]
    ),
    "series change form (inlines)": lambda w: reverse(
        "admin:programmes_series_change", args=[w["series"].pk]
    ),
    "partnership (filter_horizontal)": lambda w: reverse(
        "admin:partners_partnership_change", args=[w["partnership"].pk]
    ),
    "household (inlines)": lambda w: reverse(
        "admin:households_household_change", args=[w["booking"].household_id]
    ),
    "week calendar": lambda w: (
        f"{reverse('admin:programmes_session_week')}?branch={w['session'].room.branch_id}"
        f"&week={w['session'].local_start:%G-W%V}"
    ),
    "participants": lambda w: reverse(
        "admin:programmes_session_participants", args=[w["session"].pk]
    ),
    "message": lambda w: reverse("admin:programmes_session_message", args=[w["session"].pk]),
    "shifts for a series": lambda w: reverse("admin:volunteers_shift_for_series"),
}

# Admin actions that ask something first: their page is the answer to the changelist's POST.
ACTIONS = {
    "series cancel": ("admin:programmes_series_changelist", "cancel_coming_sessions", "series"),
    "volunteer join": ("admin:volunteers_volunteer_changelist", "join_partnership", "volunteer"),
}


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_page_has_the_strict_policy_and_nothing_it_refuses(client, world, name):
    response = client.get(PUBLIC[name](world))

    assert response.status_code == 200
    assert_strict_policy(response)
    assert_nothing_refused(response)


@pytest.mark.parametrize("name", STAFF)
def test_the_staff_pages_and_the_admin_have_the_strict_policy_and_nothing_it_refuses(
    admin_client, world, name
):
    response = admin_client.get(STAFF[name](world))

    assert response.status_code == 200
    assert_strict_policy(response)
    assert_nothing_refused(response)


@pytest.mark.parametrize("name", ACTIONS)
def test_the_admin_actions_pages_have_the_strict_policy_and_nothing_it_refuses(
    admin_client, world, name
):
    changelist, action, row = ACTIONS[name]

    response = admin_client.post(
        reverse(changelist), {"action": action, ACTION_CHECKBOX_NAME: [world[row].pk]}
    )

    assert response.status_code == 200
    assert f'value="{action}"' in response.text  # the action's own page, not the list
    assert_strict_policy(response)
    assert_nothing_refused(response)


def test_the_week_calendar_places_its_blocks_in_the_style_element_the_policy_allows(
    admin_client, world
):
    session = world["session"]
    response = admin_client.get(STAFF["week calendar"](world))

    nonce = re.search(r"'nonce-([^']+)'", response[HEADER])
    assert nonce
    style = re.search(rf'<style nonce="{re.escape(nonce[1])}">(.*?)</style>', response.text, re.S)
    assert style
    assert re.search(rf"#week-block-{session.pk} {{ top: \d+px; height: \d+px;", style[1])
    assert f'id="week-block-{session.pk}"' in response.text


def test_each_response_has_a_nonce_of_its_own(admin_client, world):
    url = STAFF["week calendar"](world)
    first, second = (admin_client.get(url)[HEADER] for _ in range(2))
    assert re.search("'nonce-", first)
    assert first != second


def test_a_page_without_a_style_element_allows_no_nonce(client, world):
    assert "'nonce-" not in client.get(reverse("bookings:home"))[HEADER]


def test_a_refusal_of_bad_input_has_the_policy_too(client):
    response = client.get("/sessions/?q=%00")

    assert response.status_code == 400
    assert_strict_policy(response)


def test_the_server_error_page_styles_itself_with_the_one_style_the_policy_allows_by_hash():
    page = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text()
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert settings.ERROR_PAGE_STYLE_HASH == f"'sha256-{digest}'", (
        "templates/500.html's <style> changed: set ERROR_PAGE_STYLE_HASH in config/settings.py "
        f"to \"'sha256-{digest}'\""
    )
    assert not REFUSED["style attribute"].search(page)


def test_the_server_error_page_is_served_with_the_policy(monkeypatch):
    monkeypatch.setattr(signing, "loads", _broken)  # a fault while reading a manage link
    response = Client(raise_request_exception=False).get(reverse("bookings:manage", args=["token"]))

    assert response.status_code == 500
    assert "Sorry – something went wrong" in response.text
    assert_strict_policy(response)
    assert_nothing_refused_but_the_hashed_style(response)


def _broken(*args, **kwargs):
    raise RuntimeError("a fault in the server")


def assert_nothing_refused_but_the_hashed_style(response) -> None:
    html = re.sub(r"<style>.*?</style>", "", response.text, flags=re.S)
    found = {name: pattern.findall(html) for name, pattern in REFUSED.items()}
    assert not {name: hits for name, hits in found.items() if hits}
