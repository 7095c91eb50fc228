"""The month calendar beside the week calendar, and both calendars for a librarian of more
than one branch: all their branches at once by default, or the ones they tick."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Booking
from operations.month import month_first
from programmes.models import Session
from tests.bookings.support import book
from tests.factories import BranchFactory, RoomFactory
from tests.operations.support import NOW, WEDNESDAY_11, household, session_at

pytestmark = pytest.mark.django_db

MONTH = reverse("admin:programmes_session_month")
WEEK = reverse("admin:programmes_session_week")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def two_branches(clock):
    """Sandvika: Babydans on Wednesday 25 November (booked 2 of 15, one family waiting) and
    on 2 December; Bekkestua: a session on 25 November; a third branch not the librarian's."""
    sandvika = BranchFactory(name="Sandvika")
    bekkestua = BranchFactory(name="Bekkestua")
    room = RoomFactory(branch=sandvika, name="Luftslottet")
    babydans = session_at(WEDNESDAY_11, room=room)
    book(babydans, household("anna@example.com"), children=("Ella", "Oskar"), direct=True)
    book(babydans, household("ole@example.com"), status=Booking.Status.WAITLISTED, direct=True)
    december = session_at(WEDNESDAY_11 + timedelta(weeks=1), room=room)
    cancelled = session_at(
        WEDNESDAY_11 + timedelta(days=2), room=room, status=Session.Status.CANCELLED
    )
    across = session_at(WEDNESDAY_11, room=RoomFactory(branch=bekkestua, name="Salen"))
    elsewhere = session_at(WEDNESDAY_11, room=RoomFactory(branch=BranchFactory(name="Vejle")))
    return {
        "sandvika": sandvika,
        "bekkestua": bekkestua,
        "babydans": babydans,
        "december": december,
        "cancelled": cancelled,
        "across": across,
        "elsewhere": elsewhere,
    }


def sessions_in(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-session="(\d+)"', page)}


def day_cell(page: str, day: str) -> str:
    found = re.search(rf'<td [^>]*data-day="{day}"[^>]*>(.*?)</td>', page, re.S)
    assert found, f"no cell for {day}"
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())


def test_the_month_shows_each_session_on_its_day(client, two_branches, make_librarian):
    client.force_login(make_librarian(two_branches["sandvika"]))

    page = client.get(MONTH, {"month": "2026-11"}).text

    assert '<h2 id="month-title">November 2026</h2>' in page
    assert "2 sessions this month." in page
    assert day_cell(page, "2026-11-25") == "25 11:00 Babydans 2/15 booked, 1 waiting"
    assert day_cell(page, "2026-11-27") == "27 11:00 Babydans Cancelled"
    assert (
        'href="{}"'.format(
            reverse("admin:programmes_session_change", args=[two_branches["babydans"].pk])
        )
        in page
    )
    # The weeks run Monday to Sunday; December's first days close the last week, unlisted.
    assert day_cell(page, "2026-11-23").startswith("23 today")
    assert day_cell(page, "2026-12-02") == "2"
    assert f"{WEEK}?branch={two_branches['sandvika'].pk}&amp;week=2026-W48" in page
    assert "?branch={}&amp;month=2026-10".format(two_branches["sandvika"].pk) in page
    assert "?branch={}&amp;month=2026-12".format(two_branches["sandvika"].pk) in page

    december = client.get(MONTH, {"month": "2026-12"}).text
    assert sessions_in(december) == {two_branches["december"].pk}


@pytest.mark.parametrize("month", ["", "soon", "2026-13", "2026-0", "99999-01", "0001-01"])
def test_a_month_that_cannot_be_read_shows_this_month(client, two_branches, make_librarian, month):
    client.force_login(make_librarian(two_branches["sandvika"]))

    response = client.get(MONTH, {"month": month})

    assert response.status_code == 200
    assert "November 2026" in response.text
    assert two_branches["babydans"].pk in sessions_in(response.text)


def test_month_first_reads_months():
    today = NOW.date()
    assert month_first("2027-02", today=today).isoformat() == "2027-02-01"
    assert month_first("2027-2", today=today).isoformat() == "2027-02-01"
    assert month_first("<script>", today=today).isoformat() == "2026-11-01"


@pytest.mark.parametrize("url", [MONTH, WEEK])
def test_a_librarian_of_two_branches_sees_both_at_once_or_the_ones_ticked(
    client, two_branches, make_librarian, url
):
    sandvika, bekkestua = two_branches["sandvika"], two_branches["bekkestua"]
    client.force_login(make_librarian(sandvika, bekkestua))
    ours = {two_branches["babydans"].pk, two_branches["across"].pk}

    both = client.get(url).text
    assert ours <= sessions_in(both)
    assert two_branches["elsewhere"].pk not in sessions_in(both)
    # Each branch a box to tick, both ticked; each session says where it is.
    for branch in (sandvika, bekkestua):
        assert f'name="branch" value="{branch.pk}" checked' in both
    assert "Vejle" not in both
    assert "Bekkestua" in both
    assert "Sandvika" in both

    one = client.get(url, {"branch": bekkestua.pk}).text
    assert two_branches["across"].pk in sessions_in(one)
    assert two_branches["babydans"].pk not in sessions_in(one)
    assert f'name="branch" value="{sandvika.pk}">' in one  # not ticked

    again = client.get(url, {"branch": [bekkestua.pk, sandvika.pk]}).text
    assert ours <= sessions_in(again)
    assert client.get(url, {"branch": two_branches["elsewhere"].room.branch_id}).status_code == 404


def test_the_week_of_two_branches_has_each_branchs_rooms(client, two_branches, make_librarian):
    client.force_login(make_librarian(two_branches["sandvika"], two_branches["bekkestua"]))

    page = client.get(WEEK).text

    assert "Week calendar: Bekkestua, Sandvika" in page
    rooms = re.findall(
        r'<span class="week-room-name">([^<]+)</span><span class="week-room-branch">([^<]+)</span>',
        page,
    )
    assert rooms == [("Salen", "Bekkestua"), ("Luftslottet", "Sandvika")]
    # Each branch's link keeps the choice when the week changes.
    sandvika, bekkestua = two_branches["sandvika"].pk, two_branches["bekkestua"].pk
    assert f"?branch={bekkestua}&amp;branch={sandvika}&amp;week=2026-W49" in page
    assert f"{MONTH}?branch={bekkestua}&amp;branch={sandvika}&amp;month=2026-11" in page


def test_the_month_costs_the_same_queries_for_a_quiet_and_a_busy_month(
    client, two_branches, make_librarian
):
    client.force_login(make_librarian(two_branches["sandvika"], two_branches["bekkestua"]))
    room = two_branches["babydans"].room

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(MONTH).status_code == 200
        return len(captured)

    queries()  # the first visit fills the admin's caches (content types)
    quiet = queries()
    for day in range(1, 20):
        session = session_at(NOW + timedelta(days=day, hours=5), room=room)
        book(session, household(f"family{day}@example.com"), direct=True)
    busy = queries()

    assert busy == quiet
    assert busy <= 12
