"""In Chromium at phone size: a volunteer opens her own page, says yes to every week at
once and subscribes to her calendar feed (fetched and read with an independent iCalendar
parser); a coordinator corrects a volunteer and runs an experience meeting."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tests.volunteers.support import (
    coordinator,
    lektiecafe_series,
    organisation,
    partnership_for,
    shifts_for,
    volunteer,
)
from volunteers.links import page_url
from volunteers.models import Assignment, MeetingInvitation, Onboarding, Volunteer
from volunteers.services import assignment_propose_for_term

from .support import describe_violations
from .test_volunteer_shifts import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def lektiecafe():
    """Three Wednesdays of Lektiecafé from next week; Sofie was asked for all of them."""
    series = lektiecafe_series(weekdays=(2,), weeks=3)
    org = organisation()
    contact = coordinator(org)
    partnership = partnership_for(series, org, coordinators=[contact])
    shifts = shifts_for(series, partnership, required=2)
    sofie = volunteer(org, "Sofie Lund", subjects=("Maths",))
    Onboarding.objects.create(volunteer=sofie, partnership=partnership)
    assignment_propose_for_term(shift=shifts[0], volunteer=sofie)
    return {"sofie": sofie, "partnership": partnership, "user": contact.user, "org": org}


def test_a_volunteer_confirms_all_weeks_and_subscribes_to_her_calendar(
    new_page, lektiecafe, axe_violations, screenshot
):
    sofie = lektiecafe["sofie"]
    page = new_page("phone")
    page.goto(urlsplit(page_url(volunteer=sofie)).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Sofie Lund")
    expect(page.locator("#own-shifts > li")).to_have_count(3)
    expect(page.get_by_text("You have 3 shifts to answer.")).to_be_visible()
    violations = axe_violations(page)
    screenshot(page, "volunteer-own-page-phone")

    page.get_by_role("button", name="Yes to all of them").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Thank you! You have said yes to 3 shifts."
    )
    expect(page.locator(".own-status")).to_have_text(["You said yes"] * 3)
    assert set(sofie.assignments.values_list("status", flat=True)) == {Assignment.Status.CONFIRMED}

    # The subscribe button opens webcal://; the address beside it is what a calendar
    # program fetches. Fetched as such, it is a calendar with the three shifts.
    address = page.get_by_label("Or copy this address into your calendar program").input_value()
    assert (
        page.get_by_role("link", name="Subscribe in your calendar").get_attribute("href")
        == "webcal://" + address.split("://", 1)[1]
    )
    response = page.request.get(urlsplit(address).path)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.body()).walk("VEVENT")
    assert len(events) == 3
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED"}
    assert {str(e["SUMMARY"]) for e in events} == {"Homework helper: Lektiecafé"}
    assert not violations, describe_violations(violations)


def test_a_coordinator_corrects_a_volunteer_and_runs_an_experience_meeting(
    new_page, lektiecafe, axe_violations, screenshot
):
    sofie = lektiecafe["sofie"]
    page = new_page("phone")
    sign_in(page, "coordinator", "pw-for-tests")
    page.get_by_role("link", name="Volunteers", exact=True).click()
    page.get_by_role("link", name="Sofie Lund").click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone").fill("20 30 40 50")
    page.get_by_label("Name").fill("Sofie Lund-Berg")
    edit_violations = axe_violations(page)
    screenshot(page, "coordinator-edit-volunteer-phone")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sofie Lund-Berg")
    expect(page.get_by_role("link", name="+45 20 30 40 50")).to_have_attribute(
        "href", "tel:+4520304050"
    )
    assert Volunteer.objects.get(pk=sofie.pk).phone.as_e164 == "+4520304050"

    page.get_by_role("link", name="Experience meetings").click()
    page.get_by_role("link", name="Plan a meeting").click()
    day = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Title").fill("Erfa-møde for lektiehjælpere")
    page.get_by_label("Day").fill(day.isoformat())
    page.get_by_label("From").fill("18:00")
    page.get_by_label("Until").fill("20:00")
    page.get_by_label("Place").fill("Lektiecaféen")
    page.get_by_role("button", name="Plan the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erfa-møde for lektiehjælpere")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.get_by_role("status").first).to_contain_text("2 invitations sent.")
    expect(page.locator("#guests > li")).to_have_count(2)
    invitation = MeetingInvitation.objects.get(volunteer=sofie)
    invitation.response = MeetingInvitation.Response.YES
    invitation.save()
    page.reload()
    expect(page.locator("#meeting-counts")).to_have_text("2 invited, 1 coming, 0 came")
    meeting_violations = axe_violations(page)
    screenshot(page, "coordinator-meeting-phone")

    # The evening comes: who came is marked on the same page.
    meeting = invitation.meeting
    meeting.starts_at = timezone.now() - timedelta(minutes=30)
    meeting.ends_at = timezone.now() + timedelta(minutes=90)
    meeting.save()
    page.reload()
    page.get_by_test_id(f"guest-{invitation.pk}").get_by_role("button", name="Came").click()
    expect(page.locator("#meeting-counts")).to_have_text("2 invited, 1 coming, 1 came")
    assert not edit_violations, describe_violations(edit_violations)
    assert not meeting_violations, describe_violations(meeting_violations)
