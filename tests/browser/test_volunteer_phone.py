"""The coordinator's and the volunteer's pages on a 390 px phone in Chromium: nothing that
matters runs off the screen, empty days take one line, taking someone off a shift (or
giving up one's own) asks first, and a language chosen on the volunteer's page stays."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tests.volunteers.support import (
    coordinator,
    lektiecafe_series,
    organisation,
    partnership_for,
    shifts_for,
    volunteer,
)
from volunteers.links import shift_url
from volunteers.models import Assignment, Onboarding
from volunteers.services import assignment_confirm, assignment_propose

from .support import describe_violations
from .test_volunteer_shifts import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE_WIDTH = 390


def assert_on_screen(locator: Locator) -> None:
    """The element is shown whole between the screen's left and right edges."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0, box
    assert box["x"] + box["width"] <= PHONE_WIDTH, box


@pytest.fixture
def lektiecafe():
    """Red Barnet Ungdom's Monday Lektiecafé next week; Sofie is on it, Anna could be."""
    series = lektiecafe_series(weekdays=(0,), weeks=1)
    org = organisation()
    contact = coordinator(org)
    partnership = partnership_for(series, org, coordinators=[contact])
    (shift,) = shifts_for(series, partnership, required=2)
    sofie = volunteer(org, "Sofie Lund", subjects=("Maths", "Danish", "English"))
    sofie.email = "sofie.lund.lektiehjaelper@studerende.example.com"
    sofie.save()
    sofie.certificates.update(valid_until=timezone.localdate() + timedelta(days=20))
    Onboarding.objects.create(volunteer=sofie, partnership=partnership)
    volunteer(org, "Anna Bak")
    return {"shift": shift, "sofie": sofie, "user": contact.user}


def test_the_coordinators_pages_fit_a_phone(new_page, lektiecafe, axe_violations, screenshot):
    planner = new_page("phone")
    sign_in(planner, "coordinator", "pw-for-tests")

    planner.get_by_role("link", name="Next week →").click()
    # Monday has the shift; the six other days are one line, not six blocks.
    expect(planner.locator("#days-without-shifts")).to_have_text(
        "No shifts Tue, Wed, Thu, Fri, Sat, Sun"
    )
    expect(planner.get_by_text("No shifts", exact=True)).to_have_count(6)
    for block in planner.get_by_text("No shifts", exact=True).all():
        expect(block).to_be_hidden()
    # The turnover figures stack: each label and figure on the screen.
    turnover = planner.locator("#turnover td").first
    turnover.scroll_into_view_if_needed()
    assert_on_screen(turnover)
    week_violations = axe_violations(planner)
    screenshot(planner, "coordinator-week-phone-empty-days")

    planner.get_by_role("link", name="Volunteers", exact=True).click()
    row = planner.locator("#volunteers tbody tr", has_text="Sofie Lund")
    phone = row.get_by_role("link", name="+45 22 34 56 78")
    assert_on_screen(phone)
    assert phone.bounding_box()["height"] < 30  # one line: the number does not wrap
    assert_on_screen(row.get_by_role("link", name="sofie.lund.lektiehjaelper@"))
    assert_on_screen(row.locator(".certificate-status"))
    list_violations = axe_violations(planner)
    screenshot(planner, "coordinator-volunteers-phone")

    assert not week_violations, describe_violations(week_violations)
    assert not list_violations, describe_violations(list_violations)


def test_taking_a_volunteer_off_asks_first(new_page, lektiecafe, screenshot):
    shift, sofie = lektiecafe["shift"], lektiecafe["sofie"]
    assignment = assignment_propose(shift=shift, volunteer=sofie)
    planner = new_page("phone")
    sign_in(planner, "coordinator", "pw-for-tests")
    planner.goto(f"/coordinator/shifts/{shift.pk}/")

    planner.get_by_text("Take Sofie Lund off the shift").click()
    confirm = planner.get_by_role("button", name="Yes, take Sofie Lund off")
    expect(confirm).to_be_visible()
    expect(planner.get_by_text("Sofie Lund is told at once")).to_be_visible()
    screenshot(planner, "coordinator-take-off-confirm-phone")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.PROPOSED

    confirm.click()
    expect(planner.get_by_text("Sofie Lund is no longer on this shift.")).to_be_visible()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    # Taken off, she is no longer the one chosen first.
    expect(planner.get_by_test_id(f"candidate-{sofie.pk}")).to_contain_text("Taken off this shift")
    expect(planner.get_by_test_id(f"candidate-{sofie.pk}").get_by_role("radio")).not_to_be_checked()


def test_the_volunteer_gives_up_a_shift_only_after_confirming(new_page, lektiecafe):
    assignment = assignment_confirm(
        assignment=assignment_propose(shift=lektiecafe["shift"], volunteer=lektiecafe["sofie"])
    )
    helper = new_page("phone")
    helper.goto(urlsplit(shift_url(assignment=assignment)).path)

    helper.get_by_text("I can't come after all").click()
    expect(helper.get_by_text("Are you sure?")).to_be_visible()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CONFIRMED

    helper.get_by_role("button", name="Yes, I can't come").click()
    expect(helper.get_by_text("You are off the shift.")).to_be_visible()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED


def test_a_language_chosen_on_the_volunteers_page_stays(new_page, lektiecafe):
    sofie = lektiecafe["sofie"]
    sofie.language = "da"
    sofie.save()
    assignment = assignment_propose(shift=lektiecafe["shift"], volunteer=sofie)
    helper: Page = new_page("phone")
    helper.goto(urlsplit(shift_url(assignment=assignment)).path)
    expect(helper.locator("html")).to_have_attribute("lang", "da")

    with helper.expect_navigation():
        helper.locator("#language-select").select_option("en")

    expect(helper.locator("html")).to_have_attribute("lang", "en")
    expect(helper.get_by_role("button", name="Yes, I will come")).to_be_visible()
    helper.reload()
    expect(helper.locator("html")).to_have_attribute("lang", "en")
