"""Another library's staff contacts cannot be read or edited (security test hole 3): the
library's own contact persons belong to a branch, a partner's to its organisation, and a
librarian reaches only those of their branches and their branches' partners."""

import pytest
from django.urls import reverse

from partners.models import ContactPerson, Partnership
from tests.factories import BranchFactory, ContactPersonFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def baerums_contact():
    """The library contact of Sandvika, on no partnership yet (as the demo's)."""
    return ContactPersonFactory(
        organisation=None, branch=BranchFactory(name="Sandvika"), email="ingrid@baerum.no"
    )


def test_another_branchs_contact_cannot_be_changed(client, make_librarian, baerums_contact):
    client.force_login(make_librarian(BranchFactory(name="Aarhus"), username="aarhus"))
    url = reverse("admin:partners_contactperson_change", args=[baerums_contact.pk])

    opened = client.get(url)
    sent = client.post(
        url,
        {
            "name": baerums_contact.name,
            "email": "attacker@example.com",
            "language": "en",
            "title": "",
            "phone": "",
        },
    )

    assert opened.status_code == sent.status_code == 302  # not found: back to the list
    baerums_contact.refresh_from_db()
    assert baerums_contact.email == "ingrid@baerum.no"
    listed = client.get(reverse("admin:partners_contactperson_changelist")).text
    assert "ingrid@baerum.no" not in listed


def test_the_branchs_own_librarian_changes_it(client, make_librarian, baerums_contact):
    client.force_login(make_librarian(baerums_contact.branch))
    url = reverse("admin:partners_contactperson_change", args=[baerums_contact.pk])

    client.post(
        url,
        {"name": "Ingrid Solheim", "email": "ingrid.solheim@baerum.no", "language": "nb"},
    )

    assert ContactPerson.objects.get(pk=baerums_contact.pk).email == "ingrid.solheim@baerum.no"


def test_a_librarian_cannot_open_another_partners_people_by_partnering_with_it(
    client, make_librarian
):
    """A partnership with a partner that works only elsewhere would open that partner's
    coordinators and volunteers to the librarian: they choose among their branches'
    partners; a new partner's first partnership is a superuser's to make."""
    aarhus, ballerup = BranchFactory(name="Aarhus"), BranchFactory(name="Ballerup")
    theirs = PartnershipFactory(branch=ballerup)
    their_coordinator = ContactPersonFactory(organisation=theirs.organisation)
    client.force_login(make_librarian(aarhus))

    response = client.post(
        reverse("admin:partners_partnership_add"),
        {
            "organisation": theirs.organisation_id,
            "programme": theirs.programme_id,
            "branch": aarhus.pk,
            "starts_on": "2026-01-01",
            "cancel_cutoff_hours": 24,
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Partnership.objects.filter(branch=aarhus).exists()
    opened = client.get(reverse("admin:partners_contactperson_change", args=[their_coordinator.pk]))
    assert opened.status_code == 302  # still not theirs to see
