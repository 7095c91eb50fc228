from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from bookings.models import Booking
from bookings.selectors import waitlist_position
from bookings.services import BookingError, booking_cancel
from households.models import Household
from households.services import ChildInput
from programmes.models import Programme, Session
from tests.bookings.support import book
from tests.factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 1, 9, tzinfo=UTC)
# Session on Wednesday 3 June 2026 at 11:00 in Oslo (09:00 UTC).
SESSION_START = datetime(2026, 6, 3, 9, tzinfo=UTC)


@pytest.fixture
def babydans():
    return ProgrammeFactory(name="Babydans", min_age_months=3, max_age_months=12)


def make_session(programme, capacity=15, **kwargs):
    return SessionFactory(
        programme=programme,
        starts_at=SESSION_START,
        ends_at=SESSION_START + timedelta(hours=1),
        capacity=capacity,
        **kwargs,
    )


def babies(n):
    return [ChildInput(first_name=f"Baby{i}", birth_month=date(2026, 1, 1)) for i in range(n)]


def test_booking_with_places_left_is_confirmed(babydans):
    session = make_session(babydans)

    booking = book(session, at=NOW)

    assert booking.status == Booking.Status.CONFIRMED
    assert booking.places == 1
    assert [c.first_name for c in booking.children.all()] == ["Ella"]
    assert booking.household.email == "anna@example.com"


def test_capacity_in_children_counts_each_child(babydans):
    session = make_session(babydans, capacity=3)

    twins = book(session, "twins@example.com", children=babies(2), at=NOW)
    triplets = book(session, "triplets@example.com", children=babies(3), at=NOW)

    assert twins.places == 2
    assert twins.status == Booking.Status.CONFIRMED
    assert triplets.status == Booking.Status.WAITLISTED  # 2 + 3 > 3


def test_capacity_in_families_counts_a_family_as_one(babydans):
    babydans.capacity_unit = Programme.CapacityUnit.FAMILIES
    babydans.save()
    session = make_session(babydans, capacity=2)

    first = book(session, "a@example.com", children=babies(3), at=NOW)
    second = book(session, "b@example.com", children=babies(2), at=NOW)
    third = book(session, "c@example.com", children=babies(1), at=NOW)

    assert (first.places, second.places) == (1, 1)
    assert [first.status, second.status, third.status] == [
        Booking.Status.CONFIRMED,
        Booking.Status.CONFIRMED,
        Booking.Status.WAITLISTED,
    ]


def test_full_session_puts_the_household_on_the_waitlist_with_its_position(babydans):
    session = make_session(babydans, capacity=1)
    book(session, "first@example.com", at=NOW)

    second = book(session, "second@example.com", at=NOW)
    third = book(session, "third@example.com", at=NOW)

    assert second.status == Booking.Status.WAITLISTED
    assert waitlist_position(booking=second) == 1
    assert waitlist_position(booking=third) == 2


@pytest.mark.parametrize(
    ("birth_month", "ok"),
    [
        (date(2026, 3, 1), True),  # turns 3 months on 1 June, before the 3 June session
        (date(2026, 4, 1), False),  # 2 months on 3 June
        (date(2025, 6, 1), True),  # 12 months on 3 June
        (date(2025, 5, 1), False),  # turned 13 months on 1 June
    ],
)
def test_eligibility_is_by_age_on_the_session_date(babydans, birth_month, ok):
    session = make_session(babydans)
    child = ChildInput(first_name="Ole", birth_month=birth_month)

    if ok:
        assert book(session, children=[child], at=NOW).status == Booking.Status.CONFIRMED
    else:
        with pytest.raises(BookingError, match="Ole: Babydans is for children"):
            book(session, children=[child], at=NOW)
        assert not Booking.objects.exists()


def test_eligibility_edge_on_the_day_the_child_turns_3_months(babydans):
    """A session on 1 June: a March baby turns 3 months that very day."""
    session = SessionFactory(
        programme=babydans,
        starts_at=datetime(2026, 6, 1, 9, tzinfo=UTC),
        ends_at=datetime(2026, 6, 1, 10, tzinfo=UTC),
    )
    march = ChildInput(first_name="Mia", birth_month=date(2026, 3, 1))

    assert book(session, children=[march], at=NOW).status == Booking.Status.CONFIRMED


def test_eligibility_edge_on_the_day_the_child_turns_13_months(babydans):
    session = SessionFactory(
        programme=babydans,
        starts_at=datetime(2027, 4, 1, 9, tzinfo=UTC),
        ends_at=datetime(2027, 4, 1, 10, tzinfo=UTC),
    )
    march = ChildInput(first_name="Mia", birth_month=date(2026, 3, 1))

    with pytest.raises(BookingError, match="up to 12 months old"):
        book(session, children=[march], at=NOW)


def test_the_same_household_booking_the_same_session_again_keeps_its_one_booking(babydans):
    session = make_session(babydans)
    first = book(session, "anna@example.com", at=NOW)

    again = book(session, "  ANNA@Example.com ", children=["Ella", "Oskar"], at=NOW)

    assert again == first
    assert Booking.objects.count() == 1
    assert Household.objects.count() == 1
    assert [c.first_name for c in first.children.all()] == ["Ella"]


def test_after_cancelling_the_household_can_book_again(babydans):
    session = make_session(babydans)
    first = book(session, at=NOW)
    booking_cancel(booking_id=first.pk, now=NOW)

    again = book(session, at=NOW)

    assert again.status == Booking.Status.CONFIRMED


def test_cancellation_promotes_the_first_in_line(babydans, django_capture_on_commit_callbacks):
    session = make_session(babydans, capacity=1)
    confirmed = book(session, "a@example.com", at=NOW)
    first_in_line = book(session, "b@example.com", at=NOW)
    second_in_line = book(session, "c@example.com", at=NOW)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = booking_cancel(booking_id=confirmed.pk, now=NOW)

    assert promoted == [first_in_line]
    first_in_line.refresh_from_db()
    second_in_line.refresh_from_db()
    assert first_in_line.status == Booking.Status.CONFIRMED
    assert second_in_line.status == Booking.Status.WAITLISTED
    assert waitlist_position(booking=second_in_line) == 1
    promotions = [m for m in mail.outbox if "a place for you" in m.subject.lower()]
    assert [m.to for m in promotions] == [["b@example.com"]]


def test_a_family_is_not_split_and_does_not_block_a_smaller_one_behind(babydans):
    session = make_session(babydans, capacity=3)
    twins = book(session, "twins@example.com", children=babies(2), at=NOW)
    book(session, "single@example.com", children=babies(1), at=NOW)
    family_of_three = book(session, "three@example.com", children=babies(3), at=NOW)
    family_of_one = book(session, "one@example.com", children=babies(1), at=NOW)

    promoted = booking_cancel(booking_id=twins.pk, now=NOW)  # frees 2 places

    assert promoted == [family_of_one]
    family_of_three.refresh_from_db()
    assert family_of_three.status == Booking.Status.WAITLISTED
    assert waitlist_position(booking=family_of_three) == 1  # keeps its place in line


def test_leaving_the_waitlist_promotes_nobody(babydans):
    session = make_session(babydans, capacity=1)
    book(session, "a@example.com", at=NOW)
    waiting = book(session, "b@example.com", at=NOW)

    promoted = booking_cancel(booking_id=waiting.pk, now=NOW)

    waiting.refresh_from_db()
    assert promoted == []
    assert waiting.status == Booking.Status.CANCELLED


def test_cancelling_twice_is_harmless(babydans):
    booking = book(make_session(babydans), at=NOW)
    booking_cancel(booking_id=booking.pk, now=NOW)

    assert booking_cancel(booking_id=booking.pk, now=NOW) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Session.Status.CANCELLED}, "has been cancelled"),
        (
            {"starts_at": NOW - timedelta(minutes=5), "ends_at": NOW + timedelta(hours=1)},
            "already started",
        ),
    ],
)
def test_sessions_that_cannot_be_booked(babydans, change, message):
    session = make_session(babydans)
    Session.objects.filter(pk=session.pk).update(**change)

    with pytest.raises(BookingError, match=message):
        book(session, at=NOW)


def test_drop_in_programmes_take_no_bookings():
    lektiecafe = ProgrammeFactory(
        booking_mode=Programme.BookingMode.DROP_IN,
        audience_basis=Programme.AudienceBasis.SCHOOL_GRADE,
        min_grade=8,
        max_grade=10,
    )

    with pytest.raises(BookingError, match="just come along"):
        book(make_session(lektiecafe), at=NOW)


def test_a_booking_needs_a_child(babydans):
    with pytest.raises(BookingError, match="which child"):
        book(make_session(babydans), children=[], at=NOW)


def test_confirmation_is_sent_in_the_households_language_with_calendar_and_link(
    babydans, django_capture_on_commit_callbacks
):
    session = make_session(babydans)

    with django_capture_on_commit_callbacks(execute=True):
        book(session, language="da", at=NOW)

    (message,) = mail.outbox
    assert message.to == ["anna@example.com"]
    assert "Babydans" in message.subject
    assert "/manage/" in message.body
    filename, content, mimetype = message.attachments[0]
    assert (filename, mimetype) == ("familieliv.ics", "text/calendar; method=REQUEST")
    assert "BEGIN:VEVENT" in content
    assert "DTSTART;TZID=Europe/Oslo:20260603T110000" in content
    assert "BEGIN:VTIMEZONE" in content
    assert "Hej Anna" in message.body  # Danish


def test_followup_consent_is_kept_until_withdrawn(babydans):
    first = make_session(babydans)
    second = SessionFactory(
        programme=babydans,
        starts_at=SESSION_START + timedelta(days=7),
        ends_at=SESSION_START + timedelta(days=7, hours=1),
    )
    book(first, consent=True, at=NOW)

    book(second, consent=False, at=NOW)

    assert Household.objects.get().consents_to_followups is True


def test_text_mail_is_not_html_escaped_but_html_mail_is(django_capture_on_commit_callbacks):
    programme = ProgrammeFactory(name="Leg & Lær", min_age_months=0, max_age_months=24)
    session = make_session(programme)

    with django_capture_on_commit_callbacks(execute=True):
        book(session, name="Liv O'Brien", at=NOW)

    (message,) = mail.outbox
    assert "Leg & Lær" in message.subject
    assert "Hello Liv O'Brien," in message.body
    html = message.alternatives[0][0]
    assert "Leg &amp; Lær" in html
    assert "Liv O&#x27;Brien" in html


def test_another_booking_with_the_same_email_changes_nothing_of_the_household(babydans):
    first, second = (
        make_session(babydans),
        SessionFactory(
            programme=babydans,
            starts_at=SESSION_START + timedelta(days=7),
            ends_at=SESSION_START + timedelta(days=7, hours=1),
        ),
    )
    book(first, name="Anna", language="da", consent=False, at=NOW)

    book(second, name="Someone Else", language="en", consent=True, at=NOW)

    household = Household.objects.get()
    assert (household.name, household.language) == ("Anna", "da")
    assert household.consents_to_followups is False


def test_a_party_bigger_than_the_session_is_refused_not_waitlisted_forever(babydans):
    session = make_session(babydans, capacity=2)

    with pytest.raises(BookingError, match="cannot take 3 children at once"):
        book(session, children=babies(3), at=NOW)


def test_nobody_is_promoted_into_a_cancelled_session(babydans):
    session = make_session(babydans, capacity=1)
    confirmed = book(session, "a@example.com", at=NOW)
    waiting = book(session, "b@example.com", at=NOW)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)

    assert booking_cancel(booking_id=confirmed.pk, now=NOW) == []
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.WAITLISTED


def test_places_from_a_raised_capacity_go_to_the_waiting_family_first(babydans):
    session = make_session(babydans, capacity=1)
    book(session, "a@example.com", at=NOW)
    waiting = book(session, "b@example.com", at=NOW)
    Session.objects.filter(pk=session.pk).update(capacity=2)

    newcomer = book(session, "c@example.com", at=NOW)

    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert newcomer.status == Booking.Status.WAITLISTED


def test_a_cancelled_session_tells_everyone_booked_and_waiting_once(
    babydans, django_capture_on_commit_callbacks
):
    from operations.services import session_cancel

    session = make_session(babydans, capacity=1)
    book(session, "booked@example.com", at=NOW)
    book(session, "waiting@example.com", at=NOW)
    other_day = SessionFactory(
        programme=babydans,
        starts_at=SESSION_START + timedelta(days=1),
        ends_at=SESSION_START + timedelta(days=1, hours=1),
    )
    gone = book(other_day, "other@example.com", at=NOW)
    left = book(session, "left@example.com", at=NOW)
    booking_cancel(booking_id=left.pk, now=NOW)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        told = session_cancel(session_id=session.pk, reason="The room is flooded.")
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session_id=session.pk, reason="The room is flooded.")

    cancelled = [m for m in mail.outbox if m.subject.startswith("Cancelled: Babydans")]
    assert told == 2
    assert sorted(m.to[0] for m in cancelled) == ["booked@example.com", "waiting@example.com"]
    assert "The room is flooded." in cancelled[0].body
    assert "STATUS:CANCELLED" in cancelled[0].attachments[0][1]
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert gone.session.status == Session.Status.SCHEDULED
