"""Volunteer shifts in Chromium: the coordinator signs in, finds an unfilled Lektiecafé shift
in the week, asks a volunteer, the volunteer says yes through their link, and the week shows
the shift filled."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.volunteers.support import (
    coordinator,
    lektiecafe_series,
    organisation,
    partnership_for,
    shifts_for,
    volunteer,
)
from volunteers.links import shift_url
from volunteers.models import Assignment, Volunteer

from .support import describe_violations

UNFILLED = re.compile(r"\bshift-unfilled\b")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_coordinator_fills_a_lektiecafe_shift_and_the_volunteer_confirms(
    new_page, axe_violations, screenshot
):
    series = lektiecafe_series(weekdays=(0,), weeks=1)  # next Monday, 15–18
    org = organisation()
    partnership = partnership_for(series, org, coordinators=[coordinator(org)])
    (shift,) = shifts_for(series, partnership, required=1)
    sofie = volunteer(org, "Sofie Lund", subjects=("Maths",))
    Volunteer.objects.filter(pk=sofie.pk).update(language="en")

    planner = new_page("phone")
    sign_in(planner, "coordinator", "pw-for-tests")
    expect(planner.get_by_role("heading", level=1)).to_have_text("Volunteer shifts")
    planner.get_by_role("link", name="Next week →").click()
    card = planner.get_by_test_id(f"shift-{shift.pk}")
    expect(card).to_contain_text("Lektiecafé")
    expect(card).to_contain_text("Needs 1 more")
    expect(card).to_contain_text("0/1")
    expect(card).to_have_class(UNFILLED)
    week_violations = axe_violations(planner)
    screenshot(planner, "coordinator-week-phone")

    card.get_by_role("link", name="Lektiecafé").click()
    expect(planner.get_by_text("0 of 1 volunteer: not filled yet")).to_be_visible()
    candidate = planner.get_by_test_id(f"candidate-{sofie.pk}")
    expect(candidate).to_contain_text("Available then")
    candidate.get_by_role("radio").check()
    shift_violations = axe_violations(planner)
    screenshot(planner, "coordinator-shift-phone")
    planner.get_by_role("button", name="Ask this volunteer").click()
    expect(planner.get_by_role("status").first).to_contain_text(
        "Sofie Lund was asked to take this shift."
    )
    expect(planner.locator("#on-shift + ul")).to_contain_text("Asked")

    assignment = Assignment.objects.get(shift=shift, volunteer=sofie)
    helper = new_page("phone")
    helper.goto(urlsplit(shift_url(assignment=assignment)).path)
    helper.get_by_role("button", name="Yes, I will come").click()
    expect(helper.get_by_text("You have said yes. You are expected!")).to_be_visible()

    planner.get_by_role("link", name="← Back to the week").click()
    card = planner.get_by_test_id(f"shift-{shift.pk}")
    expect(card).to_contain_text("1/1")
    expect(card).to_contain_text("1 confirmed, 0 asked")
    expect(card).to_contain_text("Filled")
    expect(card).to_contain_text("Sofie Lund")
    expect(card).not_to_have_class(UNFILLED)
    screenshot(planner, "coordinator-week-filled-phone")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CONFIRMED
    assert not week_violations, describe_violations(week_violations)
    assert not shift_violations, describe_violations(shift_violations)
