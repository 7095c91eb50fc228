"""Every calendar file sent about one booking, course meeting or shift is one event in the
family's (or volunteer's) calendar: read by two parsers written apart from ours (icalendar
and Mozilla's ical.js), its UID stays, its SEQUENCE grows with every change, and its METHOD
tells the mail program to add or update it (REQUEST) or to take it out (CANCEL)."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from bookings.models import Booking
from bookings.services import booking_cancel
from courses.services import enrolment_accept, enrolment_offer, enrolment_withdraw
from households.links import manage_token
from notifications.sending import outbox_send_due
from operations.services import session_cancel, session_move
from tests.bookings.support import book
from tests.calendars.support import calendar_files
from tests.courses.support import make_course, refer
from tests.operations.support import NOW, WEDNESDAY_11, household, session_at
from tests.volunteers.support import (
    coordinator,
    first_session,
    lektiecafe_series,
    organisation,
    partnership_for,
    shifts_for,
    volunteer,
)
from volunteers.outreach import plan_volunteer_messages
from volunteers.services import assignment_confirm, assignment_propose

pytestmark = pytest.mark.django_db

LIBRARY = "mailto:noreply@familieliv.invalid"  # DEFAULT_FROM_EMAIL in the tests


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def assert_one_event_growing(files, *, methods, statuses):
    """The files, in the order sent, tell of one event whose SEQUENCE only grows."""
    events = [file.calendar.event for file in files]
    assert len({event.uid for event in events}) == 1
    sequences = [event.sequence for event in events]
    assert sequences == sorted(set(sequences)), f"SEQUENCE does not grow: {sequences}"
    assert [file.calendar.method for file in files] == methods
    assert [event.status for event in events] == statuses
    for file in files:
        # The mail program reads the method from the attachment's content type too.
        assert file.mimetype == (f"text/calendar; method={file.calendar.method}; charset=utf-8")
        assert file.calendar.event.organizer == LIBRARY


def test_a_confirmation_two_moves_and_the_familys_cancellation_are_one_event(client, clock):
    session = session_at(WEDNESDAY_11, capacity=5)
    booking = book(session, household("anna@example.com", "Anna Hansen"))
    thursday = WEDNESDAY_11 + timedelta(days=1, hours=1)
    friday = WEDNESDAY_11 + timedelta(days=2)
    session_move(session_id=session.pk, starts_at=thursday, ends_at=thursday + timedelta(hours=1))
    session_move(session_id=session.pk, starts_at=friday, ends_at=friday + timedelta(hours=1))
    token = manage_token(household=booking.household)

    client.post(reverse("bookings:cancel", args=[token, booking.pk]))

    files = calendar_files(reference=f"booking:{booking.pk}")
    assert [file.kind for file in files] == [
        "booking_confirmed",
        "session_moved",
        "session_moved",  # a second move of the same session is told again
        "booking_cancelled",
    ]
    assert_one_event_growing(
        files,
        methods=["REQUEST", "REQUEST", "REQUEST", "CANCEL"],
        statuses=["CONFIRMED", "CONFIRMED", "CONFIRMED", "CANCELLED"],
    )
    assert [file.calendar.event.sequence for file in files] == [0, 1, 2, 3]
    assert [file.calendar.event.dtstart for file in files] == [
        WEDNESDAY_11,
        thursday,
        friday,
        friday,
    ]
    confirmation = files[0].calendar.event
    assert confirmation.uid == f"session-{session.pk}-booking-{booking.pk}@familieliv"
    assert confirmation.tzid == "Europe/Oslo"
    assert confirmation.organizer_name == session.room.branch.name


def test_the_cancelling_file_goes_out_as_a_calendar_cancel_in_the_e_mail(client, clock):
    booking = book(session_at(WEDNESDAY_11), household("anna@example.com"), send=True)
    mail.outbox.clear()

    client.post(
        reverse("bookings:cancel", args=[manage_token(household=booking.household), booking.pk])
    )
    outbox_send_due()

    (message,) = mail.outbox
    sent = message_from_bytes(message.message().as_bytes())
    (part,) = [p for p in sent.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"
    assert part.get_content_charset() == "utf-8"
    assert part.get_filename() == "familieliv.ics"


def test_a_session_the_library_cancels_is_cancelled_in_the_calendar_once(clock):
    session = session_at(WEDNESDAY_11)
    booking = book(session, household("anna@example.com"))
    thursday = WEDNESDAY_11 + timedelta(days=1)
    session_move(session_id=session.pk, starts_at=thursday, ends_at=thursday + timedelta(hours=1))

    session_cancel(session_id=session.pk, reason="The room is flooded.")
    session_cancel(session_id=session.pk, reason="The room is flooded.")  # saved again

    files = calendar_files(reference=f"booking:{booking.pk}")
    assert [file.kind for file in files] == [
        "booking_confirmed",
        "session_moved",
        "session_cancelled",
    ]
    assert_one_event_growing(
        files,
        methods=["REQUEST", "REQUEST", "CANCEL"],
        statuses=["CONFIRMED", "CONFIRMED", "CANCELLED"],
    )


def test_a_place_from_the_waitlist_then_a_move_then_cancelling_keep_one_growing_event(clock):
    session = session_at(WEDNESDAY_11, capacity=1)
    first = book(session, household("anna@example.com"))
    waiting = book(session, household("bo@example.com"))
    assert waiting.status == Booking.Status.WAITLISTED
    thursday = WEDNESDAY_11 + timedelta(days=1)
    session_move(session_id=session.pk, starts_at=thursday, ends_at=thursday + timedelta(hours=1))

    booking_cancel(booking_id=first.pk)  # Bo gets the place
    friday = WEDNESDAY_11 + timedelta(days=2)
    session_move(session_id=session.pk, starts_at=friday, ends_at=friday + timedelta(hours=1))
    booking_cancel(booking_id=waiting.pk)

    files = calendar_files(reference=f"booking:{waiting.pk}")
    assert [file.kind for file in files] == [
        "session_moved",  # pencilled in while waiting
        "waitlist_promoted",
        "session_moved",
        "booking_cancelled",
    ]
    assert_one_event_growing(
        files,
        methods=["REQUEST", "REQUEST", "REQUEST", "CANCEL"],
        statuses=["TENTATIVE", "CONFIRMED", "CONFIRMED", "CANCELLED"],
    )


def test_a_course_meeting_moved_and_cancelled_updates_the_event_of_the_welcome(clock):
    course = make_course(weeks_before=0, weeks_after=3)
    enrolment = enrolment_offer(enrolment_id=refer(course).pk)
    enrolment_accept(enrolment_id=enrolment.pk)
    meeting = course.series.sessions.filter(starts_at__gt=NOW).order_by("starts_at").first()
    later = meeting.starts_at + timedelta(hours=1)
    session_move(session_id=meeting.pk, starts_at=later, ends_at=later + timedelta(hours=1))
    session_cancel(session_id=meeting.pk, reason="Sickness.")

    welcome, moved, cancelled = calendar_files(reference=f"enrolment:{enrolment.pk}")
    assert (welcome.kind, moved.kind, cancelled.kind) == (
        "course_enrolled",
        "session_moved",
        "session_cancelled",
    )
    uid = f"session-{meeting.pk}-enrolment-{enrolment.pk}@familieliv"
    (in_welcome,) = [e for e in welcome.calendar.events if e.uid == uid]
    assert welcome.calendar.method == "REQUEST"
    assert all(e.organizer == LIBRARY for e in welcome.calendar.events)
    assert (moved.calendar.event.uid, cancelled.calendar.event.uid) == (uid, uid)
    assert [
        in_welcome.sequence,
        moved.calendar.event.sequence,
        cancelled.calendar.event.sequence,
    ] == [0, 1, 2]
    assert (moved.calendar.method, cancelled.calendar.method) == ("REQUEST", "CANCEL")
    assert moved.calendar.event.dtstart == later
    assert cancelled.calendar.event.status == "CANCELLED"


def test_a_family_leaving_a_course_has_its_coming_meetings_cancelled_in_its_calendar(clock):
    course = make_course(weeks_before=0, weeks_after=3)
    enrolment = enrolment_offer(enrolment_id=refer(course).pk)
    enrolment_accept(enrolment_id=enrolment.pk)

    enrolment_withdraw(enrolment_id=enrolment.pk)

    welcome, left = calendar_files(reference=f"enrolment:{enrolment.pk}")
    assert (welcome.kind, left.kind) == ("course_enrolled", "course_withdrawn")
    assert (welcome.calendar.method, left.calendar.method) == ("REQUEST", "CANCEL")
    assert [e.uid for e in left.calendar.events] == [e.uid for e in welcome.calendar.events]
    assert {e.status for e in left.calendar.events} == {"CANCELLED"}
    assert all(
        after.sequence > before.sequence
        for before, after in zip(welcome.calendar.events, left.calendar.events, strict=True)
    )


def test_a_volunteers_shift_is_one_event_through_a_move_and_a_cancellation(clock):
    org = organisation()
    series = lektiecafe_series(weekdays=(0,), weeks=1)
    partnership = partnership_for(series, org, coordinators=[coordinator(org, "mette")])
    (shift,) = shifts_for(series, partnership, required=1)
    sofie = volunteer(org, "Sofie Lund")
    assignment = assignment_propose(shift=shift, volunteer=sofie, by=None)
    clock.move_to(NOW + timedelta(hours=1))
    assignment_confirm(assignment=assignment)
    session = first_session(series)
    later = session.starts_at + timedelta(hours=1)
    session_move(session_id=session.pk, starts_at=later, ends_at=later + timedelta(hours=3))
    plan_volunteer_messages()
    session_cancel(session_id=session.pk, reason="Closed for repairs.")
    plan_volunteer_messages()

    files = calendar_files(reference=f"assignment:{assignment.pk}")
    assert [file.kind for file in files] == [
        "shift_invitation",
        "shift_session_moved",
        "shift_session_cancelled",
    ]
    assert_one_event_growing(
        files,
        methods=["REQUEST", "REQUEST", "CANCEL"],
        statuses=["TENTATIVE", "CONFIRMED", "CANCELLED"],
    )
