"""Each public page describes itself to search engines, in its language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


def description(response) -> str:
    found = re.search(r'<meta name="description" content="([^"]*)">', response.content.decode())
    assert found, "the page has a description"
    return found.group(1)


@pytest.fixture
def session():
    programme = ProgrammeFactory(
        name="Babydans", slug="babydans", description="Dance with your baby to calm music."
    )
    return SessionFactory(programme=programme, room__branch__name="Sandvika")


def test_the_main_public_pages_describe_themselves(client, session):
    home = description(client.get(reverse("bookings:home")))
    listing = description(client.get(reverse("bookings:sessions")))
    programme = description(client.get(reverse("bookings:programme", args=["babydans"])))
    on_session = description(client.get(reverse("bookings:session", args=[session.pk])))

    assert home.startswith("Dance with your baby, get help with homework")
    assert listing.startswith("Free family activities at the public library")
    assert programme == "Dance with your baby to calm music."
    assert on_session.startswith("Babydans at Sandvika on ")


def test_a_programme_without_a_text_still_has_a_description(client):
    ProgrammeFactory(name="Lektiecafé", slug="lektiecafe", description="")

    assert description(client.get(reverse("bookings:programme", args=["lektiecafe"]))) == (
        "Lektiecafé at the library: see the sessions and book a place."
    )


def test_the_description_speaks_the_pages_language(client, session):
    with translation.override("nb"):
        url = reverse("bookings:session", args=[session.pk])

    assert description(client.get(url)).startswith("Babydans på Sandvika ")
