"""The week calendar of a branch in the admin: rooms through the week, each session a block
at its time with its places; the librarian's branches only; bad input shows this week; a
fixed number of queries."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Booking
from operations.week import week_calendar
from programmes.models import Programme, Session
from programmes.weeks import week_monday
from tests.bookings.support import book
from tests.factories import BranchFactory, ProgrammeFactory, RoomFactory
from tests.operations.support import NOW, THIS_WEEK, WEDNESDAY_11, household, session_at

pytestmark = pytest.mark.django_db

URL = reverse("admin:programmes_session_week")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sandvika(clock):
    """Two rooms at the branch: Babydans on Wednesday, a Lektiecafé and a cancelled
    session on Monday; next week's session and another branch's stay out of this week."""
    branch = BranchFactory(name="Sandvika")
    luftslottet = RoomFactory(branch=branch, name="Luftslottet")
    verkstedet = RoomFactory(branch=branch, name="Verkstedet")
    babydans = session_at(WEDNESDAY_11, room=luftslottet, capacity=15)
    book(babydans, household("anna@example.com"), children=("Ella", "Oskar"), direct=True)
    book(babydans, household("ole@example.com"), status=Booking.Status.WAITLISTED, direct=True)
    lektiecafe = session_at(
        NOW + timedelta(hours=6),  # Monday 15:00
        hours=3,
        room=verkstedet,
        programme=ProgrammeFactory(name="Lektiecafé", booking_mode=Programme.BookingMode.DROP_IN),
    )
    cancelled = session_at(
        NOW + timedelta(hours=1),  # Monday 10:00
        room=luftslottet,
        status=Session.Status.CANCELLED,
        programme=ProgrammeFactory(name="Eventyrstund"),
    )
    session_at(WEDNESDAY_11 + timedelta(weeks=1), room=luftslottet)
    session_at(WEDNESDAY_11, room=RoomFactory(name="Elsewhere"))
    return branch, {"babydans": babydans, "lektiecafe": lektiecafe, "cancelled": cancelled}


def block(page: str, session: Session) -> str:
    match = re.search(rf'<a [^>]*data-session="{session.pk}"[^>]*>.*?</a>', page, re.S)
    assert match, f"no block for session {session.pk}"
    return match[0]


def blocks_in(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-session="(\d+)"', page)}


def placement(response, session: Session) -> str:
    """The CSS rule that places the session's block, from the page's <style> element that
    carries the nonce its Content-Security-Policy allows (no style attribute may do it)."""
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce, "the policy allows no <style> element of this page"
    style = re.search(rf'<style nonce="{re.escape(nonce[1])}">(.*?)</style>', response.text, re.S)
    assert style, "no <style> element with the policy's nonce"
    rule = re.search(rf"#week-block-{session.pk} {{([^}}]*)}}", style[1])
    assert rule, f"no placement for session {session.pk}"
    return rule[1].strip()


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_calendar_shows_each_session_in_its_room_and_day_at_its_time(
    client, sandvika, make_librarian
):
    branch, sessions = sandvika
    client.force_login(make_librarian(branch))

    response = client.get(URL, {"branch": branch.pk, "week": THIS_WEEK})
    page = response.text

    assert blocks_in(page) == {s.pk for s in sessions.values()}
    assert "Week 48: 23 November 2026 – 29 November 2026" in page
    babydans = block(page, sessions["babydans"])
    assert text_of(babydans) == "11:00–12:00 Babydans 2/15 booked, 1 waiting"
    # 11:00 is two hours below the 09:00 top of the day, 60 pixels an hour.
    assert f'id="week-block-{sessions["babydans"].pk}"' in babydans
    assert placement(response, sessions["babydans"]) == (
        "top: 120px; height: 60px; left: 0.000%; width: 100.000%;"
    )
    assert text_of(block(page, sessions["lektiecafe"])) == "15:00–18:00 Lektiecafé Drop-in"
    cancelled = block(page, sessions["cancelled"])
    assert "is-cancelled" in cancelled
    assert text_of(cancelled) == "10:00–11:00 Eventyrstund Cancelled"
    change = reverse("admin:programmes_session_change", args=[sessions["babydans"].pk])
    assert f'href="{change}"' in babydans
    # Rooms are rows; the Wednesday block sits in Luftslottet's fourth cell (Mon = first).
    luftslottet_row = page.split("Luftslottet", 1)[1].split("</tr>", 1)[0]
    cells = luftslottet_row.split('<td class="week-cell')[1:]
    assert f'data-session="{sessions["babydans"].pk}"' in cells[2]
    assert f'data-session="{sessions["cancelled"].pk}"' in cells[0]


def test_the_calendar_moves_week_by_week(client, sandvika, make_librarian):
    branch, sessions = sandvika
    client.force_login(make_librarian(branch))

    this_week = client.get(URL).text
    assert f"?branch={branch.pk}&amp;week=2026-W47" in this_week
    assert f"?branch={branch.pk}&amp;week=2026-W49" in this_week
    assert ">This week<" not in this_week

    next_week = client.get(URL, {"branch": branch.pk, "week": "2026-W49"}).text
    assert len(blocks_in(next_week)) == 1
    assert sessions["babydans"].pk not in blocks_in(next_week)
    assert f"?branch={branch.pk}&amp;week=2026-W48" in next_week
    assert "This week" in next_week


@pytest.mark.parametrize(
    "week", ["", "soon", "2026-W60", "2026-48", "9999999-W01", "0001-W01", "9999-W52"]
)
def test_a_week_that_cannot_be_read_shows_this_week(client, sandvika, make_librarian, week):
    branch, sessions = sandvika
    client.force_login(make_librarian(branch))

    response = client.get(URL, {"branch": branch.pk, "week": week})

    assert response.status_code == 200
    assert "Week 48:" in response.text
    assert sessions["babydans"].pk in blocks_in(response.text)


def test_a_librarian_sees_and_picks_only_their_own_branches(client, sandvika, make_librarian):
    branch, sessions = sandvika
    other = BranchFactory(name="Bekkestua")
    RoomFactory(branch=other, name="Salen")
    client.force_login(make_librarian(branch))

    page = client.get(URL, {"branch": "not-a-number"}).text
    assert sessions["babydans"].pk in blocks_in(page)  # the librarian's first branch
    assert "Sandvika" in page
    assert "Bekkestua" not in page
    assert client.get(URL, {"branch": other.pk}).status_code == 404


def test_a_librarian_without_a_branch_is_told_so(client, clock, make_librarian):
    client.force_login(make_librarian())

    page = client.get(URL)

    assert page.status_code == 200
    assert "You do not work at any branch yet" in page.text


def test_a_superuser_chooses_among_all_branches(client, sandvika):
    branch, _sessions = sandvika
    BranchFactory(name="Bekkestua")
    client.force_login(
        get_user_model().objects.create_superuser(username="root", password="pw-for-tests")
    )

    page = client.get(URL, {"branch": branch.pk}).text

    assert "Bekkestua" in page
    assert "Sandvika" in page


def test_the_session_list_links_to_the_week_calendar(client, sandvika, make_librarian):
    branch, _sessions = sandvika
    client.force_login(make_librarian(branch))

    page = client.get(reverse("admin:programmes_session_changelist")).text

    assert f'href="{URL}"' in page


def test_the_calendar_costs_the_same_queries_for_a_quiet_and_a_busy_week(
    client, sandvika, make_librarian
):
    branch, _sessions = sandvika
    client.force_login(make_librarian(branch))
    room = branch.rooms.get(name="Verkstedet")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"branch": branch.pk}).status_code == 200
        return len(captured)

    queries()  # the first visit fills the admin's caches (content types)
    quiet = queries()
    for day in range(1, 7):
        session = session_at(NOW + timedelta(days=day, hours=1), room=room)
        book(session, household(f"family{day}@example.com"), direct=True)
    busy = queries()

    assert busy == quiet
    assert busy <= 12


def test_overlapping_blocks_in_one_room_share_the_width(sandvika):
    """A cancelled session frees its room: the one that took its place sits beside it."""
    branch, sessions = sandvika
    cancelled = sessions["cancelled"]
    replacement = session_at(cancelled.starts_at, room=cancelled.room)

    calendar = week_calendar(branches=[branch], monday=date(2026, 11, 23), today=date(2026, 11, 23))

    (luftslottet,) = [r for r in calendar.rooms if r.room.name == "Luftslottet"]
    monday = {b.session.pk: (b.left, b.width) for b in luftslottet.days[0]}
    assert monday == {cancelled.pk: ("0.000%", "50.000%"), replacement.pk: ("50.000%", "50.000%")}


def test_week_monday_reads_iso_weeks_and_falls_back_to_this_week():
    today = date(2026, 11, 26)
    assert week_monday("2026-W48", today=today) == date(2026, 11, 23)
    assert week_monday("2027-W01", today=today) == date(2027, 1, 4)
    assert week_monday("2026-W53", today=today) == date(2026, 12, 28)  # 2026 has 53 weeks
    assert week_monday("2025-W53", today=today) == date(2026, 11, 23)  # 2025 has 52
    assert week_monday("<script>", today=today) == date(2026, 11, 23)
