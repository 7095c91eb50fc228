import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .support import describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

HEADING = "Family activities at the library"
DANISH_PO = Path(__file__).resolve().parents[2] / "locale" / "da" / "LC_MESSAGES" / "django.po"


def danish(msgid: str) -> str:
    """The Danish catalogue's translation of a one-line msgid."""
    match = re.search(
        rf'^msgid "{re.escape(msgid)}"\nmsgstr "(.+)"$',
        DANISH_PO.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert match, f"{DANISH_PO} has no translation of {msgid!r}"
    return match.group(1)


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_home_shows_the_programmes_and_is_accessible(
    demo, page, axe_violations, screenshot, request
):
    page.goto("/")

    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)
    expect(page.get_by_role("heading", name="Babydans").first).to_be_visible()

    violations = axe_violations(page)
    screenshot(page, f"home-{request.node.callspec.params['page']}")
    assert not violations, describe_violations(violations)


def test_language_switcher_shows_the_page_in_danish(demo, page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)

    page.get_by_label("Language").select_option(label="Dansk")

    expect(page.get_by_role("heading", level=1)).to_have_text(danish(HEADING))
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_label(danish("Language"))).to_have_value("da")
