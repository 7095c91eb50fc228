"""A parent, on a phone, sees what the library holds about her family, downloads it, erases
it and sees the confirmation; the family waiting gets her place; a superuser finds the
erasure in the audit trail. In Debian's Chromium, looking at what a person sees."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.models import Booking
from households.links import manage_token
from tests.bookings.support import book
from tests.factories import BranchFactory, ProgrammeFactory, RoomFactory, SessionFactory

from .support import describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def anna_and_ben():
    """Babydans at Sandvika in ten days: Anna has the one place, Ben waits for it."""
    sandvika = BranchFactory(name="Bærum bibliotek Sandvika", slug="sandvika")
    start = (timezone.now() + timedelta(days=10)).replace(hour=10, minute=0, second=0)
    session = SessionFactory(
        programme=ProgrammeFactory(name="Babydans", slug="babydans"),
        room=RoomFactory(branch=sandvika, name="Luftslottet"),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=1,
    )
    anna = book(session, "anna@example.com", name="Anna Berg", children=("Ella",)).household
    book(session, "ben@example.com", name="Ben Olsen", children=("Noah",))
    get_user_model().objects.create_superuser("root", "root@example.invalid", "pw-for-tests")
    return session, anna


def assert_accessible(page: Page, axe_violations) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe_violations(violations)}"


def test_a_parent_downloads_and_erases_her_data_and_the_erasure_is_on_record(
    anna_and_ben, new_page, axe_violations, screenshot, tmp_path
):
    session, household = anna_and_ben
    manage_path = reverse("bookings:manage", args=[manage_token(household=household)])
    anna = new_page("phone")

    # From her family page, Anna opens what the library holds about her family.
    anna.goto(manage_path)
    anna.get_by_role("link", name="See, download, correct or erase what we hold").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Your data")
    expect(anna.locator("#main")).to_contain_text("anna@example.com")
    expect(anna.locator("#main")).to_contain_text("Babydans")
    expect(anna.locator("#main")).not_to_contain_text("Ben Olsen")
    assert_accessible(anna, axe_violations)
    screenshot(anna, "family-data-1-page")

    # She takes a copy.
    with anna.expect_download() as download:
        anna.get_by_role("link", name="Download our data (JSON)").click()
    assert re.fullmatch(r"familieliv-data-\d+\.json", download.value.suggested_filename)
    saved = tmp_path / "data.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["household"]["email"] == "anna@example.com"
    assert [b["session"]["id"] for b in data["bookings"]] == [session.pk]
    assert [c["first_name"] for c in data["children"]] == ["Ella"]

    # She asks for it to be erased: first told what will happen, then it is done.
    anna.get_by_role("link", name="Erase our data…").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Erase our data")
    expect(anna.locator("#main")).to_contain_text("Your places go to the next families")
    assert_accessible(anna, axe_violations)
    screenshot(anna, "family-data-2-erase-confirm")
    sent_before = len(mail.outbox)
    anna.get_by_role("button", name="Yes, erase our data").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Your data is erased")
    expect(anna.get_by_role("status")).to_contain_text("A last e-mail is on its way")
    expect(anna.locator("#main")).not_to_contain_text("Anna")
    assert_accessible(anna, axe_violations)
    screenshot(anna, "family-data-3-erased")

    # Her link opens nothing any more; Ben has her place, and was told.
    assert anna.goto(manage_path).status == 404
    assert Booking.objects.get(session=session, household__email="ben@example.com").status == (
        Booking.Status.CONFIRMED
    )
    told = mail.outbox[sent_before:]
    assert any(m.to == ["ben@example.com"] and "Good news" in m.subject for m in told)
    assert any(m.to == ["anna@example.com"] for m in told)

    # At the library, a superuser finds the erasure in the audit trail.
    desk = new_page()
    desk.goto("/admin/login/?next=/admin/")
    desk.get_by_label("Username").fill("root")
    desk.get_by_label("Password").fill("pw-for-tests")
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_role("link", name="Log entries").click()
    desk.get_by_role("link", name="Data erased").click()
    row = desk.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(str(household.pk))
    expect(row).to_contain_text("the family, through its link")
    expect(desk.locator("#result_list")).not_to_contain_text("Anna")
    screenshot(desk, "family-data-4-audit-trail")
