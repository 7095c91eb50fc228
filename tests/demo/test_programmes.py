import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from partners.models import Partnership
from programmes.models import Branch, Programme, Room, Series, Session

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Branch, Room, Programme, Series, Session, Partnership)
    }


def test_load_demo_twice_changes_nothing():
    call_command("load_demo", stdout=None)
    first = counts()

    call_command("load_demo")

    assert counts() == first
    assert first["Session"] > 50


def test_demo_carries_the_seed_programmes():
    call_command("load_demo")

    babydans = Programme.objects.get(slug="babydans")
    assert (babydans.min_age_months, babydans.max_age_months) == (3, 12)
    sandvika = Session.objects.filter(programme=babydans, room__name="Luftslottet")
    assert sandvika.exists()
    assert Session.objects.filter(programme=babydans, room__branch__slug="bekkestua").exists()

    lektiecafe = Programme.objects.get(slug="lektiecafe")
    assert lektiecafe.booking_mode == Programme.BookingMode.DROP_IN
    assert (lektiecafe.min_grade, lektiecafe.max_grade) == (8, 10)
    series = Series.objects.get(programme=lektiecafe)
    assert series.weekdays == [0, 2, 3]
    assert (series.start_time.hour, series.end_time.hour) == (15, 18)
    assert Partnership.objects.filter(
        programme=lektiecafe, organisation__name="Red Barnet Ungdom"
    ).exists()

    club = Programme.objects.get(slug="smaabornsklub")
    assert club.booking_mode == Programme.BookingMode.COURSE
    assert club.capacity_unit == Programme.CapacityUnit.FAMILIES
    assert Partnership.objects.filter(programme=club, organisation__name="Red Barnet").exists()

    assert Programme.objects.filter(slug="legelordage").exists()
    assert list(babydans.next_programmes.values_list("slug", flat=True)) == [
        "legelordage",
        "rim-og-regler",
    ]


def test_demo_librarian_can_sign_in_and_works_in_baerum():
    call_command("load_demo")

    user = authenticate(
        RequestFactory().post("/accounts/login/"), username="baerum", password="familieliv"
    )

    assert user is not None
    assert user.is_staff
    assert not user.is_superuser
    assert set(user.branch_memberships.values_list("branch__slug", flat=True)) == {
        "sandvika",
        "bekkestua",
    }
