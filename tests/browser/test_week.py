"""Running the week in Chromium: a librarian finds today's session in the week calendar,
opens its participant list, and adds a family who came without booking on a phone."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attendance.models import Attendance
from bookings.models import Booking
from demo.programmes import DEMO_PASSWORD
from programmes.models import Branch
from tests.bookings.support import book
from tests.factories import ProgrammeFactory, RoomFactory, SessionFactory
from tests.operations.support import household

from .support import describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def today_at_sandvika(demo):
    """A baby session today in a room of its own, one family booked."""
    sandvika = Branch.objects.get(slug="sandvika")
    # Today at 10:00 there, before or after now: families are checked in on the day.
    today = timezone.localtime(timezone.now(), sandvika.zone).date()
    start = datetime.combine(today, time(10), tzinfo=sandvika.zone)
    session = SessionFactory(
        programme=ProgrammeFactory(name="Babysang", min_age_months=0, max_age_months=24),
        room=RoomFactory(branch=sandvika, name="Eventyrrommet"),
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        capacity=10,
    )
    book(
        session,
        household("kari@example.com", "Kari Nordmann"),
        children=("Ella", "Oskar"),
        direct=True,
    )
    return session


def sign_in_to_admin(page: Page, next_path: str) -> None:
    page.goto(f"/admin/login/?next={next_path}")
    page.get_by_label("Username").fill("baerum")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_librarian_opens_the_week_calendar_and_a_sessions_participant_list(
    today_at_sandvika, page, axe_violations, screenshot
):
    session = today_at_sandvika
    sign_in_to_admin(page, "/admin/programmes/session/")
    page.get_by_role("link", name="Week calendar").click()

    # Both of baerum's branches at first; then Sandvika alone.
    page.get_by_label("Bærum bibliotek Bekkestua").uncheck()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Bærum bibliotek Sandvika")).to_be_checked()
    expect(page.get_by_label("Bærum bibliotek Bekkestua")).not_to_be_checked()
    expect(page).to_have_url(re.compile(rf"branch={session.room.branch_id}&week="))
    block = page.locator(f"a[data-session='{session.pk}']")
    expect(block).to_contain_text("Babysang")
    expect(block).to_contain_text("2/10 booked")
    calendar_violations = axe_violations(page)
    screenshot(page, "week-calendar-admin")

    block.click()
    expect(page.locator(".session-figures")).to_contain_text("2 / 10")
    # Not checked with axe: Django's own split date and time inputs there have no labels.
    screenshot(page, "session-page-admin")
    page.get_by_role("link", name="Participant list").click()
    row = page.locator("table.participants tbody tr", has_text="Kari")
    expect(row).to_contain_text("Ella, Oskar")
    expect(page.get_by_text("Nordmann")).to_have_count(0)
    sheet_violations = axe_violations(page)
    screenshot(page, "participant-list-admin")
    page.emulate_media(media="print")
    expect(page.locator("#header")).to_be_hidden()
    screenshot(page, "participant-list-print")

    assert not calendar_violations, describe_violations(calendar_violations)
    assert not sheet_violations, describe_violations(sheet_violations)


def test_a_librarian_adds_a_walk_in_family_on_a_phone(
    today_at_sandvika, phone_page, axe_violations, screenshot
):
    session = today_at_sandvika
    phone_page.goto(f"/accounts/login/?next=/helpers/sessions/{session.pk}/check-in/")
    phone_page.get_by_label("Username").fill("baerum")
    phone_page.get_by_label("Password").fill(DEMO_PASSWORD)
    phone_page.get_by_role("button", name="Sign in").click()
    expect(phone_page.locator("#came-count")).to_have_text("0 of 1 family came")

    phone_page.get_by_text("Add a family who came without booking").first.click()
    form = phone_page.locator("#walk-in form")
    form.get_by_label("Parent's name").fill("Sara Lund")
    form.get_by_label("Parent's e-mail").fill("sara@example.com")
    form.get_by_label("Child's first name").first.fill("Noa")
    form.get_by_label("Birth month").first.select_option("3")
    form.get_by_label("Birth year").first.select_option(str(timezone.localdate().year - 1))
    form.get_by_label("I have told the family about the privacy notice").check()
    form_violations = axe_violations(phone_page)
    screenshot(phone_page, "walk-in-form-phone")
    form.get_by_role("button", name="Add and check in").click()

    expect(phone_page.locator("#came-count")).to_have_text("1 of 2 families came")
    expect(phone_page.get_by_role("status").first).to_contain_text(
        "Sara Lund is on the list and checked in."
    )
    screenshot(phone_page, "walk-in-added-phone")
    booking = Booking.objects.get(session=session, household__email="sara@example.com")
    assert booking.walk_in
    assert Attendance.objects.get(session=session, household=booking.household).attended
    assert not form_violations, describe_violations(form_violations)
