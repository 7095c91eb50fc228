"""Courses and drop-in in Chromium: a referral from a professional to an accepted place, the
check-in list and the Lektiecafé head count on a phone."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from attendance.models import Attendance, HeadCount
from courses.models import Enrolment
from courses.services import enrolment_accept, enrolment_offer
from demo.programmes import DEMO_PASSWORD
from partners.models import Partnership
from partners.referral_links import referral_url
from programmes.models import Branch
from tests.courses.support import lektiecafe_session, make_course, refer
from tests.factories import RoomFactory

from .support import describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def path(url: str) -> str:
    return urlsplit(url).path


def sign_in(page: Page, username: str, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_professional_refers_a_family_the_library_offers_and_the_parent_accepts(
    demo, new_page, axe_violations, screenshot
):
    partnership = Partnership.objects.get(programme__slug="smaabornsklub")

    professional = new_page("phone")
    professional.goto(path(referral_url(partnership=partnership)))
    expect(professional.get_by_role("heading", level=1)).to_have_text(
        "Refer a family to Småbørnsklub"
    )
    referral_violations = axe_violations(professional)
    professional.get_by_label("Parent's name").fill("Nadia Hassan")
    professional.get_by_label("Parent's e-mail").fill("nadia@example.com")
    professional.get_by_label("Language for our messages to the family").select_option("en")
    professional.get_by_label("Languages spoken at home (optional)").fill("Somali, some Danish")
    professional.get_by_label("Child's first name").first.fill("Yasmin")
    professional.get_by_label("Birth month").first.select_option("3")
    professional.get_by_label("Birth year").first.select_option("2025")
    professional.get_by_label("Your name").fill("Lene Holm")
    professional.get_by_label("Your profession").select_option("health_visitor")
    professional.get_by_label("The parent agrees to this referral").check()
    screenshot(professional, "referral-form-phone")
    professional.get_by_role("button", name="Refer the family").click()
    expect(professional.get_by_role("status")).to_contain_text("The family is referred")

    librarian = new_page()
    librarian.goto("/admin/login/?next=/admin/courses/enrolment/%3Fstatus__exact%3Dreferred")
    librarian.get_by_label("Username").fill("ballerup")
    librarian.get_by_label("Password").fill(DEMO_PASSWORD)
    librarian.get_by_role("button", name="Log in").click()
    row = librarian.locator("#result_list tbody tr", has_text="Nadia Hassan")
    expect(row).to_contain_text("Lene Holm (Health visitor)")
    row.locator("input.action-select").check()
    librarian.locator("select[name=action]").select_option("offer_places")
    librarian.get_by_role("button", name="Go").click()
    expect(librarian.locator(".messagelist")).to_contain_text("1 family was offered a place")
    screenshot(librarian, "referral-queue-admin")

    (offer,) = [m for m in mail.outbox if m.to == ["nadia@example.com"] and "A place" in m.subject]
    link = next(word for word in offer.body.split() if "/course/" in word)
    parent = new_page("phone")
    parent.goto(path(link))
    expect(parent.get_by_role("heading", name="You are offered a place")).to_be_visible()
    offer_violations = axe_violations(parent)
    screenshot(parent, "course-offer-phone")
    parent.get_by_role("button", name="Yes, we will join").click()

    expect(parent.get_by_text("You have a place on the course.")).to_be_visible()
    enrolment = Enrolment.objects.get(household__email="nadia@example.com")
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert enrolment.referrer_name == "Lene Holm"
    assert not referral_violations, describe_violations(referral_violations)
    assert not offer_violations, describe_violations(offer_violations)


def test_a_volunteer_checks_families_in_on_a_phone(demo, phone_page, axe_violations, screenshot):
    ballerup = Branch.objects.get(slug="ballerup")
    course = make_course(capacity=5, room=RoomFactory(branch=ballerup))
    meeting = course.series.sessions.get(starts_at__date=timezone.localdate())
    joined = meeting.starts_at - timedelta(days=1)  # families are listed from the day they join
    for email in ("fatima@example.com", "otto@example.com"):
        offered = enrolment_offer(enrolment_id=refer(course, email).pk, now=joined)
        enrolment_accept(enrolment_id=offered.pk, now=joined)

    sign_in(phone_page, "frivillig", "/helpers/")
    phone_page.locator(f"a[href$='/helpers/sessions/{meeting.pk}/check-in/']").click()
    expect(phone_page.locator("#came-count")).to_have_text("0 of 2 families came")
    fatima = phone_page.locator("li", has_text="Fatima")
    fatima.get_by_role("button", name="Came").click()

    expect(phone_page.locator("#came-count")).to_have_text("1 of 2 families came")
    expect(
        phone_page.locator("li", has_text="Fatima").get_by_role("button", name="Came")
    ).to_have_attribute("aria-pressed", "true")
    violations = axe_violations(phone_page)
    screenshot(phone_page, "check-in-phone")
    attendance = Attendance.objects.get(session=meeting)
    assert attendance.attended
    assert attendance.household.email == "fatima@example.com"
    assert attendance.recorded_by.username == "frivillig"
    assert not violations, describe_violations(violations)


def test_a_volunteer_counts_pupils_at_the_lektiecafe(demo, phone_page, axe_violations, screenshot):
    aarhus = Branch.objects.get(slug="aarhus-hovedbiblioteket")
    session = lektiecafe_session(room=RoomFactory(branch=aarhus))

    sign_in(phone_page, "frivillig", "/helpers/")
    phone_page.locator(f"a[href$='/helpers/sessions/{session.pk}/head-count/']").click()
    expect(phone_page.locator("#total")).to_have_text("0 pupils, 0 new")
    phone_page.get_by_test_id("count-9-returning").click()
    expect(phone_page.locator("#total")).to_have_text("1 pupil, 0 new")
    phone_page.get_by_test_id("count-9-returning").click()
    expect(phone_page.locator("#total")).to_have_text("2 pupils, 0 new")
    phone_page.get_by_test_id("count-8-first").click()
    expect(phone_page.locator("#total")).to_have_text("3 pupils, 1 new")
    phone_page.get_by_role("button", name="Been before: take one away").nth(1).click()  # grade 9

    expect(phone_page.locator("#total")).to_have_text("2 pupils, 1 new")
    violations = axe_violations(phone_page)
    screenshot(phone_page, "head-count-phone")
    counts = {(h.grade, h.first_visit): h.count for h in HeadCount.objects.filter(session=session)}
    assert counts == {("9", False): 1, ("8", True): 1}
    assert not violations, describe_violations(violations)
