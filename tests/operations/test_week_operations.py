"""Running the week: walk-ins at the door, a whole series cancelled, a session moved, a
message to everyone booked, and a session's page in the admin (figures, participant list,
CSV), each as the librarian, the families and the volunteers notice it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import Attendance
from attendance.selectors import check_in_list
from attendance.services import AttendanceError, attendance_walk_in
from bookings.models import Booking
from courses.services import enrolment_accept, enrolment_offer
from households.services import ChildInput
from notifications.models import Outbox
from operations.services import (
    SessionChangeError,
    series_cancel,
    session_cancel,
    session_message_all,
    session_move,
)
from programmes.models import Programme, Session
from programmes.services import series_generate_sessions
from tests.bookings.support import book
from tests.courses.support import make_course, refer
from tests.factories import BranchFactory, ProgrammeFactory, RoomFactory, SeriesFactory
from tests.operations.support import (
    BABY_BORN,
    NOW,
    WEDNESDAY_11,
    babydans,
    household,
    ics_of,
    sent_to,
    session_at,
)
from tests.volunteers.support import (
    lektiecafe_series,
    organisation,
    partnership_for,
    shifts_for,
    volunteer,
)
from volunteers.outreach import plan_volunteer_messages
from volunteers.services import assignment_confirm, assignment_propose

pytestmark = pytest.mark.django_db

ELLA = ChildInput(first_name="Ella", birth_month=BABY_BORN)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def today_session(clock):
    """Babydans today at 11:00 in Oslo, one place, already taken by Anna."""
    session = session_at(NOW + timedelta(hours=2), capacity=1)
    book(session, household("anna@example.com", "Anna Hansen"), direct=True)
    return session


def walk_in(session, email="sara@example.com", **kwargs):
    return attendance_walk_in(
        session=session,
        name=kwargs.pop("name", "Sara Lund"),
        email=email,
        language="en",
        children=kwargs.pop("children", [ELLA]),
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


# -- walk-ins --------------------------------------------------------------------------------


def test_a_walk_in_family_is_added_and_checked_in_even_when_the_session_is_full(
    today_session, make_librarian
):
    helper = make_librarian(today_session.room.branch)

    booking = walk_in(today_session, adults=2, by=helper)

    assert booking.status == Booking.Status.CONFIRMED
    assert booking.walk_in
    assert booking.places == 1
    assert [child.first_name for child in booking.children.all()] == ["Ella"]
    attendance = Attendance.objects.get(session=today_session, household=booking.household)
    assert attendance.attended
    assert attendance.recorded_by == helper
    # They are in the room: the list has them, ticked, beside the family who booked.
    rows = {row.name: row.attended for row in check_in_list(session=today_session)}
    assert rows == {"Anna Hansen": None, "Sara Lund": True}
    assert not Outbox.objects.exists()  # nothing to confirm to a family standing there


def test_a_family_already_booked_is_only_ticked_as_came(today_session):
    booking = walk_in(today_session, email=" ANNA@example.com ", name="Somebody Else")

    assert Booking.objects.filter(session=today_session).count() == 1
    assert not booking.walk_in
    assert Attendance.objects.get(session=today_session, household=booking.household).attended


def test_a_waitlisted_family_who_came_gets_the_place(today_session):
    waiting = book(
        today_session, household("ole@example.com"), status=Booking.Status.WAITLISTED, direct=True
    )

    walk_in(today_session, email="ole@example.com")

    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert waiting.walk_in  # came without a place: the figures count them as a walk-in
    assert Booking.objects.filter(session=today_session).count() == 2


def test_a_known_e_mail_without_a_booking_here_comes_with_its_own_party_and_the_family_is_left(
    today_session,
):
    known = household("mette@example.com", "Mette Dal")

    booking = walk_in(today_session, email=" Mette@Example.com ", name="Somebody Else")

    known.refresh_from_db()
    assert known.name == "Mette Dal"
    assert not known.children.exists()  # Ella is this party's, not the household's
    assert booking.household == known
    assert booking.walk_in
    assert [c.first_name for c in booking.children.all()] == ["Ella"]
    assert booking.name_given == "Somebody Else"
    assert Attendance.objects.get(household=known).attended


def test_walk_ins_are_added_on_the_day_at_booked_sessions_only(clock):
    tomorrow = session_at(NOW + timedelta(days=1))
    with pytest.raises(AttendanceError, match="check families in on the day"):
        walk_in(tomorrow)

    drop_in = session_at(
        NOW + timedelta(hours=1),
        programme=ProgrammeFactory(booking_mode=Programme.BookingMode.DROP_IN),
    )
    with pytest.raises(AttendanceError, match="sessions with booking only"):
        walk_in(drop_in)
    assert not Booking.objects.exists()


def walk_in_form(**overrides):
    data = {
        "walk_in": "yes",
        "name": "Sara Lund",
        "email": "sara@example.com",
        "language": "en",
        "adults": "1",
        "told_privacy": "on",
        "children-TOTAL_FORMS": "2",
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "1",
        "children-MAX_NUM_FORMS": "6",
        "children-0-first_name": "Ella",
        "children-0-birth_month": "5",
        "children-0-birth_year": "2026",
    }
    data.update(overrides)
    return data


def test_a_helper_adds_a_walk_in_on_the_phone_check_in_page(client, today_session, make_librarian):
    client.force_login(make_librarian(today_session.room.branch))
    url = reverse("attendance:check_in", args=[today_session.pk])
    assert "Add a family who came without booking" in client.get(url).text

    refused = client.post(url, walk_in_form(told_privacy=""))
    assert refused.status_code == 400
    assert "Tell the family about the privacy notice first." in refused.text
    assert not Booking.objects.filter(walk_in=True).exists()

    added = client.post(url, walk_in_form(), follow=True)

    page = added.text
    assert "Sara Lund is on the list and checked in." in page
    assert "1 of 2 families came" in page
    assert Booking.objects.get(walk_in=True).household.email == "sara@example.com"


def test_the_check_in_page_never_shows_the_name_stored_for_a_typed_e_mail(
    client, today_session, make_librarian
):
    client.force_login(make_librarian(today_session.room.branch))
    url = reverse("attendance:check_in", args=[today_session.pk])

    # Anna is booked: typing her e-mail ticks her, and says the name typed, not hers.
    ticked = client.post(
        url, walk_in_form(email="anna@example.com", name="Somebody Else"), follow=True
    )
    assert "Somebody Else is on the list and checked in." in ticked.text
    assert "Anna Hansen is on the list" not in ticked.text

    # Mette is known but not booked here: the same answer as for an address never seen, and
    # the list shows the name typed.
    household("mette@example.com", "Mette Dal")
    known = client.post(
        url, walk_in_form(email="mette@example.com", name="Somebody Else"), follow=True
    )
    assert "Somebody Else is on the list and checked in." in known.text
    assert "Mette Dal" not in known.text
    new = client.post(url, walk_in_form(email="nobody@example.com", name="Other One"), follow=True)
    assert "Other One is on the list and checked in." in new.text


# -- a whole series cancelled ----------------------------------------------------------------


@pytest.fixture
def wednesdays(clock):
    """Babydans on four Wednesdays at 11:00 from 18 November: the first already held."""
    series = SeriesFactory(
        programme=babydans(),
        weekdays=[2],
        start_date=date(2026, 11, 18),
        end_date=date(2026, 12, 9),
    )
    series_generate_sessions(series=series)
    return series


def test_cancelling_a_series_cancels_its_coming_sessions_and_tells_each_family(wednesdays):
    held, coming, *later = wednesdays.sessions.order_by("starts_at")
    book(held, household("held@example.com"), direct=True)
    book(coming, household("anna@example.com"), direct=True)
    book(coming, household("ole@example.com"), status=Booking.Status.WAITLISTED, direct=True)
    book(later[0], household("anna2@example.com"), direct=True)

    result = series_cancel(
        series_id=wednesdays.pk, reason="  The room is being renovated.  ", now=NOW
    )

    assert (result.sessions, result.told) == (3, 3)
    statuses = dict(wednesdays.sessions.values_list("pk", "status"))
    assert statuses[held.pk] == Session.Status.SCHEDULED
    assert {statuses[s.pk] for s in [coming, *later]} == {Session.Status.CANCELLED}
    assert Session.objects.get(pk=coming.pk).cancellation_reason == "The room is being renovated."
    for email in ("anna@example.com", "ole@example.com", "anna2@example.com"):
        (told,) = sent_to(email)
        assert told.subject.startswith("Cancelled: ")
        assert "The room is being renovated." in told.body
        assert "STATUS:CANCELLED" in ics_of(told)
    assert sent_to("held@example.com") == []


def test_a_series_is_not_cancelled_without_a_reason(wednesdays):
    with pytest.raises(SessionChangeError, match="Give a reason"):
        series_cancel(series_id=wednesdays.pk, reason="   ", now=NOW)

    assert not wednesdays.sessions.filter(status=Session.Status.CANCELLED).exists()


def test_the_volunteers_of_a_cancelled_series_are_told_by_their_planner(clock):
    series = lektiecafe_series(weekdays=(0,), weeks=2)
    partnership = partnership_for(series, organisation())
    shift = shifts_for(series, partnership)[0]
    sofie = volunteer(partnership.organisation, "Sofie Lund")
    assignment_confirm(assignment=assignment_propose(shift=shift, volunteer=sofie))

    series_cancel(series_id=series.pk, reason="The library is closed for repairs.", now=NOW)
    plan_volunteer_messages(now=NOW)

    told = [m for m in sent_to("sofie@example.com") if m.subject.startswith("Cancelled")]
    assert len(told) == 1
    assert "STATUS:CANCELLED" in ics_of(told[0])


def test_the_series_action_asks_for_a_reason_before_cancelling(client, wednesdays, make_librarian):
    book(wednesdays.sessions.order_by("starts_at")[1], household("anna@example.com"), direct=True)
    client.force_login(make_librarian(wednesdays.room.branch))
    url = reverse("admin:programmes_series_changelist")
    chosen = {"action": "cancel_coming_sessions", "_selected_action": [wednesdays.pk]}

    asked = client.post(url, chosen)
    assert asked.status_code == 200
    assert "3 coming sessions" in asked.text
    assert "1 booking on them will be told." in asked.text
    assert not wednesdays.sessions.filter(status=Session.Status.CANCELLED).exists()

    blank = client.post(url, {**chosen, "apply": "yes", "reason": " "})
    assert "Give a reason: the families are told it." in blank.text
    assert not wednesdays.sessions.filter(status=Session.Status.CANCELLED).exists()

    done = client.post(url, {**chosen, "apply": "yes", "reason": "Flooding."}, follow=True)
    assert "3 coming sessions cancelled; 1 message to a family about it." in done.text
    assert wednesdays.sessions.filter(status=Session.Status.CANCELLED).count() == 3


# -- a session moved -------------------------------------------------------------------------


@pytest.fixture
def wednesday(clock):
    return session_at(WEDNESDAY_11, capacity=15)


def test_a_moved_session_keeps_its_bookings_and_tells_each_family_the_new_time(wednesday):
    anna = book(wednesday, household("anna@example.com"), direct=True)
    ole = book(
        wednesday, household("ole@example.com"), status=Booking.Status.WAITLISTED, direct=True
    )
    gone = book(
        wednesday, household("gone@example.com"), status=Booking.Status.CANCELLED, direct=True
    )
    thursday_12 = WEDNESDAY_11 + timedelta(days=1, hours=1)

    told = session_move(
        session_id=wednesday.pk,
        starts_at=thursday_12,
        ends_at=thursday_12 + timedelta(hours=1),
        now=NOW,
    )

    assert told == 2
    wednesday.refresh_from_db()
    assert wednesday.starts_at == thursday_12
    anna.refresh_from_db()
    ole.refresh_from_db()
    assert (anna.status, ole.status) == (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED)
    (message,) = sent_to("anna@example.com")
    assert message.subject == "New time: Babydans is now Thursday 26 November 2026 at 12:00"
    assert "Thursday 26 November 2026, 12:00–13:00" in message.body
    assert "Before, it was Wednesday 25 November 2026 at 11:00." in message.body
    assert "Your place is kept: you do not need to do anything." in message.body
    ics = ics_of(message)
    # The same event as in the confirmation, at its new time and newer, so calendars move it.
    assert f"UID:session-{wednesday.pk}-booking-{anna.pk}@familieliv" in ics
    assert "DTSTART;TZID=Europe/Oslo:20261126T120000" in ics
    assert "SEQUENCE:1" in ics  # the first change told: higher than the confirmation's 0
    assert "METHOD:REQUEST" in ics
    (waiting,) = sent_to("ole@example.com")
    assert "You are still on the waitlist for it" in waiting.body
    assert sent_to(gone.household.email) == []


def test_a_session_moved_to_another_room_says_where_it_was(wednesday):
    book(wednesday, household("anna@example.com"), direct=True)
    old_room = wednesday.room
    new_room = RoomFactory(branch=old_room.branch, name="Luftslottet")

    session_move(
        session_id=wednesday.pk,
        starts_at=wednesday.starts_at,
        ends_at=wednesday.ends_at,
        room=new_room,
        now=NOW,
    )

    (message,) = sent_to("anna@example.com")
    assert "Luftslottet" in message.body
    assert f"It was in {old_room.name}." in message.body


def test_a_move_into_a_busy_room_or_into_the_past_is_refused(wednesday):
    book(wednesday, household("anna@example.com"), direct=True)
    busy = session_at(WEDNESDAY_11 + timedelta(days=1), room=wednesday.room)
    busy.programme.name = "Eventyrstund"
    busy.programme.save()

    with pytest.raises(SessionChangeError, match="is already in use .* by Eventyrstund"):
        session_move(
            session_id=wednesday.pk,
            starts_at=busy.starts_at + timedelta(minutes=30),
            ends_at=busy.ends_at + timedelta(minutes=30),
            now=NOW,
        )
    with pytest.raises(SessionChangeError, match="cannot be moved to a time that has passed"):
        session_move(
            session_id=wednesday.pk,
            starts_at=NOW - timedelta(hours=1),
            ends_at=NOW,
            now=NOW,
        )

    wednesday.refresh_from_db()
    assert wednesday.starts_at == WEDNESDAY_11
    assert not Outbox.objects.exists()


def test_the_volunteers_of_a_moved_session_are_told_by_their_planner(clock):
    series = lektiecafe_series(weekdays=(0,), weeks=1)
    partnership = partnership_for(series, organisation())
    shift = shifts_for(series, partnership)[0]
    sofie = volunteer(partnership.organisation, "Sofie Lund")
    assignment_confirm(assignment=assignment_propose(shift=shift, volunteer=sofie))
    session = shift.session

    session_move(
        session_id=session.pk,
        starts_at=session.starts_at + timedelta(hours=1),
        ends_at=session.ends_at + timedelta(hours=1),
        now=NOW,
    )
    plan_volunteer_messages(now=NOW)

    (moved,) = [m for m in sent_to("sofie@example.com") if m.subject.startswith("New time")]
    assert "16:00" in moved.subject


def test_the_families_of_a_course_are_told_when_a_meeting_moves():
    course = make_course(capacity=3)
    enrolment_accept(enrolment_id=enrolment_offer(enrolment_id=refer(course).pk).pk)
    meeting = course.series.sessions.filter(starts_at__gt=datetime.now(UTC)).first()

    told = session_move(
        session_id=meeting.pk,
        starts_at=meeting.starts_at + timedelta(hours=2),
        ends_at=meeting.ends_at + timedelta(hours=2),
    )

    assert told == 1
    moved = [m for m in sent_to("fatima@example.com") if m.subject.startswith("New time")]
    assert len(moved) == 1
    assert "Can't come any more? Please tell us on this page" in moved[0].body


def test_the_families_of_a_course_are_told_when_a_meeting_is_cancelled():
    course = make_course(capacity=3)
    enrolment = enrolment_accept(enrolment_id=enrolment_offer(enrolment_id=refer(course).pk).pk)
    meeting = course.series.sessions.filter(starts_at__gt=datetime.now(UTC)).first()

    told = session_cancel(session_id=meeting.pk, reason="The room is flooded.")
    again = session_cancel(session_id=meeting.pk, reason="The room is flooded.")

    assert (told, again) == (1, 1)
    cancelled = [m for m in sent_to("fatima@example.com") if m.subject.startswith("Cancelled")]
    assert len(cancelled) == 1  # told once, however often the librarian saves
    assert "The room is flooded." in cancelled[0].body
    assert "Your course and its other meetings are here:" in cancelled[0].body
    ics = ics_of(cancelled[0])
    assert f"UID:session-{meeting.pk}-enrolment-{enrolment.pk}@familieliv" in ics
    assert "STATUS:CANCELLED" in ics
    assert ics.count("BEGIN:VEVENT") == 1  # that meeting only


def test_a_session_is_not_cancelled_without_a_short_reason(wednesday):
    book(wednesday, household("anna@example.com"), direct=True)

    with pytest.raises(SessionChangeError, match="Give a reason"):
        session_cancel(session_id=wednesday.pk, reason="  ")
    with pytest.raises(SessionChangeError, match="200 characters"):
        session_cancel(session_id=wednesday.pk, reason="x" * 201)

    wednesday.refresh_from_db()
    assert wednesday.status == Session.Status.SCHEDULED
    assert sent_to("anna@example.com") == []


def test_a_session_that_has_started_is_not_moved(clock):
    started = session_at(NOW - timedelta(minutes=10))
    book(started, household("anna@example.com"), direct=True)

    with pytest.raises(SessionChangeError, match="A session that has started cannot be moved."):
        session_move(
            session_id=started.pk,
            starts_at=NOW + timedelta(days=1),
            ends_at=NOW + timedelta(days=1, hours=1),
            now=NOW,
        )

    started.refresh_from_db()
    assert started.starts_at == NOW - timedelta(minutes=10)
    assert sent_to("anna@example.com") == []


def change_form(session: Session, **changes) -> dict:
    local_start = changes.pop("starts_at", session.starts_at).astimezone(session.branch.zone)
    local_end = changes.pop("ends_at", session.ends_at).astimezone(session.branch.zone)
    return {
        "programme": session.programme_id,
        "room": changes.pop("room", session.room_id),
        "starts_at_0": local_start.strftime("%Y-%m-%d"),
        "starts_at_1": local_start.strftime("%H:%M"),
        "ends_at_0": local_end.strftime("%Y-%m-%d"),
        "ends_at_1": local_end.strftime("%H:%M"),
        "capacity": session.capacity,
        "status": "scheduled",
        "cancellation_reason": "",
        "bookings-TOTAL_FORMS": "0",
        "bookings-INITIAL_FORMS": "0",
        **changes,
    }


def test_changing_the_time_in_the_admin_moves_the_session_and_tells_the_families(
    client, wednesday, make_librarian
):
    book(wednesday, household("anna@example.com"), direct=True)
    client.force_login(make_librarian(wednesday.room.branch))
    url = reverse("admin:programmes_session_change", args=[wednesday.pk])
    later = WEDNESDAY_11 + timedelta(hours=2)
    form = change_form(wednesday, starts_at=later, ends_at=later + timedelta(hours=1))

    response = client.post(url, form, follow=True)

    assert "The session was moved; 1 family was told the new time." in response.text
    wednesday.refresh_from_db()
    assert wednesday.starts_at == later
    (message,) = sent_to("anna@example.com")
    assert message.subject == "New time: Babydans is now Wednesday 25 November 2026 at 13:00"


def test_the_admin_refuses_to_move_a_session_into_the_past(client, wednesday, make_librarian):
    client.force_login(make_librarian(wednesday.room.branch))
    url = reverse("admin:programmes_session_change", args=[wednesday.pk])
    past = NOW - timedelta(days=1)

    response = client.post(
        url, change_form(wednesday, starts_at=past, ends_at=past + timedelta(hours=1))
    )

    assert response.status_code == 200
    assert "A session cannot be moved to a time that has passed." in response.text
    wednesday.refresh_from_db()
    assert wednesday.starts_at == WEDNESDAY_11


# -- a message to everyone booked ------------------------------------------------------------


def test_a_message_to_everyone_booked_reaches_each_family_in_its_language(wednesday, clock):
    book(wednesday, household("anna@example.com", "Anna Hansen"), direct=True)
    book(wednesday, household("mette@example.com", "Mette Dal", language="da"), direct=True)
    book(wednesday, household("ole@example.com"), status=Booking.Status.WAITLISTED, direct=True)
    librarian = get_user_model().objects.create_user(
        username="jonas", first_name="Jonas", last_name="Berg"
    )
    text = "Remember warm socks: the floor is cold.\nSee you!"

    written = session_message_all(
        session=wednesday,
        subject="Warm socks",
        text=text,
        token="a" * 32,
        include_waitlist=False,
        by=librarian,
    )

    assert written == 2
    (english,) = sent_to("anna@example.com")
    assert english.subject == "Warm socks"
    assert english.body.startswith("Hello Anna Hansen,")
    assert text in english.body
    assert "Jonas Berg" in english.body
    (danish,) = sent_to("mette@example.com")
    assert danish.body.startswith("Hej Mette Dal,")
    assert text in danish.body  # the librarian's words as typed
    assert sent_to("ole@example.com") == []

    clock.shift(timedelta(minutes=5))
    assert (
        session_message_all(
            session=wednesday,
            subject="Still on",
            text="Yes.",
            token="b" * 32,
            include_waitlist=True,
            by=librarian,
        )
        == 3
    )
    assert len(sent_to("anna@example.com")) == 2  # a second message is a new one


def test_a_message_needs_words_and_somebody_to_read_them(wednesday):
    with pytest.raises(SessionChangeError, match="Write a subject and a message"):
        session_message_all(
            session=wednesday, subject="Hi", text="  ", token="c" * 32, include_waitlist=True
        )
    with pytest.raises(SessionChangeError, match="nobody to write to"):
        session_message_all(
            session=wednesday, subject="Hi", text="Hello", token="c" * 32, include_waitlist=True
        )


def test_the_message_page_sends_and_says_how_many(client, wednesday, make_librarian):
    book(wednesday, household("anna@example.com"), direct=True)
    client.force_login(make_librarian(wednesday.room.branch))
    url = reverse("admin:programmes_session_message", args=[wednesday.pk])
    assert "Goes to 1 family with a place." in client.get(url).text

    blank = client.post(url, {"subject": "", "text": ""})
    assert blank.status_code == 400
    assert "This field is required." in blank.text

    shown = client.get(url).text
    token = re.search(r'name="token" value="([0-9a-f]{32})"', shown).group(1)
    form = {"subject": "Socks", "text": "Bring socks.", "token": token}
    sent = client.post(url, form, follow=True)

    assert "Your message was written to 1 family and is being sent." in sent.text
    assert [m.subject for m in sent_to("anna@example.com")] == ["Socks"]

    # A double click, or the browser sending the form again: nothing new is written.
    again = client.post(url, form, follow=True)
    assert "This message was already sent: nothing new was written." in again.text
    assert [m.subject for m in sent_to("anna@example.com")] == ["Socks"]
    # A form without its token (an old tab) is refused plainly.
    stale = client.post(url, {"subject": "Socks", "text": "Bring socks."})
    assert stale.status_code == 400
    assert "This form has expired: open the message page again." in stale.text


# -- the session's page, participant list and CSV --------------------------------------------


@pytest.fixture
def booked(wednesday):
    anna = book(
        wednesday,
        household("anna@example.com", "Anna Hansen", phone="+47 900 00 000"),
        children=("Ella", "Oskar"),
        adults=2,
        direct=True,
    )
    book(wednesday, household("evil@example.com", "=HYPERLINK(1)"), children=("Noa",), direct=True)
    book(
        wednesday,
        household("ole@example.com", "Ole Berg"),
        children=("Liv",),
        status=Booking.Status.WAITLISTED,
        direct=True,
    )
    Attendance.objects.create(
        session=wednesday, household=anna.household, attended=True, recorded_at=NOW
    )
    return wednesday


def test_the_session_page_shows_its_figures_and_the_ways_to_run_it(client, booked, make_librarian):
    client.force_login(make_librarian(booked.room.branch))

    page = client.get(reverse("admin:programmes_session_change", args=[booked.pk])).text

    assert "Places booked" in page
    assert "3 / 15" in page
    assert "Families booked" in page
    for url in (
        reverse("admin:programmes_session_participants", args=[booked.pk]),
        reverse("admin:programmes_session_participants_csv", args=[booked.pk]),
        reverse("attendance:check_in", args=[booked.pk]),
        reverse("admin:programmes_session_message", args=[booked.pk]),
        f"{reverse('admin:programmes_session_week')}?branch={booked.room.branch_id}&amp;week=2026-W48",
    ):
        assert f'href="{url}"' in page


def test_the_participant_list_has_first_names_and_party_sizes_and_no_contact_details(
    client, booked, make_librarian
):
    client.force_login(make_librarian(booked.room.branch))

    page = client.get(reverse("admin:programmes_session_participants", args=[booked.pk])).text

    assert "<td>Anna</td>" in page
    assert "<td>Ella, Oskar</td>" in page
    assert "<td>4</td>" in page  # two adults and two children
    assert "On the waitlist" in page
    assert "2 families booked (3 of 15 places)." in page
    assert '<button type="button" class="button" data-print>Print</button>' in page
    assert "js/print-button.js" in page  # what the button does, without an inline handler
    assert "css/admin-week.css" in page  # the sheet's print rules
    for private in ("anna@example.com", "Hansen", "+47 900 00 000", "05/2026"):
        assert private not in page


def test_the_csv_export_has_the_same_rows_and_defuses_formulas(client, booked, make_librarian):
    client.force_login(make_librarian(booked.room.branch))

    response = client.get(reverse("admin:programmes_session_participants_csv", args=[booked.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="babydans-2026-11-25-1100.csv"' in response["Content-Disposition"]
    # Opens as columns in Danish and Norwegian Excel: a byte-order mark, semicolons.
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Parent", "Children", "Adults", "Party size", "Status", "Walk-in", "Attended"],
        ["'=HYPERLINK(1)", "Noa", "1", "2", "Confirmed", "no", ""],
        ["Anna", "Ella, Oskar", "2", "4", "Confirmed", "no", "yes"],
        ["Ole", "Liv", "1", "2", "On the waitlist", "no", ""],
    ]


def test_the_csv_opens_in_danish_and_norwegian_excel_with_aeoeaa_intact(
    client, booked, make_librarian
):
    book(
        booked,
        household("bjorn@example.com", "Bjørn Ærø"),
        children=("Åse", "Søren"),
        direct=True,
    )
    client.force_login(make_librarian(booked.room.branch))

    response = client.get(reverse("admin:programmes_session_participants_csv", args=[booked.pk]))

    # Excel reads UTF-8 only after a byte-order mark, and splits at the list separator of
    # Danish and Norwegian Windows, the semicolon.
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8")[1:]
    assert text.splitlines()[0] == "Parent;Children;Adults;Party size;Status;Walk-in;Attended"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["Bjørn", "Åse, Søren", "1", "3", "Confirmed", "no", ""] in rows


def test_another_branchs_session_pages_are_not_found(client, booked, make_librarian):
    client.force_login(make_librarian(BranchFactory()))

    for name in (
        "admin:programmes_session_participants",
        "admin:programmes_session_participants_csv",
        "admin:programmes_session_message",
    ):
        assert client.get(reverse(name, args=[booked.pk])).status_code == 404
    assert (
        client.post(
            reverse("admin:programmes_session_message", args=[booked.pk]),
            {"subject": "Hi", "text": "Hi"},
        ).status_code
        == 404
    )
    assert not Outbox.objects.exists()


def test_the_participant_list_and_csv_cost_the_same_queries_for_few_or_many(
    client, wednesday, make_librarian
):
    client.force_login(make_librarian(wednesday.room.branch))
    urls = [
        reverse("admin:programmes_session_participants", args=[wednesday.pk]),
        reverse("admin:programmes_session_participants_csv", args=[wednesday.pk]),
        reverse("admin:programmes_session_change", args=[wednesday.pk]),
    ]
    book(wednesday, household("first@example.com"), direct=True)

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    queries()  # the first visit fills the admin's caches (content types)
    few = queries()
    for n in range(6):
        book(wednesday, household(f"family{n}@example.com"), children=("Liv", "Noa"), direct=True)
    many = queries()

    assert many == few


def test_the_admin_refuses_a_move_of_a_started_session_or_into_a_busy_room_on_the_form(
    client, clock, make_librarian
):
    started = session_at(NOW - timedelta(minutes=10))
    client.force_login(make_librarian(started.room.branch))
    tomorrow = NOW + timedelta(days=1)

    response = client.post(
        reverse("admin:programmes_session_change", args=[started.pk]),
        change_form(started, starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=1)),
        follow=True,
    )

    assert "A session that has started cannot be moved." in response.text
    assert "was changed successfully" not in response.text
    started.refresh_from_db()
    assert started.starts_at == NOW - timedelta(minutes=10)

    coming = session_at(WEDNESDAY_11, room=started.room)
    busy = session_at(WEDNESDAY_11 + timedelta(days=1), room=coming.room)
    response = client.post(
        reverse("admin:programmes_session_change", args=[coming.pk]),
        change_form(coming, starts_at=busy.starts_at, ends_at=busy.ends_at),
        follow=True,
    )
    assert "is already in use" in response.text
    assert "was changed successfully" not in response.text
    assert "was not moved" not in response.text
    coming.refresh_from_db()
    assert coming.starts_at == WEDNESDAY_11


def test_cancelling_in_the_admin_asks_for_a_reason(client, wednesday, make_librarian):
    book(wednesday, household("anna@example.com"), direct=True)
    client.force_login(make_librarian(wednesday.room.branch))
    url = reverse("admin:programmes_session_change", args=[wednesday.pk])

    refused = client.post(url, change_form(wednesday, status="cancelled"))

    assert refused.status_code == 200
    assert "Give a reason: the families are told it." in refused.text
    wednesday.refresh_from_db()
    assert wednesday.status == Session.Status.SCHEDULED

    client.post(url, change_form(wednesday, status="cancelled", cancellation_reason="Flooding."))

    wednesday.refresh_from_db()
    assert (wednesday.status, wednesday.cancellation_reason) == ("cancelled", "Flooding.")
    (told,) = sent_to("anna@example.com")
    assert "Flooding." in told.body
