"""The volunteer's own page (a signed link, no password) and the calendar feed they
subscribe to: read with an independent iCalendar parser, it shows their shifts and follows
a shift that moves or is cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from operations.services import session_cancel, session_move
from volunteers.links import feed_url, page_url
from volunteers.models import Assignment, Onboarding, Shift
from volunteers.outreach import plan_volunteer_messages
from volunteers.services import assignment_propose_for_term, shifts_create_for_series

from .support import coordinator, lektiecafe_series, organisation, partnership_for, volunteer

pytestmark = pytest.mark.django_db

S = Assignment.Status
T0 = datetime(2027, 2, 1, 8, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sofie(clock):
    """Sofie was asked for four Wednesdays of Lektiecafé and has not answered yet."""
    org = organisation()
    mette = coordinator(org, "mette")
    series = lektiecafe_series(weekdays=(2,), weeks=4, first=date(2027, 2, 1))
    partnership = partnership_for(series, org, coordinators=[mette])
    shifts_create_for_series(series=series, partnership=partnership, required_count=2)
    first = Shift.objects.order_by("session__starts_at").first()
    person = volunteer(org, "Sofie Lund")
    Onboarding.objects.create(volunteer=person, partnership=partnership)
    assignment_propose_for_term(shift=first, volunteer=person)
    return person


def path(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def test_the_page_lists_every_coming_shift_and_confirms_all_weeks_at_once(client, sofie):
    url = path(page_url(volunteer=sofie))
    page = client.get(url).content.decode()
    assert page.count('data-testid="own-shift-') == 4
    assert "You have 4 shifts to answer." in page
    assert "Waiting for your answer" in page

    response = client.post(url, {"action": "confirm_all"}, follow=True)
    assert "Thank you! You have said yes to 4 shifts." in response.content.decode()
    assert set(sofie.assignments.values_list("status", flat=True)) == {S.CONFIRMED}


def test_the_page_speaks_the_volunteers_language(client, sofie):
    sofie.language = "da"
    sofie.save()
    page = client.get(path(page_url(volunteer=sofie))).content.decode()
    assert 'lang="da"' in page


def test_a_button_for_someone_elses_shift_is_not_found(client, sofie):
    other = volunteer(sofie.organisation, "Anna Bak")
    theirs = Assignment.objects.create(
        shift=Shift.objects.first(), volunteer=other, status=S.PROPOSED
    )
    response = client.post(
        path(page_url(volunteer=sofie)), {"action": "decline", "assignment": theirs.pk}
    )
    assert response.status_code == 404
    assert Assignment.objects.get(pk=theirs.pk).status == S.PROPOSED


def test_a_forged_or_renewed_link_is_not_found(client, sofie):
    assert client.get(reverse("volunteers:own_page", args=["not-a-token"])).status_code == 404
    url, feed = path(page_url(volunteer=sofie)), path(feed_url(volunteer=sofie))
    sofie.link_version += 1
    sofie.save()
    assert client.get(url).status_code == 404
    assert client.get(feed).status_code == 404


def test_the_volunteer_keeps_their_details_up_to_date_and_the_coordinator_sees_it(client, sofie):
    url = path(page_url(volunteer=sofie))
    response = client.post(
        url,
        {
            "action": "details",
            "email": "sofie.lund@example.com",
            "phone": "20 30 40 50",
            "language": "en",
            "times-TOTAL_FORMS": "2",
            "times-INITIAL_FORMS": "0",
            "times-0-weekday": "2",
            "times-0-starts_at": "14:00",
            "times-0-ends_at": "18:30",
            "times-1-weekday": "",
        },
    )
    assert response.status_code == 302
    sofie.refresh_from_db()
    assert sofie.phone.as_e164 == "+4520304050"
    assert sofie.email == "sofie.lund@example.com"
    assert [(a.weekday, a.ends_at.hour) for a in sofie.availability.all()] == [(2, 18)]
    # Named in the site's language, for the coordinator.
    assert sofie.changed_by_volunteer_at == T0
    assert "e-mail" in sofie.changed_by_volunteer or "e-mail" in sofie.changed_by_volunteer.lower()

    client.force_login(sofie.organisation.contacts.get().user)
    record = client.get(reverse("volunteers:volunteer_detail", args=[sofie.pk])).content.decode()
    assert "Changed by the volunteer on their own page" in record


def test_a_phone_that_is_no_number_is_refused_with_what_to_type(client, sofie):
    response = client.post(
        path(page_url(volunteer=sofie)),
        {
            "action": "details",
            "email": sofie.email,
            "phone": "not a phone ###",
            "language": "en",
            "times-TOTAL_FORMS": "0",
            "times-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "Enter a phone number we can call" in response.content.decode()


# -- the calendar feed ---------------------------------------------------------------------


def events(client, volunteer_) -> dict[str, dict]:
    """The feed as a calendar program reads it: each event's status, start and sequence
    by UID, parsed with the icalendar package."""
    response = client.get(path(feed_url(volunteer=volunteer_)))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["UID"]): {
            "status": str(event["STATUS"]),
            "start": event.decoded("DTSTART"),
            "sequence": int(event.get("SEQUENCE", 0)),
            "summary": str(event["SUMMARY"]),
        }
        for event in calendar.walk("VEVENT")
    }


def test_the_feed_shows_the_shifts_and_follows_a_move_and_a_cancellation(client, clock, sofie):
    before = events(client, sofie)
    assert len(before) == 4
    assert {e["status"] for e in before.values()} == {"TENTATIVE"}
    assert all(e["summary"] == "Homework helper: Lektiecafé" for e in before.values())
    # No link in a calendar that answers for her.
    feed = client.get(path(feed_url(volunteer=sofie))).content.decode()
    assert "/shift/" not in feed
    assert "/volunteer/" not in feed

    clock.shift(timedelta(hours=1))  # she answers an hour after she was asked
    client.post(path(page_url(volunteer=sofie)), {"action": "confirm_all"})
    confirmed = events(client, sofie)
    assert confirmed.keys() == before.keys()
    assert {e["status"] for e in confirmed.values()} == {"CONFIRMED"}
    assert all(confirmed[uid]["sequence"] > before[uid]["sequence"] for uid in before)

    second, third = Assignment.objects.order_by("shift__session__starts_at")[1:3]
    session = second.shift.session
    clock.shift(timedelta(hours=1))
    session_move(
        session_id=session.pk,
        starts_at=session.starts_at + timedelta(hours=1),
        ends_at=session.ends_at + timedelta(hours=1),
    )
    plan_volunteer_messages()
    session_cancel(session_id=third.shift.session_id, reason="The library is closed.")
    clock.shift(timedelta(hours=1))
    plan_volunteer_messages()

    after = events(client, sofie)
    moved = next(uid for uid in after if uid.startswith(f"shift-{second.shift_id}-"))
    cancelled = next(uid for uid in after if uid.startswith(f"shift-{third.shift_id}-"))
    assert after[moved]["start"] == session.local_start + timedelta(hours=1)
    assert after[moved]["sequence"] > confirmed[moved]["sequence"]
    assert after[cancelled]["status"] == "CANCELLED"
    assert after[cancelled]["sequence"] > confirmed[cancelled]["sequence"]
    untouched = set(after) - {moved, cancelled}
    assert all(after[uid] == confirmed[uid] for uid in untouched)
