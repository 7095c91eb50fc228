"""The family corrects its name, phone and its own children's first names: all or nothing,
with a clear reason when refused, and recorded without the values."""

import json

import pytest

from households.models import Child
from households.services import HouseholdError, household_correct
from privacy.audit import household_trail
from privacy.services import household_data_correct

pytestmark = pytest.mark.django_db


def test_a_correction_changes_what_was_asked_and_says_which_fields(world):
    changed = household_correct(
        household=world.anna,
        name="  Anna Berg-Lie ",
        phone="+47 900 00 009",
        child_names={world.ella.pk: "Elle"},
    )

    world.anna.refresh_from_db()
    world.ella.refresh_from_db()
    assert (world.anna.name, world.anna.phone, world.ella.first_name) == (
        "Anna Berg-Lie",
        "+47 900 00 009",
        "Elle",
    )
    assert changed == ["name", "phone", f"child:{world.ella.pk}"]


def test_nothing_changed_is_nothing_recorded(world):
    changed = household_data_correct(
        household=world.anna,
        by=None,
        name="Anna Berg",
        phone="+47 900 00 001",
        child_names={world.ella.pk: "Ella"},
    )

    assert changed == []
    assert not household_trail(world.anna.pk).exists()


def test_the_trail_names_the_fields_never_the_values(world):
    household_data_correct(
        household=world.anna,
        by=None,
        name="Anna Lie",
        phone="",
        child_names={world.ella.pk: "Elle"},
    )

    (entry,) = household_trail(world.anna.pk)
    assert entry.additional_data == {
        "event": "correction",
        "by": "family",
        "fields": ["name", "phone", f"child:{world.ella.pk}"],
    }
    stored = json.dumps(
        [entry.object_repr, entry.changes_text, entry.changes, entry.additional_data]
    )
    for personal in ("Anna", "Berg", "Lie", "Elle", "Ella", "900", "anna@"):
        assert personal not in stored


@pytest.mark.parametrize(
    ("name", "phone", "reason"),
    [
        ("   ", "", "Please write the parent's name."),
        ("A" * 121, "", "The name or the phone number is too long."),
        ("Anna", "1" * 31, "The name or the phone number is too long."),
    ],
)
def test_bad_contact_details_change_nothing(world, name, phone, reason):
    with pytest.raises(HouseholdError, match=reason):
        household_correct(
            household=world.anna, name=name, phone=phone, child_names={world.ella.pk: "Elle"}
        )

    world.anna.refresh_from_db()
    assert (world.anna.name, world.anna.phone) == ("Anna Berg", "+47 900 00 001")
    assert Child.objects.get(pk=world.ella.pk).first_name == "Ella"


@pytest.mark.parametrize("child", ["noah", "guest"])
def test_only_the_households_own_children_are_renamed(world, child):
    """Another household's child, or one only on a booking's party (typed into the public
    form for this address by anyone), is not this household's to rename."""
    other = getattr(world, child)

    with pytest.raises(HouseholdError, match="Only your own children"):
        household_correct(
            household=world.anna, name="Anna Lie", phone="", child_names={other.pk: "Renamed"}
        )

    assert Child.objects.get(pk=other.pk).first_name == other.first_name
    world.anna.refresh_from_db()
    assert world.anna.name == "Anna Berg"


def test_an_empty_child_name_is_refused(world):
    with pytest.raises(HouseholdError, match="each child's first name"):
        household_correct(
            household=world.anna, name="Anna", phone="", child_names={world.ella.pk: " "}
        )


def test_twins_may_swap_names_but_not_share_one(world):
    sara = Child.objects.create(
        household=world.anna, first_name="Sara", birth_month=world.ella.birth_month
    )

    with pytest.raises(HouseholdError, match="same name and birth month"):
        household_correct(
            household=world.anna,
            name="Anna",
            phone="",
            child_names={world.ella.pk: "Sara", sara.pk: "Sara"},
        )
    household_correct(
        household=world.anna,
        name="Anna",
        phone="",
        child_names={world.ella.pk: "Sara", sara.pk: "Ella"},
    )

    assert Child.objects.get(pk=world.ella.pk).first_name == "Sara"
    assert Child.objects.get(pk=sara.pk).first_name == "Ella"
