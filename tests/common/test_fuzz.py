"""Hostile input never makes a server error: every form a page offers (the public ones,
the helpers' and the coordinators'), every signed-link address and every admin list's
query string, driven by hypothesis with a bounded number of examples each."""

import re
from io import StringIO
from urllib.parse import quote, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance.selectors import helper_sessions
from bookings.links import cant_come_url, rating_url
from bookings.models import Booking
from courses.links import enrolment_url
from courses.models import Enrolment
from households.links import manage_url, unsubscribe_url
from partners.models import Partnership
from partners.referral_links import referral_url
from programmes.models import Programme, Session
from programmes.selectors import branches_for_user

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e3",
            "9" * 40,
            "-1180591620717411303424",
            "\x00",
            "a\x00b",
            "NaN",
            "inf",
            "2026-02-30",
            "13/13/2026",
            "' OR '1'='1",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "🙂",
            " " * 300,
        ]
    ),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
# Few examples each, many targets: bounded time in `make test`, fresh inputs every run.
BOUNDED = settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, once for the module, in a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # Hundreds of requests from one address: the limits would answer before the views do.
    settings.RATELIMIT_ENABLE = False
    settings.AXES_ENABLED = False


def signed_in(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def path_of(url: str) -> str:
    return urlsplit(url).path


def form_fields(client: Client, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200, url
    return sorted(set(re.findall(r'name="([^"]+)"', page.text)) - {"csrfmiddlewaretoken"})


def form_pages() -> list[tuple[str | None, str]]:
    """Every kind of page with a form, as the person who opens it."""
    now = timezone.now()
    coming = (
        Booking.objects.filter(status=Booking.Status.CONFIRMED, session__starts_at__gt=now)
        .select_related("household")
        .first()
    )
    session = Session.objects.filter(
        programme__booking_mode=Programme.BookingMode.BOOKING, starts_at__gt=now
    ).first()
    referring = Partnership.objects.exclude(referral_key="").first()
    pages: list[tuple[str | None, str]] = [
        (None, "/"),
        (None, "/sessions/"),
        (None, f"/sessions/{session.pk}/"),
        (None, path_of(manage_url(household=coming.household))),
        (None, path_of(cant_come_url(booking=coming))),
        (None, path_of(rating_url(booking=coming, rating=3))),
        (None, path_of(unsubscribe_url(household=coming.household))),
        (None, path_of(referral_url(partnership=referring))),
        (None, "/accounts/login/"),
        ("koordinator", reverse("volunteers:volunteer_add")),
        ("koordinator", reverse("volunteers:week")),
    ]
    enrolment = Enrolment.objects.filter(status=Enrolment.Status.OFFERED).first()
    if enrolment is not None:
        pages.append((None, path_of(enrolment_url(enrolment=enrolment))))
    helper = get_user_model().objects.get(username="frivillig")
    for session in helper_sessions(branches=branches_for_user(user=helper), now=timezone.now()):
        kind = "head_count" if session.programme.booking_mode == "drop_in" else "check_in"
        pages.append(("frivillig", reverse(f"attendance:{kind}", args=[session.pk])))
    return pages


def test_no_form_on_any_page_makes_a_server_error(demo):
    for username, url in form_pages():
        _fuzz_form(signed_in(username), url)


def _fuzz_form(client: Client, url: str) -> None:
    fields = form_fields(client, url)

    @BOUNDED
    @given(data=st.dictionaries(st.sampled_from([*fields, "x"]), HOSTILE, max_size=8))
    def send(data):
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)

    send()


@pytest.mark.parametrize(
    "template",
    [
        "/manage/{}/",
        "/booked/{}/",
        "/cant-come/{}/",
        "/rate/{}/3/",
        "/unsubscribe/{}/",
        "/refer/{}/",
        "/course/{}/",
        "/shift/{}/",
        "/meeting/{}/",
        "/sessions/?branch={}&date_from={}&born_month={}&born_year={}",
        "/programmes/{}/",
    ],
)
def test_no_signed_link_or_filter_address_makes_a_server_error(demo, template):
    client = Client()

    @BOUNDED
    @given(value=HOSTILE)
    def visit(value):
        url = template.replace("{}", _url_part(value))
        assert client.get(url).status_code < 500, url

    visit()


def _url_part(value: str) -> str:
    return quote(value, safe="") or "x"


def _changelists() -> list[tuple[str, str]]:
    return [
        (m._meta.label, reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"))
        for m in admin.site._registry
    ]


@pytest.mark.parametrize(("label", "url"), _changelists())
@pytest.mark.parametrize("username", ["admin", "baerum"])
def test_no_admin_list_query_makes_a_server_error(demo, label, url, username):
    client = signed_in(username)
    page = client.get(url)
    assert page.status_code in (200, 403), url
    offered = sorted(
        {
            name
            for q in re.findall(r'href="\?([^"#]+)"', page.text)
            for name in re.findall(r"(?:^|&amp;|&)([^=&]+)=", q)
        }
    )
    keys = st.sampled_from([*offered, "q", "o", "p", "all", "e", "_to_field", "pk", "id__gt"])

    @BOUNDED
    @given(query=st.dictionaries(keys, HOSTILE, max_size=4))
    def visit(query):
        response = client.get(url, query)
        assert response.status_code < 500, (url, query)

    visit()
