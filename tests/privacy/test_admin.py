"""The library acts on a family's request in the admin: librarians of a branch where the
household booked, was enrolled or came find it by e-mail, read, export and erase it; a
librarian of another branch finds nothing, not even by address; only a superuser reads
the audit trail."""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from households.models import Household
from privacy import services
from privacy.audit import household_trail
from tests.factories import AttendanceFactory, BranchFactory, SessionFactory

pytestmark = pytest.mark.django_db


def admin_url(name, household=None):
    args = [household.pk] if household is not None else []
    return reverse(f"admin:households_household_{name}", args=args)


def listed(client, **query):
    response = client.get(admin_url("changelist"), query)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "pw")


@pytest.fixture
def stand_in_erase(monkeypatch):
    erased = []

    def household_erase(*, household_id, now=None):
        erased.append(household_id)
        Household.objects.filter(pk=household_id).update(anonymised_at="2030-01-20T09:00Z")

    monkeypatch.setattr(services, "household_erase", household_erase)
    return erased


def test_a_librarian_finds_the_households_of_their_branch_by_email(client, world, make_librarian):
    client.force_login(make_librarian(world.sandvika))

    assert listed(client) == {world.anna, world.ben}
    assert listed(client, q="ben@example.com") == {world.ben}


def test_a_household_is_found_where_it_was_enrolled_or_came(client, world, make_librarian):
    """Anna never booked at Ballerup: she was referred to its club and came to a meeting."""
    client.force_login(make_librarian(world.ballerup))

    assert listed(client) == {world.anna}
    assert client.get(admin_url("change", world.anna)).status_code == 200


def test_a_household_that_only_came_is_found_there(client, world, make_librarian):
    """A walk-in recorded at the door of another branch's session: no booking there."""
    elsewhere = BranchFactory(name="Bekkestua")
    AttendanceFactory(session=SessionFactory(room__branch=elsewhere), household=world.ben)
    client.force_login(make_librarian(elsewhere))

    assert listed(client) == {world.ben}


def test_a_librarian_of_another_branch_finds_nothing(client, world, make_librarian):
    client.force_login(make_librarian(BranchFactory(name="Aarhus")))

    assert listed(client, q="anna@example.com") == set()
    for name in ("change", "data", "data_download", "erase"):
        response = client.get(admin_url(name, world.anna))
        assert response.status_code in (302, 404), name
        assert "Anna" not in response.text
    assert client.post(admin_url("erase", world.anna)).status_code == 404
    assert Household.objects.get(pk=world.anna.pk).anonymised_at is None
    assert not household_trail(world.anna.pk).exists()


def test_the_list_cannot_be_filtered_by_a_hidden_lookup(client, world, make_librarian):
    client.force_login(make_librarian(world.sandvika))

    response = client.get(admin_url("changelist"), {"phone__startswith": "+47"})

    assert response.status_code == 400


def test_a_librarian_reads_but_does_not_edit_a_household(client, world, make_librarian):
    client.force_login(make_librarian(world.sandvika))

    page = client.get(admin_url("change", world.anna))
    client.post(admin_url("change", world.anna), {"name": "Changed", "email": "x@example.com"})

    assert 'name="_save"' not in page.text
    assert "Anna Berg" in page.text
    assert Household.objects.get(pk=world.anna.pk).name == "Anna Berg"
    assert admin_url("data", world.anna) in page.text
    assert admin_url("erase", world.anna) in page.text
    # The audit trail is the superuser's.
    assert reverse("admin:auditlog_logentry_changelist") not in page.text


def test_the_library_exports_the_same_data_and_it_is_recorded(client, world, make_librarian):
    librarian = make_librarian(world.sandvika, username="kari")
    client.force_login(librarian)

    page = client.get(admin_url("data", world.anna))
    download = client.get(admin_url("data_download", world.anna))

    assert page.status_code == 200
    for shown in ("Anna Berg", "Guest", "Hanne Sund", "Anna: booked"):
        assert shown in page.text
    assert "Ben Olsen" not in page.text
    assert download["Content-Type"] == "application/json; charset=utf-8"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download["Cache-Control"]
    assert json.loads(download.content)["household"]["id"] == world.anna.pk
    trail = list(household_trail(world.anna.pk))
    assert [(e.additional_data["event"], e.additional_data["form"], e.actor) for e in trail] == [
        ("export", "page", librarian),
        ("export", "json", librarian),
    ]


def test_the_library_erases_after_a_confirmation(client, world, make_librarian, stand_in_erase):
    librarian = make_librarian(world.sandvika)
    client.force_login(librarian)

    confirm = client.get(admin_url("erase", world.anna))
    assert confirm.status_code == 200
    assert "This cannot be undone." in confirm.text
    assert stand_in_erase == []

    response = client.post(admin_url("erase", world.anna), follow=True)

    assert stand_in_erase == [world.anna.pk]
    assert "personal data is erased" in response.text
    (entry,) = household_trail(world.anna.pk)
    assert (entry.additional_data["event"], entry.actor) == ("erasure", librarian)
    assert entry.object_repr == f"household #{world.anna.pk}"
    # Once erased, there is no second erasure to offer.
    page = client.get(admin_url("change", world.anna))
    assert admin_url("erase", world.anna) not in page.text
    again = client.post(admin_url("erase", world.anna), follow=True)
    assert "already been erased" in again.text
    assert stand_in_erase == [world.anna.pk]


def test_a_staff_member_without_the_librarian_role_cannot_erase(client, world):
    user = get_user_model().objects.create_user("visitor", password="pw", is_staff=True)
    client.force_login(user)

    assert client.get(admin_url("data", world.anna)).status_code in (403, 404)
    assert client.post(admin_url("erase", world.anna)).status_code in (403, 404)
    assert Household.objects.get(pk=world.anna.pk).anonymised_at is None


def test_a_superuser_sees_every_household_and_reads_the_trail(
    client, world, superuser, make_librarian, stand_in_erase
):
    services.household_data_erase(household_id=world.ben.pk, by=None)
    client.force_login(superuser)

    assert listed(client) == {world.anna, world.ben}
    trail = client.get(reverse("admin:auditlog_logentry_changelist"), {"event": "erasure"})
    assert trail.status_code == 200
    assert list(trail.context["cl"].result_list) == list(household_trail(world.ben.pk))
    assert "the family, through its link" in trail.text
    assert "Data erased" in trail.text
    found = client.get(reverse("admin:auditlog_logentry_changelist"), {"q": str(world.ben.pk)})
    assert found.context["cl"].result_count == 1


def test_a_librarian_cannot_read_the_trail(client, world, make_librarian):
    services.household_data_export(household=world.anna, by=None, form="json")
    client.force_login(make_librarian(world.sandvika))
    entry = LogEntry.objects.get()

    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 403
    assert client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).status_code in (
        302,
        403,
    )
    assert (
        reverse("admin:auditlog_logentry_changelist") not in client.get(reverse("admin:index")).text
    )
