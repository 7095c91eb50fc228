"""The privacy notices say what the installation does: who is responsible for each library,
how long each kind of data is kept (from the settings), the rights, where to complain; for
families and for volunteers, in Danish, Norwegian and English."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import Outbox
from privacy.notices import controller_name
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    PartnerOrganisationFactory,
    PartnershipFactory,
    VolunteerFactory,
)
from volunteers.links import shift_url
from volunteers.services import volunteer_join

pytestmark = pytest.mark.django_db

FAMILIES = "/privacy/"
VOLUNTEERS = "/privacy/volunteers/"


def text_of(response) -> str:
    """The page's main content as a reader sees it: no tags, one space between words."""
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


def sentences(response) -> set[str]:
    """Each heading, paragraph, list item and caption of the main content, as text."""
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    blocks = re.findall(r"<(h[1-3]|p|li|caption)\b[^>]*>(.*?)</\1>", main, re.DOTALL)
    found = {
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", b))).strip() for _, b in blocks
    }
    return {text for text in found if text}


@pytest.fixture
def libraries():
    return {
        "aarhus": BranchFactory(
            name="Aarhus Hovedbiblioteket", municipality="Aarhus", time_zone="Europe/Copenhagen"
        ),
        "sandvika": BranchFactory(
            name="Bærum bibliotek Sandvika", municipality="Bærum", time_zone="Europe/Oslo"
        ),
    }


# -- the families' notice ------------------------------------------------------------------


def test_the_families_notice_names_each_librarys_municipality_as_controller(client, libraries):
    text = text_of(client.get(FAMILIES))

    assert "Aarhus Hovedbiblioteket Aarhus Municipality" in text
    assert "Bærum bibliotek Sandvika Bærum Municipality" in text


def test_the_controller_is_named_in_the_readers_language_unless_it_names_itself():
    with translation.override("da"):
        assert controller_name("Aarhus") == "Aarhus Kommune"
    with translation.override("nb"):
        assert controller_name("Bærum") == "Bærum kommune"
    with translation.override("en"):
        assert controller_name("Ballerup Kommune") == "Ballerup Kommune"


def test_each_librarys_country_has_its_authority_to_complain_to(client, libraries):
    text = text_of(client.get(FAMILIES))

    assert "Denmark: Datatilsynet, www.datatilsynet.dk" in text
    assert "Norway: Datatilsynet, www.datatilsynet.no" in text


def test_an_installation_in_norway_only_names_the_norwegian_authority(client):
    BranchFactory(municipality="Bærum", time_zone="Europe/Oslo")

    text = text_of(client.get(FAMILIES))

    assert "www.datatilsynet.no" in text
    assert "datatilsynet.dk" not in text


def test_the_families_notice_states_each_retention_period_from_the_settings(client, libraries):
    text = text_of(client.get(FAMILIES))
    assert "When 24 months have passed since your last booking, course or visit" in text
    assert "90 days after we send you an e-mail, we delete its subject, its text" in text

    with override_settings(HOUSEHOLD_RETENTION_MONTHS=18, OUTBOX_BODY_RETENTION_DAYS=30):
        text = text_of(client.get(FAMILIES))
    assert "When 18 months have passed since your last booking, course or visit" in text
    assert "30 days after we send you an e-mail, we delete" in text
    assert "24 months" not in text
    assert "90 days" not in text

    with override_settings(HOUSEHOLD_RETENTION_MONTHS=1, OUTBOX_BODY_RETENTION_DAYS=1):
        text = text_of(client.get(FAMILIES))
    assert "When 1 month has passed" in text
    assert "1 day after we send you an e-mail, we delete" in text


def test_the_families_notice_states_what_is_kept_why_and_on_what_basis(client, libraries):
    text = text_of(client.get(FAMILIES))

    for kept in (
        "your children's first names and birth months",
        "places on a waitlist",
        "A family that comes without booking can be added at the door",
        "pupils are only counted, by school grade",
        "who referred you",
        "the languages spoken at home",
        "your answer, from 1 to 5, is kept with the booking",
        "We keep a copy of each e-mail we send you",
    ):
        assert kept in text
    assert "Legal basis: the library's public task (GDPR article 6(1)(e))." in text
    assert "Legal basis: your consent (GDPR article 6(1)(a))." in text
    # The promise the software never kept is gone: it now says what the family page does.
    assert "Ask the library to see or delete your details at any time" not in text


def test_the_families_notice_lists_the_rights_and_the_family_page(client, libraries):
    text = text_of(client.get(FAMILIES))

    assert (
        "You have the right to see the data we keep about you and get a copy of it, to have "
        "it corrected, and to have it erased. You can also object to how we use it" in text
    )
    assert "On your family page you can do most of this yourself" in text
    assert "with the link in any e-mail from us" in text
    assert "Where to complain" in text


def test_the_municipalitys_contact_and_officer_are_shown_when_configured(client, libraries):
    text = text_of(client.get(FAMILIES))
    assert "You can also write to the municipality" not in text
    assert "whom you can reach through the municipality" in text

    with override_settings(
        DATA_CONTROLLER_EMAIL="persondata@aarhus.dk",
        DATA_CONTROLLER_ADDRESS="Rådhuspladsen 2\n8000 Aarhus C",
        DATA_PROTECTION_OFFICER_EMAIL="dpo@aarhus.dk",
    ):
        response = client.get(FAMILIES)
    page, text = response.content.decode(), text_of(response)
    assert "You can also write to the municipality about your data:" in text
    assert 'href="mailto:persondata@aarhus.dk"' in page
    assert "Rådhuspladsen 2<br>8000 Aarhus C" in page
    assert "The municipality's data protection officer: dpo@aarhus.dk" in text
    assert 'href="mailto:dpo@aarhus.dk"' in page
    assert "whom you can reach through the municipality" not in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "da",
            [
                "Privatlivspolitik for familier",
                "dataansvarlig",
                "databeskyttelsesforordningen",
                "Datatilsynet",
                "Aarhus Kommune",
                "24 måneder",
                "90 dage",
                "Dine rettigheder",
            ],
        ),
        (
            "nb",
            [
                "Personvernerklæring for familier",
                "behandlingsansvarlig",
                "personvernforordningen",
                "Datatilsynet",
                "Bærum kommune",
                "24 måneder",
                "90 dager",
                "Rettighetene dine",
            ],
        ),
    ],
)
def test_the_families_notice_reads_in_danish_and_norwegian(client, libraries, language, words):
    english = client.get(FAMILIES)
    translated = client.get(f"/{language}{FAMILIES}")

    text = text_of(translated)
    for word in words:
        assert word in text
    # No heading, paragraph or list item left in English.
    assert len(sentences(english)) > 20
    assert sentences(english) & sentences(translated) == set()


# -- the volunteers' notice ----------------------------------------------------------------


@pytest.fixture
def partners(libraries):
    today = timezone.localdate()
    ungdom = PartnerOrganisationFactory(name="Red Barnet Ungdom")
    PartnershipFactory(organisation=ungdom, branch=libraries["aarhus"])
    # Ended: its volunteers help there no more.
    PartnershipFactory(
        organisation=PartnerOrganisationFactory(name="Gone Before"),
        branch=libraries["sandvika"],
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=1),
    )
    return ungdom


def test_the_volunteers_notice_names_each_organisation_and_its_librarys_controller(
    client, partners
):
    text = text_of(client.get(VOLUNTEERS))

    assert "Red Barnet Ungdom Aarhus Hovedbiblioteket Aarhus Municipality" in text
    assert "Gone Before" not in text
    assert "Denmark: Datatilsynet, www.datatilsynet.dk" in text
    assert "the organisation you volunteer with, which recruited you" in text


def test_the_volunteers_notice_states_what_is_kept_and_never_the_certificate(client, partners):
    text = text_of(client.get(VOLUNTEERS))

    for kept in (
        "Your name, e-mail address and phone number",
        "The languages you speak, what you can help with",
        "when you are usually free",
        "when and by whom it was checked, and until when it is valid",
        "Your shifts: which ones you were asked to",
    ):
        assert kept in text
    assert "We never keep the certificate itself." in text
    assert "except your phone number, your e-mail address and your organisation's notes" in text


def test_the_volunteers_notice_states_the_retention_from_the_settings(client, partners):
    text = text_of(client.get(VOLUNTEERS))
    assert "24 months later we delete your name, contact details" in text

    with override_settings(VOLUNTEER_RETENTION_MONTHS=6, OUTBOX_BODY_RETENTION_DAYS=45):
        text = text_of(client.get(VOLUNTEERS))
    assert "6 months later we delete your name, contact details" in text
    assert "45 days after we send you an e-mail, we delete" in text
    assert "24 months" not in text


def test_the_volunteers_notice_lists_the_rights(client, partners):
    text = text_of(client.get(VOLUNTEERS))

    assert "You have the right to see the data we keep about you" in text
    assert "You can also object to how we use it" in text
    assert "Ask your coordinator, or the library's contact person" in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "da",
            [
                "Privatlivspolitik for frivillige",
                "dataansvarlige",
                "databeskyttelsesforordningen",
                "Datatilsynet",
                "24 måneder",
                "Dine rettigheder",
            ],
        ),
        (
            "nb",
            [
                "Personvernerklæring for frivillige",
                "behandlingsansvarlige",
                "personvernforordningen",
                "Datatilsynet",
                "24 måneder",
                "Rettighetene dine",
            ],
        ),
    ],
)
def test_the_volunteers_notice_reads_in_danish_and_norwegian(client, partners, language, words):
    english = client.get(VOLUNTEERS)
    translated = client.get(f"/{language}{VOLUNTEERS}")

    text = text_of(translated)
    for word in words:
        assert word in text
    # No heading, paragraph or list item left in English.
    assert len(sentences(english)) > 20
    assert sentences(english) & sentences(translated) == set()


# -- where people find them ----------------------------------------------------------------


def test_every_page_links_the_families_notice(client):
    assert f'href="{FAMILIES}"' in client.get(reverse("bookings:home")).content.decode()
    assert 'href="/nb/privacy/"' in client.get("/nb/").content.decode()


def test_the_notices_link_each_other(client, libraries):
    assert f'href="{VOLUNTEERS}"' in client.get(FAMILIES).content.decode()
    assert f'href="{FAMILIES}"' in client.get(VOLUNTEERS).content.decode()


def test_a_volunteers_shift_page_links_their_notice(client):
    assignment = AssignmentFactory()

    page = client.get(shift_url(assignment=assignment)).content.decode()

    assert f'href="{VOLUNTEERS}"' in page


def test_the_welcome_message_links_the_volunteers_notice_in_their_language():
    partnership = PartnershipFactory(starts_on=date(2020, 1, 1))
    volunteer = VolunteerFactory(organisation=partnership.organisation, language="nb")

    volunteer_join(volunteer=volunteer, partnership=partnership)

    welcome = Outbox.objects.get(kind="volunteer_welcome")
    assert "/nb/privacy/volunteers/" in welcome.body_text
    assert '/nb/privacy/volunteers/">' in welcome.body_html
