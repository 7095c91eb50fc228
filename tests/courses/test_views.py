"""The referral form a professional opens from the partnership's link, and the family's
course page that its e-mails link to."""

import pytest
from django.core import mail
from django.urls import reverse

from courses.links import enrolment_url
from courses.models import Enrolment
from courses.services import enrolment_offer
from households.models import Household
from notifications.sending import outbox_send_due
from partners.referral_links import referral_url
from partners.services import referral_link_renew
from tests.courses.support import TODDLER, make_course, make_partnership, refer

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def referral_data(course, **overrides):
    data = {
        "referral-course": course.pk,
        "referral-name": "Hodan Abdi",
        "referral-email": "hodan@example.com",
        "referral-phone": "",
        "referral-language": "da",
        "referral-languages": "Somali, some Danish",
        "referral-wishes": "Would like to meet other parents.",
        "referral-referrer_name": "Lene Holm",
        "referral-referrer_role": "health_visitor",
        "referral-referrer_contact": "",
        "referral-parent_consents": "on",
        "children-TOTAL_FORMS": "2",
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "1",
        "children-MAX_NUM_FORMS": "6",
        "children-0-first_name": TODDLER.first_name,
        "children-0-birth_month": str(TODDLER.birth_month.month),
        "children-0-birth_year": str(TODDLER.birth_month.year),
    }
    data.update(overrides)
    return data


@pytest.fixture
def link():
    course = make_course()
    partnership = make_partnership(course)
    return course, partnership, path_of(referral_url(partnership=partnership))


def test_a_professional_refers_a_family_through_the_link(client, link):
    course, partnership, url = link
    page = client.get(url)
    assert page.status_code == 200
    assert "Refer a family to Småbørnsklub" in page.text

    response = client.post(url, referral_data(course))

    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Enrolment.Status.REFERRED
    assert enrolment.partnership == partnership
    assert enrolment.languages == "Somali, some Danish"
    assert enrolment.household.language == "da"
    outbox_send_due()
    assert mail.outbox[-1].to == ["hodan@example.com"]
    assert "The family is referred" in client.get(response.url).text


def test_without_the_parents_consent_nothing_is_kept(client, link):
    course, _, url = link
    data = referral_data(course)
    del data["referral-parent_consents"]
    response = client.post(url, data)
    assert response.status_code == 400
    assert "only be referred with the parent&#x27;s consent" in response.text
    assert 'value="Hodan Abdi"' in response.text  # what was typed stays
    assert not Household.objects.exists()


def test_a_referral_with_no_child_of_the_right_age_is_explained(client, link):
    course, _, url = link
    response = client.post(url, referral_data(course, **{"children-0-birth_year": "2012"}))
    assert response.status_code == 400
    assert "No child in the family is in this course&#x27;s age group" in response.text


def test_a_revoked_or_forged_referral_link_gets_a_kind_page(client, link):
    course, partnership, url = link
    referral_link_renew(partnership=partnership)
    for dead in (url, url.replace("/refer/", "/refer/x")):
        response = client.get(dead)
        assert response.status_code == 404
        assert "This referral link does not work" in response.text
        assert client.post(dead, referral_data(course)).status_code == 404
    assert not Enrolment.objects.exists()


def test_the_link_says_so_when_no_course_is_open(client):
    course = make_course(weeks_before=12, weeks_after=-1)
    url = path_of(referral_url(partnership=make_partnership(course)))
    page = client.get(url)
    assert "No course is open for referrals right now" in page.text
    assert client.post(url, referral_data(course)).status_code == 400
    assert not Enrolment.objects.exists()


def test_the_family_accepts_an_offer_on_its_course_page(client):
    course = make_course()
    enrolment = enrolment_offer(enrolment_id=refer(course).pk)
    url = path_of(enrolment_url(enrolment=enrolment))

    page = client.get(url)
    assert "You are offered a place" in page.text
    assert Enrolment.objects.get().status == Enrolment.Status.OFFERED  # opening changes nothing

    response = client.post(url, {"action": "accept"}, follow=True)
    assert "You have a place on the course" in response.text
    assert Enrolment.objects.get().status == Enrolment.Status.ENROLLED

    response = client.post(url, {"action": "leave"}, follow=True)
    assert "You are not on this course" in response.text
    assert Enrolment.objects.get().status == Enrolment.Status.WITHDRAWN


def test_the_course_page_explains_a_bad_answer_and_refuses_a_forged_link(client):
    enrolment = refer(make_course())
    url = path_of(enrolment_url(enrolment=enrolment))
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 400
    assert "This offer is no longer open" in response.text
    assert client.post(url, {"action": "explode"}).status_code == 400
    assert client.get(url.replace("/course/", "/course/x")).status_code == 404
    assert Enrolment.objects.get().status == Enrolment.Status.REFERRED


def test_the_course_page_speaks_the_familys_language(client):
    enrolment = refer(make_course())
    Household.objects.update(language="da")
    page = client.get(path_of(enrolment_url(enrolment=enrolment)))
    assert 'lang="da"' in page.text


def test_the_librarian_sees_the_referral_link_and_can_revoke_it(client, link, make_librarian):
    course, partnership, url = link
    client.force_login(make_librarian(partnership.branch))
    change = reverse("admin:partners_partnership_change", args=[partnership.pk])
    assert url in client.get(change).text

    client.post(
        reverse("admin:partners_partnership_changelist"),
        {"action": "renew_referral_link", "_selected_action": [partnership.pk]},
    )

    assert client.get(url).status_code == 404
    partnership.refresh_from_db()
    assert path_of(referral_url(partnership=partnership)) in client.get(change).text


def test_referring_a_known_family_is_answered_as_a_new_one(client, link):
    """The referral form tells whoever types an address nothing about whether it is known
    (security test hole 4)."""
    course, _partnership, url = link
    new = client.post(url, referral_data(course))
    thanks_new = client.get(new.url).text

    again = client.post(url, referral_data(course))

    assert (again.status_code, again.url) == (new.status_code, new.url)
    assert "The family is referred" in client.get(again.url).text
    assert "The family is referred" in thanks_new
    assert Enrolment.objects.count() == 1
