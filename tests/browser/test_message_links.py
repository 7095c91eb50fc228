"""The pages behind the links in reminders and follow-ups, on a phone, as a parent sees them."""

from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.links import RATING_LINK_VALIDITY, cant_come_url, rating_url
from bookings.models import Booking
from households.links import manage_url
from households.models import Household
from privacy.new_links import new_links_send

from .support import describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def path(url: str) -> str:
    return urlsplit(url).path


def test_we_cant_come_gives_the_place_to_the_first_family_waiting(
    demo, phone_page, axe_violations, screenshot
):
    now = timezone.now()
    booked = Booking.objects.filter(
        status=Booking.Status.CONFIRMED, session__starts_at__gt=now
    ).first()
    waiting = booked.session.bookings.filter(status=Booking.Status.WAITLISTED).earliest(
        "waitlisted_at"
    )

    phone_page.goto(path(cant_come_url(booking=booked)))
    expect(phone_page.locator("html")).to_have_attribute("lang", "nb")  # the household's
    violations = axe_violations(phone_page)
    screenshot(phone_page, "cant-come-phone")
    booked.refresh_from_db()
    assert booked.status == Booking.Status.CONFIRMED  # opening the link gives nothing away
    phone_page.locator("form button[type=submit]").click()

    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Plassen din er gitt videre")
    booked.refresh_from_db()
    waiting.refresh_from_db()
    assert booked.status == Booking.Status.CANCELLED
    assert waiting.status == Booking.Status.CONFIRMED
    assert not violations, describe_violations(violations)


def test_rating_from_the_follow_up_is_sent_from_the_page_it_opens(
    demo, phone_page, axe_violations, screenshot
):
    # A Norwegian family's booking (the page speaks the household's language): the demo's
    # history holds Danish families' past bookings too, whichever comes first by date.
    came = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        session__ends_at__lt=timezone.now(),
        # Recent enough for its rating link to work.
        session__ends_at__gt=timezone.now() - RATING_LINK_VALIDITY,
        household__language="nb",
        rating__isnull=True,
    ).first()

    phone_page.goto(path(rating_url(booking=came, rating=5)))

    # Opening the link (as a mail scanner does) records nothing: the family sends it.
    expect(phone_page.locator("[aria-current=true]")).to_have_text("5")
    came.refresh_from_db()
    assert came.rating is None
    violations = axe_violations(phone_page)
    phone_page.get_by_role("button", name="5", exact=True).click()

    expect(phone_page.get_by_text("5 av 5")).to_be_visible()
    screenshot(phone_page, "rated-phone")
    came.refresh_from_db()
    assert came.rating == 5
    assert not violations, describe_violations(violations)


def test_an_expired_link_leads_to_a_new_one(demo, phone_page, axe_violations, screenshot):
    household = Household.objects.filter(bookings__isnull=False).first()
    old = path(manage_url(household=household))
    new_links_send(email=household.email, now=timezone.now())  # the family asked before

    phone_page.goto(old)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    violations = axe_violations(phone_page)
    screenshot(phone_page, "link-expired-phone")
    phone_page.get_by_role("link", name="Send me a new link").click()

    phone_page.get_by_label("Your e-mail address").fill("nobody-we-know@example.com")
    violations += axe_violations(phone_page)
    phone_page.get_by_role("button", name="Send me a new link").click()

    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Now look in your e-mail")
    expect(
        phone_page.get_by_text("If we know this address, we have e-mailed its link.")
    ).to_be_visible()
    violations += axe_violations(phone_page)
    screenshot(phone_page, "new-link-sent-phone")
    assert not violations, describe_violations(violations)
