"""Who is told what, and when: reminders, follow-ups and invitations, with a frozen clock."""

from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import Attendance
from attendance.outreach import followups_due, plan_attendance_messages
from attendance.services import attendance_record
from bookings.models import Booking
from bookings.outreach import plan_messages
from courses.models import Course, Enrolment
from courses.outreach import plan_course_messages
from households.models import Household
from households.services import ChildInput
from notifications.models import Outbox
from operations.services import session_cancel
from programmes.models import Programme
from tests.bookings.support import book
from tests.factories import (
    BranchFactory,
    ProgrammeFactory,
    RoomFactory,
    SeriesFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

# Wednesday 3 June 2026, 11:00–12:00 in Oslo.
START = datetime(2026, 6, 3, 9, tzinfo=UTC)
# Families book then, say yes to invitations, and get their confirmation then
# (book(..., at=BOOKED, consent=True, send=True)): the mails a planner sends later are the
# only ones a test sees.
BOOKED = datetime(2026, 5, 1, 9, tzinfo=UTC)


@pytest.fixture
def plan(django_capture_on_commit_callbacks):
    """Run every family planner at a frozen moment and send what they wrote; returns the
    e-mails."""

    def run(at: datetime) -> list:
        before = len(mail.outbox)
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            plan_messages()
            plan_course_messages()
            plan_attendance_messages()
        return mail.outbox[before:]

    return run


@pytest.fixture
def babydans():
    return ProgrammeFactory(name="Babydans", min_age_months=3, max_age_months=12)


def session_of(programme, start=START, **kwargs):
    return SessionFactory(
        programme=programme, starts_at=start, ends_at=start + timedelta(hours=1), **kwargs
    )


def keys(emails) -> list[str]:
    return sorted(e.extra_headers["X-Familieliv-Message"] for e in emails)


# -- reminders ---------------------------------------------------------------------------


def test_reminder_goes_once_24_hours_before_in_the_households_language(plan, babydans):
    session = session_of(babydans)
    booking = book(session, language="nb", at=BOOKED, consent=True, send=True)

    assert plan(START - timedelta(hours=24, minutes=1)) == []
    sent = plan(START - timedelta(hours=24))
    again = plan(START - timedelta(hours=23))

    assert keys(sent) == [f"reminder:booking:{booking.pk}"]
    assert again == []
    (reminder,) = sent
    assert reminder.to == ["anna@example.com"]
    assert reminder.subject == "Vi ses snart: Babydans, onsdag kl. 11:00"  # nb, Oslo time
    assert "/cant-come/" in reminder.body


def test_reminder_lead_time_is_the_programmes(plan):
    programme = ProgrammeFactory(min_age_months=0, max_age_months=24, reminder_lead_hours=48)
    book(session_of(programme), at=BOOKED, consent=True, send=True)

    assert plan(START - timedelta(hours=49)) == []
    (reminder,) = plan(START - timedelta(hours=48))
    assert reminder.subject.startswith("See you soon")
    assert "Can't come after all?" in reminder.body


def test_no_reminder_for_a_booking_made_after_the_reminder_time(plan, babydans):
    session = session_of(babydans)
    book(session, at=START - timedelta(hours=10), consent=True, send=True)

    assert plan(START - timedelta(hours=9)) == []


def test_no_reminder_when_the_programme_sends_none(plan):
    programme = ProgrammeFactory(min_age_months=0, max_age_months=24, reminder_lead_hours=0)
    book(session_of(programme), at=BOOKED, consent=True, send=True)

    assert plan(START - timedelta(hours=1)) == []


def test_no_reminder_to_cancelled_waitlisted_or_cancelled_sessions(plan, babydans):
    full = session_of(babydans, capacity=1)
    book(full, "first@example.com", at=BOOKED, consent=True, send=True)
    waiting = book(full, "second@example.com", at=BOOKED, consent=True, send=True)
    gone = book(
        session_of(babydans, room=full.room, start=START + timedelta(hours=2)),
        at=BOOKED,
        consent=True,
        send=True,
    )
    from bookings.services import booking_cancel

    booking_cancel(booking_id=gone.pk, now=BOOKED)
    called_off = session_of(babydans, room=full.room, start=START + timedelta(hours=4))
    book(called_off, "third@example.com", at=BOOKED, consent=True, send=True)
    session_cancel(session_id=called_off.pk, reason="The room is flooded.")

    sent = plan(START - timedelta(hours=20))

    assert waiting.status == Booking.Status.WAITLISTED
    assert [e.to for e in sent] == [["first@example.com"]]


def test_cant_come_link_asks_then_gives_the_place_to_the_waitlist(client, plan, babydans):
    session = session_of(babydans, capacity=1)
    booked = book(session, "anna@example.com", at=BOOKED, consent=True, send=True)
    waiting = book(session, "bo@example.com", at=BOOKED, consent=True, send=True)
    (reminder,) = plan(START - timedelta(hours=24))
    link = next(line for line in reminder.body.splitlines() if "/cant-come/" in line)
    path = link.split("testserver")[-1] if "testserver" in link else link[link.index("/cant") :]

    with time_machine.travel(START - timedelta(hours=20), tick=False):
        page = client.get(path)
        booked.refresh_from_db()
        assert page.status_code == 200
        assert booked.status == Booking.Status.CONFIRMED  # opening the link changes nothing
        assert "give our place away" in page.content.decode()

        answer = client.post(path)

    booked.refresh_from_db()
    waiting.refresh_from_db()
    assert answer.status_code == 200
    assert "Your place is given away" in answer.content.decode()
    assert booked.status == Booking.Status.CANCELLED
    assert waiting.status == Booking.Status.CONFIRMED
    assert Outbox.objects.filter(key=f"waitlist_promoted:booking:{waiting.pk}").exists()


def test_cant_come_after_the_start_changes_nothing(client, plan, babydans):
    booked = book(session_of(babydans), at=BOOKED, consent=True, send=True)
    (reminder,) = plan(START - timedelta(hours=24))
    path = reminder.body[reminder.body.index("/cant-come/") :].split()[0]

    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        answer = client.post(path)

    booked.refresh_from_db()
    assert "already started" in answer.content.decode()
    assert booked.status == Booking.Status.CONFIRMED


def test_forged_cant_come_link_is_not_found(client):
    assert client.get("/cant-come/forged/").status_code == 404


# -- follow-ups --------------------------------------------------------------------------


def test_follow_up_thanks_those_who_came_and_misses_those_who_did_not(plan, babydans):
    series = SeriesFactory(
        programme=babydans, start_date=date(2026, 6, 3), end_date=date(2026, 6, 24)
    )
    session = session_of(babydans, series=series, room=series.room)
    next_week = session_of(babydans, series=series, room=series.room, start=START + timedelta(7))
    came = book(session, "came@example.com", at=BOOKED, consent=True, send=True)
    missed = book(session, "missed@example.com", at=BOOKED, consent=True, send=True)
    attendance_record(session=session, household=came.household, attended=True)

    assert plan(START + timedelta(minutes=90)) == []  # an hour after the end, not before
    sent = plan(START + timedelta(hours=2))

    by_to = {e.to[0]: e for e in sent}
    assert set(by_to) == {"came@example.com", "missed@example.com"}
    thanks, miss = by_to["came@example.com"], by_to["missed@example.com"]
    assert thanks.subject == "Thank you for coming to Babydans"
    assert thanks.body.count("/rate/") == 5
    assert f"/sessions/{next_week.pk}/" in thanks.body
    assert miss.subject == "We missed you at Babydans"
    assert "/rate/" not in miss.body
    assert "/unsubscribe/" in thanks.body
    assert "/unsubscribe/" in miss.body
    assert keys(sent) == sorted([f"followup:booking:{came.pk}", f"followup:booking:{missed.pk}"])
    assert plan(START + timedelta(hours=3)) == []


def test_no_follow_up_without_consent_or_without_attendance_taken(plan, babydans):
    taken = session_of(babydans)
    untaken = session_of(babydans, room=taken.room, start=START + timedelta(hours=2))
    no_consent = book(taken, "private@example.com", consent=False, at=BOOKED, send=True)
    attendance_record(session=taken, household=no_consent.household, attended=True)
    book(untaken, "anna@example.com", at=BOOKED, consent=True, send=True)

    assert plan(START + timedelta(hours=5)) == []


def test_no_follow_up_for_a_cancelled_session(plan, babydans):
    session = session_of(babydans)
    booking = book(session, at=BOOKED, consent=True, send=True)
    attendance_record(session=session, household=booking.household, attended=True)
    session_cancel(session_id=session.pk, reason="The room is flooded.")

    assert plan(START + timedelta(hours=2)) == []


def test_a_rating_link_opens_the_answer_and_a_second_answer_changes_it(client, plan, babydans):
    session = session_of(babydans)
    booking = book(session, at=BOOKED, consent=True, send=True)
    attendance_record(session=session, household=booking.household, attended=True)
    (thanks,) = plan(START + timedelta(hours=2))
    links = [line.split(": ", 1)[1] for line in thanks.body.splitlines() if "/rate/" in line]
    paths = [link[link.index("/rate/") :] for link in links]

    with time_machine.travel(START + timedelta(days=1)):
        assert client.get(paths[3]).status_code == 200
        booking.refresh_from_db()
        assert booking.rating is None  # opening the link answers nothing: the page sends it
        client.post(paths[3], {"rating": "4"})
        booking.refresh_from_db()
        assert booking.rating == 4
        page = client.post(paths[1], {"rating": "2"})
        booking.refresh_from_db()
        assert booking.rating == 2
        assert "You gave 2 out of 5." in page.content.decode()

        bad = client.get(paths[0].replace("/1/", "/9/"))
    assert bad.status_code == 400
    booking.refresh_from_db()
    assert booking.rating == 2


# -- age-out invitations -----------------------------------------------------------------


@pytest.fixture
def family_path(babydans):
    """Babydans (3–12 months) at Sandvika leads to Rim og regler (12–35 months)."""
    sandvika = BranchFactory(name="Sandvika", municipality="Bærum")
    bekkestua = BranchFactory(name="Bekkestua", municipality="Bærum")
    elsewhere = BranchFactory(name="Asker", municipality="Asker")
    rhymes = ProgrammeFactory(name="Rim og regler", min_age_months=12, max_age_months=35)
    babydans.next_programmes.add(rhymes)
    return {
        "babydans": babydans,
        "rhymes": rhymes,
        "room": RoomFactory(branch=sandvika),
        "bekkestua": RoomFactory(branch=bekkestua),
        "elsewhere": RoomFactory(branch=elsewhere),
    }


def test_age_out_invitation_on_the_day_the_child_grows_past_the_programme(plan, family_path):
    born = ChildInput(first_name="Ella", birth_month=date(2025, 9, 1))  # 9 months on 3 June
    book(
        session_of(family_path["babydans"], room=family_path["room"]),
        children=[born],
        at=BOOKED,
        consent=True,
        send=True,
    )
    rhyme_day = datetime(2026, 10, 14, 9, tzinfo=UTC)
    nearby = session_of(family_path["rhymes"], room=family_path["bekkestua"], start=rhyme_day)
    far = session_of(family_path["rhymes"], room=family_path["elsewhere"], start=rhyme_day)

    # Ella turns 13 months on 1 October 2026: too old for Babydans from that day.
    assert plan(datetime(2026, 9, 30, 8, tzinfo=UTC)) == []
    (invitation,) = plan(datetime(2026, 10, 1, 8, tzinfo=UTC))

    assert invitation.subject == "New activities for Ella at the library"
    assert "Ella has grown out of Babydans" in invitation.body
    assert "Rim og regler" in invitation.body
    assert f"/sessions/{nearby.pk}/" in invitation.body
    assert f"/sessions/{far.pk}/" not in invitation.body  # another municipality
    assert invitation.extra_headers["List-Unsubscribe"].startswith("<http")
    assert plan(datetime(2026, 10, 2, 8, tzinfo=UTC)) == []


def test_no_age_out_invitation_without_consent_or_without_a_session_to_join(plan, family_path):
    born = ChildInput(first_name="Ella", birth_month=date(2025, 9, 1))
    book(
        session_of(family_path["babydans"], room=family_path["room"]),
        children=[born],
        consent=False,
        at=BOOKED,
        send=True,
    )
    other = ChildInput(first_name="Noah", birth_month=date(2025, 9, 1))
    book(
        session_of(family_path["babydans"], room=family_path["room"], start=START + timedelta(1)),
        "bo@example.com",
        children=[other],
        at=BOOKED,
        consent=True,
        send=True,
    )

    # Nothing on the path is scheduled yet, and Anna said no to invitations.
    assert plan(datetime(2026, 10, 1, 8, tzinfo=UTC)) == []


def test_unsubscribe_link_stops_invitations_but_a_visit_does_not(client, plan, family_path):
    born = ChildInput(first_name="Ella", birth_month=date(2025, 9, 1))
    book(
        session_of(family_path["babydans"], room=family_path["room"]),
        children=[born],
        at=BOOKED,
        consent=True,
        send=True,
    )
    session_of(
        family_path["rhymes"], room=family_path["room"], start=datetime(2026, 10, 14, 9, tzinfo=UTC)
    )
    (invitation,) = plan(datetime(2026, 10, 1, 8, tzinfo=UTC))
    path = invitation.extra_headers["List-Unsubscribe"].strip("<>").split("testserver")[-1]
    path = path[path.index("/unsubscribe/") :]

    assert client.get(path).status_code == 200
    assert Household.objects.get().consents_to_followups is True
    # What a mail program's own unsubscribe button sends (RFC 8058): no CSRF token.
    answer = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert answer.status_code == 200
    assert "no more invitations" in answer.content.decode()
    assert Household.objects.get().consents_to_followups is False


# -- end-of-course invitations -----------------------------------------------------------


def test_end_of_course_invitation_goes_to_enrolled_families_that_consented(plan, family_path):
    club = ProgrammeFactory(
        name="Småbørnsklub",
        booking_mode=Programme.BookingMode.COURSE,
        min_age_months=0,
        max_age_months=72,
    )
    club.next_programmes.add(family_path["rhymes"])
    series = SeriesFactory(
        programme=club,
        room=family_path["room"],
        start_date=date(2026, 3, 4),
        end_date=date(2026, 6, 3),
        start_time=time(10),
        end_time=time(12),
    )
    last = session_of(club, series=series, room=series.room)
    course = Course.objects.create(series=series, capacity=8)
    enrolled = _enrol(course, "anna@example.com", Enrolment.Status.COMPLETED, consent=True)
    _enrol(course, "bo@example.com", Enrolment.Status.WITHDRAWN, consent=True)
    _enrol(course, "private@example.com", Enrolment.Status.ENROLLED, consent=False)
    rhymes = session_of(family_path["rhymes"], room=family_path["room"], start=START + timedelta(7))

    assert plan(last.ends_at - timedelta(minutes=1)) == []
    (invitation,) = plan(last.ends_at + timedelta(minutes=1))

    assert invitation.to == ["anna@example.com"]
    assert invitation.extra_headers["X-Familieliv-Message"] == f"course_end:enrolment:{enrolled.pk}"
    assert "Småbørnsklub has come to an end" in invitation.body
    assert f"/sessions/{rhymes.pk}/" in invitation.body
    assert plan(last.ends_at + timedelta(days=1)) == []


def _enrol(course, email, status, *, consent):
    household = Household.objects.create(
        email=email,
        name=email.split("@")[0].title(),
        language="en",
        consents_to_followups=consent,
        privacy_accepted_at=BOOKED,
    )
    child = household.children.create(first_name="Mia", birth_month=date(2024, 1, 1))
    enrolment = Enrolment.objects.create(course=course, household=household, status=status)
    enrolment.children.add(child)
    return enrolment


def test_attendance_recorded_twice_is_corrected_not_doubled(babydans):
    session = session_of(babydans)
    booking = book(session, at=BOOKED, consent=True, send=True)

    attendance_record(session=session, household=booking.household, attended=True)
    attendance_record(session=session, household=booking.household, attended=False)

    assert list(Attendance.objects.values_list("attended", flat=True)) == [False]


def test_without_celery_beat_the_plan_messages_command_sends_what_is_due(babydans):
    """The embedded default's loop (make run): the same messages, on the e-mail backend."""
    booking = book(session_of(babydans), at=BOOKED, consent=True, send=True)
    sent_before = len(mail.outbox)

    with time_machine.travel(START - timedelta(hours=2), tick=False):
        call_command("plan_messages", stdout=StringIO())

    (reminder,) = mail.outbox[sent_before:]
    assert reminder.extra_headers["X-Familieliv-Message"] == f"reminder:booking:{booking.pk}"
    assert Outbox.objects.get(kind="reminder").status == Outbox.Status.SENT


def test_follow_ups_read_the_same_number_of_queries_for_3_or_9_families(babydans):
    def queries_for(families: int, start: datetime) -> int:
        series = SeriesFactory(
            programme=babydans, start_date=start.date(), end_date=start.date() + timedelta(7)
        )
        session = session_of(babydans, series=series, room=series.room, start=start)
        session_of(babydans, series=series, room=series.room, start=start + timedelta(7))
        for n in range(families):
            booking = book(
                session,
                f"parent{n}@example.com",
                at=start - timedelta(days=3),
                consent=True,
                send=True,
            )
            attendance_record(session=session, household=booking.household, attended=n % 2 == 0)
        with time_machine.travel(start + timedelta(hours=2), tick=False):
            with CaptureQueriesContext(connection) as queries:
                assert followups_due() == families
        return len(queries)

    assert queries_for(3, START) == queries_for(9, START + timedelta(days=1))
