"""A family opens the link in its message and meets its own language, on a phone whose
browser asks for English."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from bookings.services import booking_cancel
from tests.bookings.support import book
from tests.factories import SessionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_norwegian_family_promoted_from_the_waitlist_lands_on_a_norwegian_page(
    phone_page, screenshot
):
    session = SessionFactory(capacity=1, programme__name="Babydans")
    first = book(session, "anna@example.com", language="da", send=True)
    book(session, "kari@example.no", name="Kari", language="nb", send=True)
    mail.outbox.clear()
    with translation.override("da"):  # the library cancels in its Danish admin
        booking_cancel(booking_id=first.pk)

    [promotion] = [m for m in mail.outbox if m.to == ["kari@example.no"]]
    link = re.search(r"https?://\S+/manage/[^/\s]+/", promotion.body).group(0)
    phone_page.goto(urlsplit(link).path)

    expect(phone_page.locator("html")).to_have_attribute("lang", "nb")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Påmeldingene dine")
    expect(phone_page.get_by_text("Babydans").first).to_be_visible()
    screenshot(phone_page, "family-page-norwegian-phone")
