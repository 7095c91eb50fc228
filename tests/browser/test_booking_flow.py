"""A parent books Babydans at Sandvika on a phone, cancels through the e-mailed link, and the
family waiting gets the place: in Debian's Chromium, looking at what a person sees."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.models import Booking
from tests.factories import BranchFactory, ProgrammeFactory, RoomFactory, SessionFactory

from .support import describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def babydans_at_sandvika():
    sandvika = BranchFactory(name="Bærum bibliotek Sandvika", slug="sandvika")
    start = (timezone.now() + timedelta(days=10)).replace(hour=10, minute=0, second=0)
    programme = ProgrammeFactory(
        name="Babydans",
        slug="babydans",
        summary="Dance with your baby, 3 to 12 months.",
        min_age_months=3,
        max_age_months=12,
    )
    return SessionFactory(
        programme=programme,
        room=RoomFactory(branch=sandvika, name="Luftslottet"),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=1,
    )


def baby_born_for(session, months=5):
    day = session.local_start.date()
    total = day.year * 12 + day.month - 1 - months
    return str(total % 12 + 1), str(total // 12)


def fill_booking_form(page: Page, session, *, name: str, email: str, baby: str) -> None:
    month, year = baby_born_for(session)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Child's first name").first.fill(baby)
    page.get_by_label("Birth month").first.select_option(month)
    page.get_by_label("Birth year").first.select_option(year)
    page.get_by_label("I have read the privacy notice").check()


def assert_accessible(page: Page, axe_violations) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe_violations(violations)}"


def manage_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/manage/\S+/)", message.body)[1]


def test_parent_books_cancels_and_the_waiting_family_gets_the_place(
    babydans_at_sandvika, new_page, axe_violations, screenshot
):
    session = babydans_at_sandvika
    anna = new_page("phone")

    # Anna finds Babydans at Sandvika from the home page.
    anna.goto("/")
    assert_accessible(anna, axe_violations)
    screenshot(anna, "flow-1-home")
    sandvika = anna.get_by_role("region", name="Bærum bibliotek Sandvika")
    sandvika.get_by_role("link", name="Babydans").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Babydans")
    assert_accessible(anna, axe_violations)
    screenshot(anna, "flow-2-programme")

    # She books the session for her baby.
    anna.get_by_role("link", name=re.compile(r"^Book Babydans")).first.click()
    expect(anna.locator("#places")).to_contain_text("1 place left")
    assert_accessible(anna, axe_violations)
    fill_booking_form(anna, session, name="Anna Berg", email="anna@example.com", baby="Ella")
    screenshot(anna, "flow-3-booking-form")
    anna.get_by_role("button", name="Book").click()

    # The page says the same for any address (whoever typed it may not own it): the e-mail
    # tells whether there is a place.
    expect(anna.get_by_role("heading", level=1)).to_have_text("Thank you! Now look in your e-mail")
    expect(anna.get_by_text("We have e-mailed anna@example.com about Babydans")).to_be_visible()
    assert_accessible(anna, axe_violations)
    screenshot(anna, "flow-4-confirmation")

    # Ben finds it full and joins the waitlist.
    ben = new_page("phone")
    ben.goto(f"/sessions/{session.pk}/")
    expect(ben.locator("#places")).to_contain_text("Full – join the waitlist")
    fill_booking_form(ben, session, name="Ben Olsen", email="ben@example.com", baby="Noah")
    ben.get_by_role("button", name="Join the waitlist").click()
    expect(ben.get_by_role("heading", level=1)).to_have_text("Thank you! Now look in your e-mail")
    screenshot(ben, "flow-5-waitlist")
    (waiting,) = [m for m in mail.outbox if m.to == ["ben@example.com"]]
    assert "you are on the waitlist, number 1 in line" in waiting.body

    # Anna opens the link from her confirmation e-mail and cancels.
    (confirmation,) = [m for m in mail.outbox if m.to == ["anna@example.com"]]
    assert confirmation.attachments[0][0] == "familieliv.ics"
    anna.goto(manage_path(confirmation))
    expect(anna.get_by_role("heading", level=1)).to_have_text("Your bookings")
    assert_accessible(anna, axe_violations)
    screenshot(anna, "flow-6-manage")
    anna.get_by_role("button", name="Cancel – we can't come").click()
    expect(anna.get_by_role("status")).to_contain_text("Your booking is cancelled")
    expect(anna.get_by_text("You have no bookings coming up.")).to_be_visible()

    # Ben is told at once, and his own page shows the place.
    promoted = [m for m in mail.outbox if m.to == ["ben@example.com"]]
    assert [m.subject.startswith("Good news") for m in promoted] == [False, True]
    ben.goto(manage_path(promoted[-1]))
    expect(ben.get_by_text("Booked", exact=True)).to_be_visible()
    screenshot(ben, "flow-7-promoted")
    assert Booking.objects.get(household__email="ben@example.com").status == "confirmed"


def test_filter_by_birth_month_shows_only_sessions_the_child_may_join(
    babydans_at_sandvika, new_page, axe_violations, screenshot
):
    session = babydans_at_sandvika
    page = new_page("phone")
    page.goto("/")
    month, year = baby_born_for(session, months=5)

    page.get_by_label("Child's birth month").select_option(month)
    page.get_by_label("Birth year").select_option(year)
    page.get_by_role("button", name="Show sessions").click()

    expect(page.get_by_role("link", name="Babydans").first).to_be_visible()
    assert_accessible(page, axe_violations)
    screenshot(page, "filter-babydans-age")

    too_old_month, too_old_year = baby_born_for(session, months=20)
    page.get_by_label("Child's birth month").select_option(too_old_month)
    page.get_by_label("Birth year").select_option(too_old_year)
    page.get_by_role("button", name="Show sessions").click()
    expect(page.get_by_text("No sessions match.")).to_be_visible()


def test_a_mistake_in_the_form_keeps_what_was_typed(babydans_at_sandvika, new_page):
    session = babydans_at_sandvika
    page = new_page("phone")
    page.goto(f"/sessions/{session.pk}/")
    fill_booking_form(page, session, name="Anna Berg", email="anna@", baby="Ella")

    page.get_by_role("button", name="Book").click()

    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Anna Berg")
    expect(page.get_by_label("Child's first name").first).to_have_value("Ella")
