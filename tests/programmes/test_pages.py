from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Session
from tests.factories import ProgrammeFactory, RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_health_answers_ok_with_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_home_lists_upcoming_sessions_by_branch(client):
    room = RoomFactory(name="Luftslottet", branch__name="Bærum bibliotek Sandvika")
    soon = timezone.now() + timedelta(days=2)
    SessionFactory(
        programme=ProgrammeFactory(name="Babydans"),
        room=room,
        starts_at=soon,
        ends_at=soon + timedelta(hours=1),
    )
    SessionFactory(
        programme=ProgrammeFactory(name="Past thing"),
        room=room,
        starts_at=datetime(2020, 1, 1, tzinfo=UTC),
        ends_at=datetime(2020, 1, 1, 1, tzinfo=UTC),
    )

    response = client.get(reverse("programmes:home"))

    text = response.content.decode()
    assert "Bærum bibliotek Sandvika" in text
    assert "Babydans" in text
    assert "Past thing" not in text


def test_home_shows_at_most_three_sessions_per_programme_in_one_query(
    client, django_assert_num_queries
):
    room = RoomFactory()
    programme = ProgrammeFactory(name="Babydans")
    start = timezone.now() + timedelta(days=1)
    for week in range(10):
        at = start + timedelta(weeks=week)
        SessionFactory(
            programme=programme, room=room, starts_at=at, ends_at=at + timedelta(hours=1)
        )

    with django_assert_num_queries(1):
        response = client.get(reverse("programmes:home"))

    assert response.content.decode().count("<time ") == 3


def test_home_leaves_out_cancelled_sessions(client):
    soon = timezone.now() + timedelta(days=2)
    SessionFactory(
        programme=ProgrammeFactory(name="Cancelled dance"),
        starts_at=soon,
        ends_at=soon + timedelta(hours=1),
        status=Session.Status.CANCELLED,
    )

    response = client.get(reverse("programmes:home"))

    assert "Cancelled dance" not in response.content.decode()
    assert "Nothing is planned just now" in response.content.decode()
