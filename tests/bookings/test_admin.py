from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance
from bookings.models import Booking
from households.models import Household
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def household(email):
    return Household.objects.create(email=email, name=email, privacy_accepted_at=timezone.now())


def test_raising_capacity_in_the_admin_moves_the_waitlist_up(
    client, make_librarian, django_capture_on_commit_callbacks
):
    start = timezone.now() + timedelta(days=5)
    session = SessionFactory(starts_at=start, ends_at=start + timedelta(hours=1), capacity=1)
    now = timezone.now()
    Booking.objects.create(
        session=session,
        household=household("a@example.com"),
        places=1,
        status=Booking.Status.CONFIRMED,
        created_at=now,
    )
    waiting = Booking.objects.create(
        session=session,
        household=household("b@example.com"),
        places=1,
        status=Booking.Status.WAITLISTED,
        created_at=now,
        waitlisted_at=now,
    )
    client.force_login(make_librarian(session.room.branch))
    local = session.local_start

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:programmes_session_change", args=[session.pk]),
            {
                "programme": session.programme.pk,
                "room": session.room.pk,
                "starts_at_0": local.strftime("%Y-%m-%d"),
                "starts_at_1": local.strftime("%H:%M"),
                "ends_at_0": session.local_end.strftime("%Y-%m-%d"),
                "ends_at_1": session.local_end.strftime("%H:%M"),
                "capacity": 2,
                "status": "scheduled",
                "bookings-TOTAL_FORMS": "2",
                "bookings-INITIAL_FORMS": "2",
                "bookings-0-id": Booking.objects.order_by("pk")[0].pk,
                "bookings-0-session": session.pk,
                "bookings-1-id": waiting.pk,
                "bookings-1-session": session.pk,
            },
            follow=True,
        )

    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert "1 family moved up from the waitlist" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["b@example.com"]]


def test_session_page_in_the_admin_lists_its_bookings(client, make_librarian):
    start = timezone.now() + timedelta(days=5)
    session = SessionFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    Booking.objects.create(
        session=session,
        household=household("anna@example.com"),
        places=1,
        status=Booking.Status.CONFIRMED,
        created_at=timezone.now(),
    )
    client.force_login(make_librarian(session.room.branch))

    response = client.get(reverse("admin:programmes_session_change", args=[session.pk]))

    assert "anna@example.com" in response.content.decode()


def test_a_bookings_page_shows_what_the_household_was_told(
    client, make_librarian, django_capture_on_commit_callbacks
):
    from bookings.services import booking_create
    from households.services import ChildInput
    from tests.factories import ProgrammeFactory

    start = timezone.now() + timedelta(days=5)
    session = SessionFactory(
        programme=ProgrammeFactory(min_age_months=0, max_age_months=36),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    birth = timezone.localdate().replace(day=1) - timedelta(days=200)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            session_id=session.pk,
            name="Anna",
            email="anna@example.com",
            language="en",
            children=[ChildInput("Ella", birth.replace(day=1))],
        )
    client.force_login(make_librarian(session.room.branch))

    page = client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))

    assert "booking_confirmed – Sent" in page.content.decode()


def test_cancelling_a_session_in_the_admin_tells_the_households(
    client, make_librarian, django_capture_on_commit_callbacks
):
    start = timezone.now() + timedelta(days=5)
    session = SessionFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    booking = Booking.objects.create(
        session=session,
        household=household("anna@example.com"),
        places=1,
        status=Booking.Status.CONFIRMED,
        created_at=timezone.now(),
    )
    client.force_login(make_librarian(session.room.branch))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:programmes_session_change", args=[session.pk]),
            {
                "programme": session.programme.pk,
                "room": session.room.pk,
                "starts_at_0": session.local_start.strftime("%Y-%m-%d"),
                "starts_at_1": session.local_start.strftime("%H:%M"),
                "ends_at_0": session.local_end.strftime("%Y-%m-%d"),
                "ends_at_1": session.local_end.strftime("%H:%M"),
                "capacity": session.capacity,
                "status": "cancelled",
                "cancellation_reason": "Sickness",
                "bookings-TOTAL_FORMS": "1",
                "bookings-INITIAL_FORMS": "1",
                "bookings-0-id": booking.pk,
                "bookings-0-session": session.pk,
            },
            follow=True,
        )

    assert "1 household was told the session is cancelled" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
    assert "Sickness" in mail.outbox[0].body


def test_librarian_marks_who_came_from_the_bookings_list(client, make_librarian):
    start = timezone.now() - timedelta(hours=3)
    session = SessionFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    came, missed = (
        Booking.objects.create(
            session=session,
            household=household(email),
            places=1,
            status=Booking.Status.CONFIRMED,
            created_at=start - timedelta(days=2),
        )
        for email in ("a@example.com", "b@example.com")
    )
    librarian = make_librarian(session.room.branch)
    client.force_login(librarian)
    changelist = reverse("admin:bookings_booking_changelist")

    client.post(changelist, {"action": "mark_came", "_selected_action": [came.pk]})
    client.post(changelist, {"action": "mark_missed", "_selected_action": [missed.pk]})
    page = client.get(changelist)

    recorded = {a.household.email: (a.attended, a.recorded_by) for a in Attendance.objects.all()}
    assert recorded == {"a@example.com": (True, librarian), "b@example.com": (False, librarian)}
    assert page.status_code == 200
    assert page.content.decode().count('alt="True"') == 1  # the "attended" column
