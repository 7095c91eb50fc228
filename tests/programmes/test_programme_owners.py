"""A programme belongs to the branches that run it (security test hole 2): a librarian
changes or unpublishes it only when all its branches are theirs, and sees the rest
read-only; any library may still point its family path to it."""

import pytest
from django.urls import reverse

from programmes.models import Programme
from tests.factories import BranchFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def libraries():
    sandvika, bekkestua, ballerup = (BranchFactory(name=n) for n in ("S", "B", "Ballerup"))
    legelordage = ProgrammeFactory(name="Legelørdage", is_published=True)
    legelordage.owners.set([ballerup])
    babydans = ProgrammeFactory(name="Babydans")
    babydans.owners.set([sandvika, bekkestua])
    return sandvika, bekkestua, ballerup, legelordage, babydans


def change_data(programme: Programme, **overrides) -> dict:
    owners = overrides.pop("owners", None)
    data = {
        "name": programme.name,
        "slug": programme.slug,
        "kind": programme.kind,
        "summary": "",
        "description": "",
        "owners": owners if owners is not None else [b.pk for b in programme.owners.all()],
        "audience_basis": programme.audience_basis,
        "min_age_months": programme.min_age_months,
        "max_age_months": programme.max_age_months,
        "min_grade": "",
        "max_grade": "",
        "booking_mode": programme.booking_mode,
        "capacity_unit": programme.capacity_unit,
        "default_capacity": programme.default_capacity,
        "price_text": "",
        "reminder_lead_hours": programme.reminder_lead_hours,
        "strategy_track": "",
        "goals": [],
        "next_programmes": [],
    }
    return {**data, **overrides}


def test_another_librarys_programme_cannot_be_unpublished(client, make_librarian, libraries):
    sandvika, bekkestua, _ballerup, legelordage, _babydans = libraries
    client.force_login(make_librarian(sandvika, bekkestua, username="baerum"))
    url = reverse("admin:programmes_programme_change", args=[legelordage.pk])

    response = client.post(url, change_data(legelordage))  # no is_published: unpublish

    assert response.status_code == 403
    legelordage.refresh_from_db()
    assert legelordage.is_published


def test_another_librarys_programme_is_shown_read_only(client, make_librarian, libraries):
    sandvika, bekkestua, _ballerup, legelordage, _babydans = libraries
    client.force_login(make_librarian(sandvika, bekkestua))

    page = client.get(reverse("admin:programmes_programme_change", args=[legelordage.pk]))

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert "Legelørdage" in page.text


def test_a_librarian_of_every_owner_changes_the_programme(client, make_librarian, libraries):
    sandvika, bekkestua, _ballerup, _legelordage, babydans = libraries
    client.force_login(make_librarian(sandvika, bekkestua))
    url = reverse("admin:programmes_programme_change", args=[babydans.pk])

    response = client.post(url, change_data(babydans, summary="Dance with your baby"))

    assert response.status_code == 302
    babydans.refresh_from_db()
    assert babydans.summary == "Dance with your baby"


def test_a_programme_two_libraries_run_is_read_only_for_one(client, make_librarian, libraries):
    sandvika, _bekkestua, _ballerup, _legelordage, babydans = libraries
    client.force_login(make_librarian(sandvika))
    url = reverse("admin:programmes_programme_change", args=[babydans.pk])

    assert client.post(url, change_data(babydans, summary="Mine now")).status_code == 403


def test_a_new_programme_is_run_by_the_librarians_own_branch(client, make_librarian, libraries):
    sandvika, _bekkestua, ballerup, legelordage, _babydans = libraries
    client.force_login(make_librarian(sandvika))
    url = reverse("admin:programmes_programme_add")
    new = ProgrammeFactory.build(name="Eventyrstund", slug="eventyrstund")

    someone_elses = client.post(url, change_data(new, owners=[ballerup.pk]))
    nobodys = client.post(url, change_data(new, owners=[]))
    # The family path may lead to another library's programme.
    mine = client.post(
        url, change_data(new, owners=[sandvika.pk], next_programmes=[legelordage.pk])
    )

    assert someone_elses.status_code == nobodys.status_code == 200  # the form says why
    assert mine.status_code == 302
    created = Programme.objects.get(slug="eventyrstund")
    assert list(created.owners.all()) == [sandvika]
    assert list(created.next_programmes.all()) == [legelordage]
