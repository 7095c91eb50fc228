"""A librarian sees and edits only their branches' rows in the admin; a superuser sees all."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from households.models import Household
from partners.models import PartnerOrganisation, Partnership
from programmes.models import Room, Series, Session
from tests.factories import (
    BranchFactory,
    ProgrammeFactory,
    RoomFactory,
    SeriesFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def build_branch(name: str, programme):
    branch = BranchFactory(name=name)
    room = RoomFactory(branch=branch, name=f"{name} room")
    series = SeriesFactory(
        programme=programme,
        room=room,
        title=f"{name} series",
        start_date=date(2030, 1, 1),
        end_date=date(2030, 2, 1),
    )
    session = SessionFactory(programme=programme, room=room, series=series)
    organisation, _ = PartnerOrganisation.objects.get_or_create(name="Red Barnet", slug="rb")
    partnership = Partnership.objects.create(
        organisation=organisation, programme=programme, branch=branch, starts_on=date(2030, 1, 1)
    )
    household = Household.objects.create(
        email=f"{name}@example.com", name=f"{name} family", privacy_accepted_at=timezone.now()
    )
    booking = Booking.objects.create(
        session=session,
        household=household,
        places=1,
        status=Booking.Status.CONFIRMED,
        created_at=timezone.now(),
    )
    return {
        "booking": booking,
        "branch": branch,
        "room": room,
        "series": series,
        "session": session,
        "partnership": partnership,
    }


@pytest.fixture
def world():
    programme = ProgrammeFactory(name="Babydans")
    return {
        "own": build_branch("Sandvika", programme),
        "other": build_branch("Ballerup", programme),
    }


@pytest.fixture
def librarian(world, make_librarian):
    return make_librarian(world["own"]["branch"])


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "pw")


MODELS = [
    ("programmes", "branch"),
    ("programmes", "room"),
    ("programmes", "series"),
    ("programmes", "session"),
    ("partners", "partnership"),
    ("bookings", "booking"),
]


def changelist_rows(client, app, model):
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_librarian_lists_only_their_branches_rows(client, world, librarian, app, model):
    client.force_login(librarian)

    rows = changelist_rows(client, app, model)

    assert rows == {world["own"][model]}


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_librarian_cannot_open_another_branchs_row(client, world, librarian, app, model):
    client.force_login(librarian)
    other = world["other"][model]

    response = client.get(reverse(f"admin:{app}_{model}_change", args=[other.pk]))

    # The admin answers as if the row did not exist: back to the index, nothing shown.
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_librarian_can_open_their_own_row(client, world, librarian, app, model):
    client.force_login(librarian)
    own = world["own"][model]

    response = client.get(reverse(f"admin:{app}_{model}_change", args=[own.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_superuser_sees_every_branch(client, world, superuser, app, model):
    client.force_login(superuser)

    rows = changelist_rows(client, app, model)

    assert rows == {world["own"][model], world["other"][model]}


def test_librarian_cannot_add_a_room_to_another_branch(client, world, librarian):
    client.force_login(librarian)

    response = client.post(
        reverse("admin:programmes_room_add"),
        {"branch": world["other"]["branch"].pk, "name": "Sneaky", "capacity": 10},
    )

    assert response.status_code == 200
    assert "branch" in response.context["adminform"].form.errors
    assert not Room.objects.filter(name="Sneaky").exists()


def test_librarian_cannot_move_a_session_into_another_branchs_room(client, world, librarian):
    client.force_login(librarian)
    session = world["own"]["session"]
    local = session.starts_at.astimezone(OSLO)

    response = client.post(
        reverse("admin:programmes_session_change", args=[session.pk]),
        {
            "programme": session.programme.pk,
            "room": world["other"]["room"].pk,
            "starts_at_0": local.strftime("%Y-%m-%d"),
            "starts_at_1": "10:00",
            "ends_at_0": local.strftime("%Y-%m-%d"),
            "ends_at_1": "11:00",
            "capacity": 15,
            "status": "scheduled",
        },
    )

    assert response.status_code == 200
    assert "room" in response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.room == world["own"]["room"]


def test_librarian_only_offered_their_own_rooms(client, world, librarian):
    client.force_login(librarian)

    response = client.get(reverse("admin:programmes_series_add"))

    room_choices = set(response.context["adminform"].form.fields["room"].queryset)
    assert room_choices == {world["own"]["room"]}


def test_librarian_without_branches_sees_nothing(client, world, make_librarian):
    client.force_login(make_librarian())

    assert changelist_rows(client, "programmes", "session") == set()


def test_librarian_may_not_manage_memberships(client, world, librarian):
    client.force_login(librarian)

    response = client.get(
        reverse("admin:programmes_branch_change", args=[world["own"]["branch"].pk])
    )

    assert "librarians working here" not in response.content.decode()


def test_librarian_adds_a_series_and_its_sessions_appear(client, world, librarian):
    client.force_login(librarian)
    room = world["own"]["room"]

    response = client.post(
        reverse("admin:programmes_series_add"),
        {
            "programme": world["own"]["series"].programme.pk,
            "room": room.pk,
            "title": "Spring",
            "weekdays": ["0", "2", "3"],
            "start_time": "15:00",
            "end_time": "18:00",
            "start_date": "2031-03-03",
            "end_date": "2031-03-16",
            "exclusions-TOTAL_FORMS": "1",
            "exclusions-INITIAL_FORMS": "0",
            "exclusions-0-start_date": "2031-03-12",
            "exclusions-0-reason": "Staff day",
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
        },
        follow=True,
    )

    series = Series.objects.get(title="Spring")
    assert series.weekdays == [0, 2, 3]
    days = sorted(s.local_start.date() for s in series.sessions.all())
    assert days == [
        date(2031, 3, 3),
        date(2031, 3, 5),
        date(2031, 3, 6),
        date(2031, 3, 10),
        date(2031, 3, 13),
    ]
    assert "5 sessions created" in response.content.decode()


def test_series_without_weekdays_gets_a_clear_error(client, world, librarian):
    client.force_login(librarian)

    response = client.post(
        reverse("admin:programmes_series_add"),
        {
            "programme": world["own"]["series"].programme.pk,
            "room": world["own"]["room"].pk,
            "start_time": "15:00",
            "end_time": "18:00",
            "start_date": "2031-03-03",
            "end_date": "2031-03-16",
            "exclusions-TOTAL_FORMS": "0",
            "exclusions-INITIAL_FORMS": "0",
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["weekdays"] == ["Choose at least one weekday."]


def test_generate_sessions_action_refuses_a_clash_with_the_date_named(client, world, librarian):
    client.force_login(librarian)
    series = world["own"]["series"]
    series.weekdays = [2]
    series.start_time, series.end_time = time(11), time(12)
    series.start_date, series.end_date = date(2031, 3, 5), date(2031, 3, 19)
    series.save()
    SessionFactory(
        room=series.room,
        programme=ProgrammeFactory(name="Rim og regler"),
        starts_at=datetime(2031, 3, 12, 11, 30, tzinfo=OSLO),
        ends_at=datetime(2031, 3, 12, 12, 30, tzinfo=OSLO),
    )

    response = client.post(
        reverse("admin:programmes_series_changelist"),
        {"action": "generate_sessions", "_selected_action": [series.pk]},
        follow=True,
    )

    text = response.content.decode()
    assert "Nothing was saved: the room is taken on 1 of the dates." in text
    assert "12 Mar 2031" in text
    assert "Rim og regler" in text
    # None of the series' dates (other sessions of it, made by factories, may fall in 2031).
    assert not series.sessions.filter(starts_at__date__range=(series.start_date, series.end_date))


def test_conflicting_session_in_admin_shows_the_clash(client, world, librarian):
    client.force_login(librarian)
    existing = world["own"]["session"]
    local = existing.starts_at.astimezone(OSLO)

    response = client.post(
        reverse("admin:programmes_session_add"),
        {
            "programme": existing.programme.pk,
            "room": existing.room.pk,
            "starts_at_0": local.strftime("%Y-%m-%d"),
            "starts_at_1": local.strftime("%H:%M"),
            "ends_at_0": local.strftime("%Y-%m-%d"),
            "ends_at_1": (local.replace(hour=local.hour + 1)).strftime("%H:%M"),
            "capacity": 10,
            "status": "scheduled",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["room"]
    assert "is already in use" in errors[0]
    assert Session.objects.filter(room=existing.room).count() == 1


def test_librarian_cancels_a_booking_and_the_waitlist_moves_up(client, world, librarian):
    client.force_login(librarian)
    booking = world["own"]["booking"]
    session = booking.session
    session.capacity = 1
    session.save()
    waiting = Booking.objects.create(
        session=session,
        household=Household.objects.create(
            email="w@example.com", name="Waiting", privacy_accepted_at=timezone.now()
        ),
        places=1,
        status=Booking.Status.WAITLISTED,
        created_at=timezone.now(),
        waitlisted_at=timezone.now(),
    )

    chosen = {"action": "cancel_bookings", "_selected_action": [booking.pk]}
    url = reverse("admin:bookings_booking_changelist")
    asked = client.post(url, chosen)  # the reason is asked first: the family is told it
    booking.refresh_from_db()
    assert "Reason" in asked.content.decode()
    assert booking.status == Booking.Status.CONFIRMED

    response = client.post(
        url, {**chosen, "apply": "yes", "reason": "The room is too small."}, follow=True
    )

    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert waiting.status == Booking.Status.CONFIRMED
    assert "1 family moved up from the waitlist" in response.content.decode()
