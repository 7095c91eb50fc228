"""Everything held about a household, and nothing about another: the one selector the
family's page, its download and the library's export all read."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from privacy.selectors import household_data
from privacy.services import EXPORT_JSON, household_data_export

pytestmark = pytest.mark.django_db


def test_the_export_holds_every_row_about_the_household(world):
    data = household_data(world.anna)

    assert data["household"] == {
        "id": world.anna.pk,
        "name": "Anna Berg",
        "email": "anna@example.com",
        "phone": "+47 900 00 001",
        "language": "da",
        "first_seen": data["household"]["first_seen"],
    }
    assert data["consents"]["privacy_notice_accepted_at"] is not None
    assert data["consents"]["wants_invitations"] is False
    assert {(c["first_name"], c["household_child"]) for c in data["children"]} == {
        ("Ella", True),
        ("Guest", False),
    }
    assert {b["id"] for b in data["bookings"]} == {b.pk for b in world.bookings["anna"]}
    past, waiting = data["bookings"]
    assert (past["status"], past["rating"], past["children"]) == ("confirmed", 4, ["Ella"])
    assert past["session"]["programme"] == "Babydans"
    assert past["session"]["branch"] == "Sandvika"
    assert (waiting["status"], waiting["place_in_line"]) == ("waitlisted", 1)
    assert sorted(waiting["children"]) == ["Ella", "Guest"]
    assert (past["name_given"], waiting["name_given"]) == ("", "Anna's sister")
    (enrolment,) = data["enrolments"]
    assert enrolment["programme"] == "Småbørnsklub"
    assert enrolment["branch"] == "Ballerup"
    assert enrolment["referral"] == {
        "referred_by": "Hanne Sund",
        "profession": "health_visitor",
        "profession_display": "Health visitor",
        "referrer_contact": "hanne@kommune.example",
        "referred_through": "",
        "languages_at_home": "Somali, Norwegian",
        "wishes": "Meet other parents",
    }
    assert [(a["session"]["id"], a["came"]) for a in data["attendance"]] == [
        (world.past.pk, True),
        (world.meeting.pk, True),
    ]
    assert [m["subject"] for m in data["messages"]] == [
        "Anna: booked",
        "Anna: a place on the club",
        "Anna: what comes next",
    ]
    assert data["messages"][0]["sent_at"] is not None


def test_the_export_holds_nothing_about_another_household(world):
    text = json.dumps(household_data(world.anna), cls=DjangoJSONEncoder, ensure_ascii=False)

    for other in ("Ben Olsen", "ben@example.com", "+47 900 00 002", "Noah", "Ben:"):
        assert other not in text
    # The other way round: Anna shares sessions with Ben, not her data.
    ben = household_data(world.ben)
    assert {b["id"] for b in ben["bookings"]} == {b.pk for b in world.bookings["ben"]}
    assert [(a["session"]["id"], a["came"]) for a in ben["attendance"]] == [(world.past.pk, False)]
    assert ben["enrolments"] == []
    assert [c["first_name"] for c in ben["children"]] == ["Noah"]
    assert [m["subject"] for m in ben["messages"]] == ["Ben: booked", "Ben: what comes next"]
    text = json.dumps(ben, cls=DjangoJSONEncoder, ensure_ascii=False)
    for other in ("Anna", "anna@example.com", "Ella", "Guest", "Hanne", "Somali"):
        assert other not in text


def test_times_are_in_the_branchs_own_time_zone(world):
    data = household_data(world.anna)

    sandvika = data["bookings"][0]["session"]["starts_at"]
    ballerup = data["attendance"][1]["session"]["starts_at"]
    # 10:00 UTC in January: 11:00 in Oslo and in Copenhagen, with its offset in the file.
    assert (sandvika.hour, str(sandvika.tzinfo)) == (11, "Europe/Oslo")
    assert str(ballerup.tzinfo) == "Europe/Copenhagen"
    assert json.dumps(sandvika, cls=DjangoJSONEncoder).endswith('+01:00"')


def test_an_export_is_recorded_and_listed_in_the_next_one(world):
    household_data_export(household=world.anna, by=None, form=EXPORT_JSON)

    (request,) = household_data(world.anna)["requests"]
    assert (request["what"], request["by"]) == ("export", "family")
    assert household_data(world.ben)["requests"] == []
