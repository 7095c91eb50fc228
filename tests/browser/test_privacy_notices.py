"""The privacy notices in Chromium: found from the footer and a volunteer's page, readable
on a phone, accessible, and in the reader's language."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from volunteers.links import shift_url
from volunteers.models import Assignment, Volunteer

from .support import describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def fits_the_width(page) -> bool:
    """Nothing sticks out sideways: read on a phone without scrolling left and right."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_a_parent_finds_the_families_notice_from_the_footer(
    demo, page, axe_violations, screenshot, request
):
    page.goto("/")
    page.get_by_role("link", name="Privacy notice").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice for families")
    libraries = page.get_by_role("table", name="The libraries, and who is responsible for each")
    expect(libraries.get_by_role("row", name="Bærum bibliotek Sandvika")).to_contain_text(
        "Bærum Municipality"
    )
    expect(page.get_by_role("heading", name="How long we keep it")).to_be_visible()
    expect(page.get_by_role("link", name="www.datatilsynet.no")).to_be_visible()

    assert fits_the_width(page)
    violations = axe_violations(page)
    screenshot(page, f"privacy-families-{request.node.callspec.params['page']}")
    assert not violations, describe_violations(violations)


def test_the_families_notice_in_danish_is_accessible(demo, phone_page, axe_violations):
    phone_page.goto("/da/privacy/")

    expect(phone_page.get_by_role("heading", level=1)).to_have_text(
        "Privatlivspolitik for familier"
    )
    expect(phone_page.get_by_role("columnheader", name="Dataansvarlig")).to_be_visible()
    expect(phone_page.get_by_role("cell", name="Aarhus Kommune")).to_be_visible()

    assert fits_the_width(phone_page)
    violations = axe_violations(phone_page)
    assert not violations, describe_violations(violations)


def test_a_volunteer_finds_their_notice_from_their_shift_page_in_their_language(
    demo, phone_page, axe_violations, screenshot
):
    assignment = (
        Assignment.objects.select_related("volunteer")
        .filter(shift__session__room__branch__slug="aarhus-hovedbiblioteket")
        .first()
    )
    assert assignment is not None
    Volunteer.objects.filter(pk=assignment.volunteer_id).update(language="da")

    phone_page.goto(urlsplit(shift_url(assignment=assignment)).path)
    phone_page.get_by_role("link", name="Privatlivspolitik for frivillige").click()

    expect(phone_page.get_by_role("heading", level=1)).to_have_text(
        "Privatlivspolitik for frivillige"
    )
    partners = phone_page.get_by_role(
        "table", name="Organisationerne, og de biblioteker, hvor deres frivillige hjælper til"
    )
    expect(partners.get_by_role("row", name="Red Barnet Ungdom")).to_contain_text("Aarhus Kommune")
    expect(phone_page.get_by_text("Vi gemmer aldrig selve attesten.")).to_be_visible()

    assert fits_the_width(phone_page)
    violations = axe_violations(phone_page)
    screenshot(phone_page, "privacy-volunteers-phone")
    assert not violations, describe_violations(violations)
