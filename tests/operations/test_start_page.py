"""The librarian's start page at the top of the admin's index: today's sessions and the next
seven days' at their branches (places, waitlist, check-in and participant links), and what
needs them (a session over capacity, a message that could not be sent, referrals waiting);
only their branches; a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from bookings.models import Booking
from courses.models import Enrolment
from notifications.models import Outbox
from operations.start import start_page
from programmes.models import Programme, Session
from tests.bookings.support import book
from tests.factories import (
    BranchFactory,
    CourseFactory,
    EnrolmentFactory,
    OutboxFactory,
    ProgrammeFactory,
    RoomFactory,
)
from tests.operations.support import NOW, household, session_at

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _branch_world(name: str) -> dict:
    """A branch's Monday (today, 09:00): Babydans at 11:00 (two places booked of 15, one
    family waiting), a Lektiecafé at 15:00, Babydans on Thursday with more booked than it
    now holds, a session in ten days; a failed message to a family, a referral waiting."""
    branch = BranchFactory(name=name)
    room = RoomFactory(branch=branch, name=f"{name} room")
    today = session_at(NOW + timedelta(hours=2), room=room)
    book(today, household(f"anna@{name}.example"), children=("Ella", "Oskar"), direct=True)
    book(
        today,
        household(f"ole@{name}.example"),
        status=Booking.Status.WAITLISTED,
        direct=True,
    )
    drop_in = session_at(
        NOW + timedelta(hours=6),
        hours=3,
        room=room,
        programme=ProgrammeFactory(name="Lektiecafé", drop_in=True),
    )
    thursday = session_at(NOW + timedelta(days=3, hours=2), room=room, capacity=4)
    for n in range(3):
        book(thursday, household(f"f{n}@{name}.example"), children=("A", "B"), direct=True)
    later = session_at(NOW + timedelta(days=10), room=room)
    failed = OutboxFactory(
        status=Outbox.Status.FAILED,
        reference=f"booking:{today.bookings.first().pk}",
        recipient=f"anna@{name}.example",
        subject="Your booking",
    )
    course = CourseFactory(series__room=room, series__programme__name=f"Club {name}")
    referral = EnrolmentFactory(
        course=course, status=Enrolment.Status.REFERRED, household__name=f"Nora {name}"
    )
    return {
        "branch": branch,
        "today": today,
        "drop_in": drop_in,
        "thursday": thursday,
        "later": later,
        "failed": failed,
        "referral": referral,
    }


@pytest.fixture
def sandvika(clock):
    return _branch_world("Sandvika")


@pytest.fixture
def bekkestua(clock):
    return _branch_world("Bekkestua")


def section(page: str, name: str) -> str:
    found = re.search(
        rf'<div class="start-{name} module" id="start-{name}">(.*?)</div>', page, re.S
    )
    assert found, f"no {name} section"
    return found[1]


def row(page: str, session: Session) -> str:
    found = re.search(rf'<tr [^>]*data-session="{session.pk}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row for session {session.pk}"
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())


def test_today_and_the_coming_days_at_the_librarians_branch(client, sandvika, make_librarian):
    client.force_login(make_librarian(sandvika["branch"]))

    page = client.get(INDEX).text

    today = section(page, "today")
    assert "Today, Monday 23 November 2026" in today
    assert row(today, sandvika["today"]) == (
        "11:00–12:00 Babydans Sandvika room 2/15 1 Check-in · Participants"
    )
    assert row(today, sandvika["drop_in"]) == (
        "15:00–18:00 Lektiecafé Sandvika room Drop-in Head count · Participants"
    )
    for link in (
        reverse("attendance:check_in", args=[sandvika["today"].pk]),
        reverse("attendance:head_count", args=[sandvika["drop_in"].pk]),
        reverse("admin:programmes_session_participants", args=[sandvika["today"].pk]),
        reverse("admin:programmes_session_change", args=[sandvika["today"].pk]),
    ):
        assert f'href="{link}"' in today
    coming = section(page, "coming")
    assert "Thursday 26 November 2026" in coming
    # Check-in opens on the day: the coming days link to the participant list only.
    assert (
        row(coming, sandvika["thursday"]) == "11:00–12:00 Babydans Sandvika room 6/4 0 Participants"
    )
    assert f'data-session="{sandvika["later"].pk}"' not in page


def test_what_needs_the_librarian(client, sandvika, make_librarian):
    client.force_login(make_librarian(sandvika["branch"]))

    attention = section(client.get(INDEX).text, "attention")

    thursday = sandvika["thursday"]
    assert (
        f'<a href="{reverse("admin:programmes_session_change", args=[thursday.pk])}">'
        "Babydans, Sandvika, Thursday 26 Nov 2026 11:00</a>"
    ) in attention
    assert "6 places booked, but it has 4." in attention
    booking = sandvika["failed"].reference.split(":")[1]
    assert f'href="{reverse("admin:bookings_booking_change", args=[booking])}"' in attention
    assert "A message to anna@Sandvika.example could not be sent" in attention
    assert "“Your booking”" in attention
    assert "1 family referred to a course is waiting for you to offer a place." in attention
    assert "Nora Sandvika" in attention
    assert f'href="{reverse("admin:courses_enrolment_changelist")}?status__exact=referred"' in (
        attention
    )


def test_only_the_librarians_branches_and_a_superuser_sees_all(
    client, sandvika, bekkestua, make_librarian
):
    client.force_login(make_librarian(sandvika["branch"]))
    page = client.get(INDEX).text
    for world, shown in ((sandvika, True), (bekkestua, False)):
        for key in ("today", "drop_in", "thursday"):
            assert (f'data-session="{world[key].pk}"' in page) is shown
        assert (world["failed"].recipient in page) is shown
        assert (f"Nora {world['branch'].name}" in page) is shown

    client.force_login(get_user_model().objects.create_superuser("root", password="pw-for-tests"))
    page = client.get(INDEX).text
    for world in (sandvika, bekkestua):
        assert f'data-session="{world["today"].pk}"' in page
        assert world["failed"].recipient in page
    assert "2 families referred to a course are waiting" in page


def test_messages_not_to_families_or_long_ago_need_nobody(client, sandvika, make_librarian):
    Outbox.objects.all().delete()
    OutboxFactory(status=Outbox.Status.FAILED, reference="volunteer:1", recipient="v@example.org")
    OutboxFactory(status=Outbox.Status.SENT, reference=sandvika["failed"].reference)
    with time_machine.travel(NOW - timedelta(days=45), tick=False):
        OutboxFactory(
            status=Outbox.Status.FAILED,
            reference=sandvika["failed"].reference,
            recipient="old@example.org",
        )
    client.force_login(make_librarian(sandvika["branch"]))

    attention = section(client.get(INDEX).text, "attention")

    assert "could not be sent" not in attention


def test_a_calm_day_says_so(client, clock, make_librarian):
    branch = BranchFactory()
    client.force_login(make_librarian(branch))

    page = client.get(INDEX).text

    assert "Nothing needs you right now." in section(page, "attention")
    assert "No sessions today at your branches." in section(page, "today")
    assert "No sessions in the next seven days at your branches." in section(page, "coming")


def test_a_librarian_without_a_branch_is_told_so(client, clock, make_librarian):
    client.force_login(make_librarian())

    page = client.get(INDEX).text

    assert "You do not work at any branch yet" in page


def test_the_start_page_costs_the_same_queries_for_a_quiet_and_a_busy_week(
    client, sandvika, make_librarian, django_assert_max_num_queries
):
    librarian = make_librarian(sandvika["branch"])
    client.force_login(librarian)
    client.get(INDEX)  # the first visit fills the admin's caches (content types)

    with django_assert_max_num_queries(7) as quiet:
        start_page(user=librarian, now=NOW)
    with django_assert_max_num_queries(20) as page:
        client.get(INDEX)
    room = sandvika["today"].room
    busy_programme = ProgrammeFactory(booking_mode=Programme.BookingMode.BOOKING)
    for day in range(7):
        session = session_at(
            NOW + timedelta(days=day, hours=4), room=room, programme=busy_programme
        )
        for n in range(3):
            book(session, household(f"busy{day}-{n}@example.com"), direct=True)
        EnrolmentFactory(course=sandvika["referral"].course, status=Enrolment.Status.REFERRED)
        OutboxFactory(
            status=Outbox.Status.FAILED, reference=f"booking:{session.bookings.first().pk}"
        )

    with django_assert_max_num_queries(len(quiet.captured_queries)):
        busy = start_page(user=librarian, now=NOW)
    with django_assert_max_num_queries(len(page.captured_queries)):
        client.get(INDEX)
    assert len(busy.today_sessions) == 3
    assert busy.referral_count == 8
    assert len(busy.referrals) == 8
    assert len(busy.failed_messages) == 8
