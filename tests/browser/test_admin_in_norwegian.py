"""The admin in Chromium for a Norwegian librarian and for any librarian on a desktop: the
pages she opens read Norwegian with no Danish word (the site's default language is Danish,
which Django falls back to), dates and times as she writes them; the start page on a
desktop; the impact report printed across the whole paper."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import clear_url_caches
from django.utils import timezone
from django.utils.translation import trans_real
from playwright.sync_api import Page, expect

from bookings.models import Booking
from demo.programmes import DEMO_PASSWORD
from programmes.models import Branch, Series
from programmes.staff_language import staff_language_set
from tests.bookings.support import book
from tests.factories import ProgrammeFactory, RoomFactory, SessionFactory
from tests.i18n.pages import DANISH_ONLY, ISO_DATE, ISO_WEEK, SECONDS, danish_in
from tests.operations.support import household

from .support import describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def today_at_sandvika(demo):
    """A baby session today at 10:00 at Sandvika in a room of its own, booked full with a
    family waiting."""
    sandvika = Branch.objects.get(slug="sandvika")
    today = timezone.localtime(timezone.now(), sandvika.zone).date()
    start = datetime.combine(today, time(10), tzinfo=sandvika.zone)
    session = SessionFactory(
        programme=ProgrammeFactory(name="Babysang", min_age_months=0, max_age_months=24),
        room=RoomFactory(branch=sandvika, name="Eventyrrommet"),
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        capacity=2,
    )
    book(session, household("kari@example.com", "Kari Nordmann"), children=("Ella",), direct=True)
    book(session, household("ola@example.com", "Ola Hansen"), children=("Per",), direct=True)
    book(
        session,
        household("siri@example.com", "Siri Berg"),
        children=("Liv",),
        status=Booking.Status.WAITLISTED,
        direct=True,
    )
    return session


@pytest.fixture
def danish_default(settings, monkeypatch):
    """The site's default language as installed, Danish (the tests' own is English): what
    Django falls back to where Norwegian lacks a string."""
    settings.LANGUAGE_CODE = "da"
    monkeypatch.setattr(trans_real, "_translations", {})
    # The addresses' language prefixes are kept per language, worked out for the default.
    clear_url_caches()
    yield
    clear_url_caches()


def sign_in(page: Page, username: str, *, button: str = "Log in") -> None:
    page.goto("/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=button).click()
    expect(page.locator("#user-tools")).to_be_visible()


def what_she_reads(page: Page) -> str:
    """The page's text as shown, with its placeholders, buttons' labels and tooltips."""
    return page.evaluate(
        """() => [document.body.innerText,
            ...[...document.querySelectorAll('[placeholder], [title], [aria-label]')].flatMap(
                el => [el.placeholder, el.title, el.getAttribute('aria-label')]),
            ...[...document.querySelectorAll('input[type=submit], input[type=button]')].map(
                el => el.value),
        ].filter(Boolean).join(' ')"""
    )


def test_a_norwegian_librarian_reads_the_admin_in_norwegian_with_no_danish(
    danish_default, today_at_sandvika, page, screenshot
):
    session = today_at_sandvika
    baerum = get_user_model().objects.get(username="baerum")
    staff_language_set(user=baerum, language="")  # her branches': Norwegian
    series = Series.objects.filter(room__branch__slug="sandvika").first()
    sign_in(page, "baerum", button="Log in")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", name="Dagen din")).to_be_visible()
    read = {"/admin/": what_she_reads(page)}

    for path in (
        "/admin/programmes/session/",
        f"/admin/programmes/session/{session.pk}/change/",
        f"/admin/programmes/session/{session.pk}/participants/",
        "/admin/programmes/session/week/",
        "/admin/programmes/session/month/",
        f"/admin/programmes/series/{series.pk}/change/",
        "/admin/programmes/series/add/",
        "/admin/bookings/booking/",
        "/admin/courses/enrolment/",
        "/admin/programmes/staffprofile/mine/",
        "/reports/",
    ):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "nb")
        read[path] = what_she_reads(page)
    # The admin's scripts: the sidebar's filter, a date's calendar and today's shortcuts.
    page.goto("/admin/programmes/series/add/")
    expect(page.locator("#nav-filter")).to_have_attribute("placeholder", "Skriv for å filtrere …")
    page.locator("a[id^=calendarlink]").first.click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    expect(page.locator(".datetimeshortcuts", has_text="I dag").first).to_be_visible()
    read["calendar"] = what_she_reads(page)
    screenshot(page, "admin-in-norwegian-series")
    page.goto("/admin/programmes/series/")
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("cancel_coming_sessions")
    page.get_by_role("button", name="Gå").click()
    read["cancel"] = what_she_reads(page)

    danish = {path: found for path, text in read.items() if (found := danish_in(text))}
    assert danish == {}, f"Danish on a Norwegian librarian's pages (of {len(DANISH_ONLY)})"
    for path, text in read.items():
        assert not ISO_DATE.search(text), path
        assert not ISO_WEEK.search(text), path
        assert not SECONDS.search(text), path


def test_the_start_page_on_a_desktop(today_at_sandvika, page, axe_violations, screenshot):
    session = today_at_sandvika
    sign_in(page, "baerum")

    start = page.locator("#start-page")
    expect(start.get_by_role("heading", name="Your day")).to_be_visible()
    row = page.locator(f"#start-today tr[data-session='{session.pk}']")
    expect(row).to_contain_text("10:00–10:50")
    expect(row).to_contain_text("Babysang")
    expect(row).to_contain_text("2/2")
    expect(row.locator("td").nth(3)).to_have_text("1")  # one family waiting
    # The start page fits the desktop's width: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = start.bounding_box()
    assert box is not None
    assert box["width"] > 800  # the window's width, not Django's 600 pixels
    violations = axe_violations(page)
    screenshot(page, "start-page-desktop")

    row.get_by_role("link", name="Check-in").click()
    expect(page.locator("#came-count")).to_have_text("0 of 2 families came")
    assert not violations, describe_violations(violations)


def test_the_impact_report_prints_across_the_whole_paper(demo, page, screenshot):
    sign_in(page, "baerum")
    page.goto("/reports/")
    expect(page.locator("#reach-heading")).to_be_visible()

    page.emulate_media(media="print")

    expect(page.locator("#nav-sidebar")).to_be_hidden()
    widths = page.evaluate(
        """() => ({
            content: document.querySelector('#content-main').getBoundingClientRect().width,
            page: document.documentElement.clientWidth,
        })"""
    )
    assert widths["content"] >= 0.95 * widths["page"]
    screenshot(page, "impact-report-print")
