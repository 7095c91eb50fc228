"""The family's data pages behind its signed link: see, download, correct, erase."""

import json

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from bookings.models import Booking
from households.links import manage_token
from households.models import Household
from privacy import services
from privacy.audit import household_trail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reads_english(client):
    """Anna's pages speak her Danish (common.web.speak_to) unless the visitor picks
    another language with the switcher: these tests read English, so they pick it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def url(name, household, *args):
    return reverse(f"privacy:{name}", args=[manage_token(household=household), *args])


def events(household):
    return [
        (e.additional_data["event"], e.additional_data["by"]) for e in household_trail(household.pk)
    ]


def test_the_family_page_leads_to_the_data(client, world):
    page = client.get(reverse("bookings:manage", args=[manage_token(household=world.anna)]))

    assert url("data", world.anna) in page.text


def test_the_data_page_shows_everything_held_and_is_recorded(client, world):
    page = client.get(url("data", world.anna))

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    for shown in (
        "Anna Berg",
        "anna@example.com",
        "+47 900 00 001",
        "Ella",
        "Guest",
        "Babydans",
        "Luftslottet",
        "number 1 in line",
        "Småbørnsklub",
        "Hanne Sund",
        "Meet other parents",
        "Anna: a place on the club",
    ):
        assert shown in page.text, shown
    for hidden in ("Ben Olsen", "Noah", "Ben: booked"):
        assert hidden not in page.text
    assert events(world.anna) == [("export", "family")]


def test_the_data_page_shows_dates_as_the_language_writes_them(client, world):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    # Whatever language the link was made in, the page speaks Anna's Danish.
    with translation.override("en"):
        link = url("data", world.anna)
    page = client.get(link)

    # The Sandvika session on 13 January 2030, 11:00 in Oslo, written the Danish way.
    assert "13. januar 2030, 11:00" in page.text
    assert "Dine data" in page.text


def test_the_download_is_a_json_file_never_cached(client, world):
    response = client.get(url("download", world.anna))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="familieliv-data-{world.anna.pk}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["household"]["email"] == "anna@example.com"
    assert {b["id"] for b in data["bookings"]} == {b.pk for b in world.bookings["anna"]}
    assert "Ben Olsen" not in response.content.decode()
    assert events(world.anna) == [("export", "family")]


@pytest.mark.parametrize("name", ["data", "download", "correct", "erase"])
def test_a_broken_link_opens_nothing(client, world, name):
    token = manage_token(household=world.anna)
    broken = reverse(f"privacy:{name}", args=[token[:-2] + "xx"])

    assert client.get(broken).status_code == 404
    assert not household_trail(world.anna.pk).exists()


def test_a_correction_is_saved_and_shown(client, world):
    response = client.post(
        url("correct", world.anna),
        {"name": "Anna Lie", "phone": "", f"child_{world.ella.pk}": "Elle"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == url("data", world.anna)
    assert "Your corrections are saved." in response.text
    assert "Anna Lie" in response.text
    assert "Elle" in response.text
    world.anna.refresh_from_db()
    assert (world.anna.name, world.anna.phone) == ("Anna Lie", "")
    assert ("correction", "family") in events(world.anna)


def test_the_correction_form_offers_only_the_households_own_children(client, world):
    page = client.get(url("correct", world.anna))

    assert page.status_code == 200
    assert 'value="Anna Berg"' in page.text
    assert f'name="child_{world.ella.pk}"' in page.text
    assert f'name="child_{world.guest.pk}"' not in page.text
    # A field for another child, added by hand, is ignored.
    client.post(
        url("correct", world.anna),
        {"name": "Anna Berg", f"child_{world.ella.pk}": "Ella", f"child_{world.noah.pk}": "X"},
    )
    world.noah.refresh_from_db()
    assert world.noah.first_name == "Noah"


def test_bad_input_keeps_what_was_typed_and_changes_nothing(client, world):
    response = client.post(
        url("correct", world.anna),
        {"name": "  ", "phone": "+47 911 11 111", f"child_{world.ella.pk}": "Elle"},
    )

    assert response.status_code == 400
    assert "This field is required." in response.text
    assert 'value="+47 911 11 111"' in response.text
    assert 'value="Elle"' in response.text
    world.anna.refresh_from_db()
    world.ella.refresh_from_db()
    assert (world.anna.name, world.ella.first_name) == ("Anna Berg", "Ella")
    assert not household_trail(world.anna.pk).exists()


def test_a_missing_child_name_is_asked_for(client, world):
    response = client.post(
        url("correct", world.anna), {"name": "Anna", f"child_{world.ella.pk}": ""}
    )

    assert response.status_code == 400
    assert "This field is required." in response.text


def test_erasing_asks_first_and_says_what_will_happen(client, world):
    page = client.get(url("erase", world.anna))

    assert page.status_code == 200
    for said in (
        "Your bookings still to come are cancelled",
        "Your places go to the next families in line",
        "one last e-mail",
        "anonymous numbers",
        "This cannot be undone.",
    ):
        assert said in page.text
    assert 'method="post"' in page.text
    assert Household.objects.get(pk=world.anna.pk).anonymised_at is None
    assert not household_trail(world.anna.pk).exists()


@pytest.fixture
def stand_in_erase(monkeypatch):
    """The erasure's own work stands in for itself here (it has tests of its own): the
    household is marked anonymised, as the real one does last."""
    erased = []

    def household_erase(*, household_id, now=None):
        erased.append(household_id)
        Household.objects.filter(pk=household_id).update(anonymised_at=now or "2030-01-20T09:00Z")

    monkeypatch.setattr(services, "household_erase", household_erase)
    return erased


def test_confirming_erases_records_and_shows_the_confirmation(client, world, stand_in_erase):
    data_url, manage_url = (
        url("data", world.anna),
        reverse("bookings:manage", args=[manage_token(household=world.anna)]),
    )

    response = client.post(url("erase", world.anna), follow=True)

    assert stand_in_erase == [world.anna.pk]
    assert response.redirect_chain == [(reverse("privacy:erased"), 302)]
    assert "Your data is erased" in response.text
    assert "Anna" not in response.text
    assert events(world.anna) == [("erasure", "family")]
    # The link opens nothing personal any more.
    assert client.get(data_url).status_code == 404
    assert client.get(manage_url).status_code == 404
    assert client.post(url("erase", world.anna)).status_code == 404


def test_an_erasure_already_done_is_not_done_twice(world, stand_in_erase):
    services.household_data_erase(household_id=world.anna.pk, by=None)

    with pytest.raises(services.PrivacyError, match="already been erased"):
        services.household_data_erase(household_id=world.anna.pk, by=None)
    assert stand_in_erase == [world.anna.pk]


def test_an_erased_familys_places_go_to_the_next_in_line(
    client, world, django_capture_on_commit_callbacks
):
    """Ben's coming booking is cancelled and Anna, waiting, gets the place and is told; Ben
    gets a last message; his name and address are gone, his past booking stays for the
    figures."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("erase", world.ben))

    assert response.status_code == 302
    ben = Household.objects.get(pk=world.ben.pk)
    assert ben.anonymised_at is not None
    assert "Ben" not in ben.name
    assert ben.email != "ben@example.com"
    assert ben.phone == ""
    world.noah.refresh_from_db()
    assert world.noah.first_name != "Noah"
    statuses = dict(ben.bookings.values_list("session_id", "status"))
    assert statuses[world.coming.pk] == Booking.Status.CANCELLED
    assert world.past.pk in statuses
    assert Booking.objects.get(session=world.coming, household=world.anna).status == "confirmed"
    assert any(m.to == ["ben@example.com"] for m in mail.outbox)
    assert any(m.to == ["anna@example.com"] for m in mail.outbox)
    assert events(ben) == [("erasure", "family")]
