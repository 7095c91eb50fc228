"""The Content-Security-Policy in Chromium: a family's pages and a librarian's admin run
without the browser refusing a single script or style, and what used to be inline still
works from the site's own files: the language menu, the week calendar's blocks in their
places, the participant list's Print button, Django's admin widgets."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.programmes import DEMO_PASSWORD
from operations.week import HOUR_HEIGHT
from partners.models import Partnership
from programmes.models import Branch, Programme, Series, Session
from tests.bookings.support import book
from tests.factories import ProgrammeFactory, RoomFactory, SessionFactory
from tests.operations.support import household

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# Before any script of the page, on every page the tab opens: each violation the browser
# reports is handed to the test, and window.print only counts (no dialog in a test).
WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    page: location.pathname,
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
window.printed = 0;
window.print = () => { window.printed += 1; };
"""


@pytest.fixture
def watched(page: Page) -> tuple[Page, list]:
    """The desktop page, and the list of the policy violations seen on it so far (from the
    page's own events and from the console, where Chromium also reports them)."""
    violations: list = []
    page.expose_function("reportCspViolation", lambda report: violations.append(report))
    page.on(
        "console",
        lambda message: (
            violations.append({"console": message.text, "page": page.url})
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(WATCH)
    return page, violations


@pytest.fixture
def today_at_sandvika(demo):
    """A baby session today 10:00–10:50 in a room of its own at Sandvika, one family booked."""
    sandvika = Branch.objects.get(slug="sandvika")
    today = timezone.localtime(timezone.now(), sandvika.zone).date()
    start = datetime.combine(today, time(10), tzinfo=sandvika.zone)
    session = SessionFactory(
        programme=ProgrammeFactory(name="Babysang", min_age_months=0, max_age_months=24),
        room=RoomFactory(branch=sandvika, name="Eventyrrommet"),
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        capacity=10,
    )
    book(session, household("kari@example.com", "Kari Nordmann"), children=("Ella",), direct=True)
    return session


def sign_in_to_admin(page: Page, username: str = "baerum") -> None:
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_be_visible()


def settle(page: Page) -> None:
    """Let the page's deferred scripts run and their reports arrive."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")


def test_a_familys_pages_and_the_language_menu_work_under_the_policy(demo, watched):
    page, violations = watched
    session = (
        Session.objects.filter(
            programme__booking_mode=Programme.BookingMode.BOOKING,
            status=Session.Status.SCHEDULED,
            starts_at__gt=timezone.now() + timedelta(days=1),
        )
        .order_by("starts_at")
        .first()
    )
    assert session is not None

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    settle(page)

    page.goto(f"/sessions/{session.pk}/")
    expect(page.get_by_label("Your name")).to_be_visible()
    # child-rows.js, from the site's files: "Add another child" adds a row.
    rows = page.locator("#child-rows .child-row")
    before = rows.count()
    page.get_by_role("button", name="Add another child").click()
    expect(rows).to_have_count(before + 1)
    settle(page)

    # The language menu sends its form as soon as a language is chosen, with no button.
    expect(page.get_by_role("button", name="Change")).to_be_hidden()
    page.locator("#language-select").select_option("nb")
    expect(page).to_have_url(re.compile(rf"/nb/sessions/{session.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("#language-select")).to_have_value("nb")
    settle(page)

    assert violations == []


def test_the_week_calendar_and_participant_list_work_under_the_policy(today_at_sandvika, watched):
    page, violations = watched
    session = today_at_sandvika
    sign_in_to_admin(page)

    page.goto(
        f"/admin/programmes/session/week/?branch={session.room.branch_id}"
        f"&week={session.local_start:%G-W%V}"
    )
    block = page.locator(f"#week-block-{session.pk}")
    expect(block).to_contain_text("Babysang")
    settle(page)
    box = block.evaluate(
        """el => ({
            top: el.offsetTop, height: el.getBoundingClientRect().height,
            width: el.getBoundingClientRect().width,
            cell: el.parentElement.getBoundingClientRect().width,
            day: el.parentElement.getBoundingClientRect().height,
            position: getComputedStyle(el).position,
        })"""
    )
    ten = page.locator(".week-axis span", has_text="10:00").first
    ten_top = ten.evaluate("el => el.offsetTop")
    # 50 minutes tall, on the line of 10:00, across the whole (unshared) day.
    assert box["position"] == "absolute"
    assert box["height"] == 50 * HOUR_HEIGHT / 60
    assert ten_top > 0
    assert box["top"] == ten_top
    assert box["width"] == pytest.approx(box["cell"], abs=1)
    assert box["day"] > box["top"] + box["height"]
    legend = page.locator(".week-legend .mode-booking")
    expect(legend).to_have_css("background-color", "rgb(219, 233, 245)")

    page.goto(f"/admin/programmes/session/{session.pk}/participants/")
    expect(page.locator("table.participants")).to_contain_text("Kari")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") == 1
    settle(page)

    assert violations == []


def test_the_admin_pages_and_widgets_work_under_the_policy(today_at_sandvika, watched):
    page, violations = watched
    session = today_at_sandvika
    sign_in_to_admin(page, "admin")

    # A changelist and its actions (actions.js): ticking a row counts it.
    page.goto("/admin/programmes/series/")
    page.locator("input.action-select").first.check()
    expect(page.locator(".action-counter")).to_contain_text("1 of")
    page.locator("select[name=action]").select_option("cancel_coming_sessions")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Cancel the coming sessions")).to_be_visible()
    settle(page)

    # A change form with inlines (inlines.js) and date fields (DateTimeShortcuts.js).
    series = Series.objects.filter(room__branch=session.room.branch).first()
    page.goto(f"/admin/programmes/series/{series.pk}/change/")
    add_row = page.locator(".add-row a").first
    expect(add_row).to_be_visible()
    page.locator(".datetimeshortcuts a", has_text="Today").first.click()
    page.locator("a[id^=calendarlink]").first.click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    settle(page)

    # A session's page: its bookings inline, the figures, the object tools.
    page.goto(f"/admin/programmes/session/{session.pk}/change/")
    expect(page.locator(".session-figures")).to_be_visible()
    settle(page)

    # filter_horizontal (SelectFilter2.js) builds its two lists.
    partnership = Partnership.objects.first()
    page.goto(f"/admin/partners/partnership/{partnership.pk}/change/")
    expect(page.locator("#id_coordinators_from")).to_be_visible()
    expect(page.locator("#id_coordinators_to")).to_be_visible()
    settle(page)

    # The pages of this project inside the admin.
    for path, shown in (
        (f"/admin/programmes/session/{session.pk}/message/", "textarea"),
        ("/admin/volunteers/shift/for-series/", "form select"),
    ):
        page.goto(path)
        expect(page.locator(shown).first).to_be_visible()
        settle(page)

    page.goto("/admin/volunteers/volunteer/")
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("join_partnership")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Join a partnership")).to_be_visible()
    settle(page)

    assert violations == []
