from datetime import UTC, datetime, timedelta

import pytest
import time_machine
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

    response = client.get(reverse("bookings:home"))

    text = response.content.decode()
    assert "Bærum bibliotek Sandvika" in text
    assert "Babydans" in text
    assert "Past thing" not in text


def add_weekly_sessions(programme, room, weeks):
    start = timezone.now() + timedelta(days=1)
    for week in range(weeks):
        at = start + timedelta(weeks=week)
        SessionFactory(
            programme=programme, room=room, starts_at=at, ends_at=at + timedelta(hours=1)
        )


def test_home_shows_the_next_three_sessions_per_programme(client):
    add_weekly_sessions(ProgrammeFactory(name="Babydans"), RoomFactory(), weeks=10)

    response = client.get(reverse("bookings:home"))

    assert response.content.decode().count('<time datetime="') == 3


PAGES = [
    ("bookings:home", {}),
    ("bookings:sessions", {}),
    ("bookings:sessions", {"birth_month": "3", "birth_year": "2026"}),
]


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_listing_pages_issue_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, name, query
):
    """Two sessions or two hundred over several programmes and branches: the same queries."""
    for n in range(5):
        room = RoomFactory()
        add_weekly_sessions(ProgrammeFactory(name=f"P{n}"), room, weeks=40)

    with django_assert_max_num_queries(3):
        response = client.get(reverse(name), query)

    assert response.status_code == 200


def test_programme_page_issues_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    programme = ProgrammeFactory(name="Babydans")
    for _ in range(3):
        add_weekly_sessions(programme, RoomFactory(), weeks=30)

    with django_assert_max_num_queries(3):
        response = client.get(reverse("bookings:programme", args=[programme.slug]))

    assert response.status_code == 200
    assert response.content.decode().count("list-group-item") == 20  # one page


def test_home_leaves_out_cancelled_sessions(client):
    soon = timezone.now() + timedelta(days=2)
    SessionFactory(
        programme=ProgrammeFactory(name="Cancelled dance"),
        starts_at=soon,
        ends_at=soon + timedelta(hours=1),
        status=Session.Status.CANCELLED,
    )

    response = client.get(reverse("bookings:home"))

    assert "Cancelled dance" not in response.content.decode()
    assert "Nothing is planned just now" in response.content.decode()


def test_age_filter_counts_the_age_on_the_branchs_own_date(client):
    """22:00 on 31 May in Nuuk is already 1 June in Copenhagen: the child's age must be
    counted on Nuuk's date, as the booking check does."""
    nuuk = RoomFactory(branch__time_zone="America/Nuuk", branch__name="Nuuk")
    start = datetime(2030, 6, 1, 0, 0, tzinfo=UTC)  # 31 May 22:00 in Nuuk (UTC-2)
    SessionFactory(
        programme=ProgrammeFactory(name="Babydans Nuuk", min_age_months=4, max_age_months=12),
        room=nuuk,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )

    with time_machine.travel(datetime(2030, 5, 1, tzinfo=UTC)):
        # Born February 2030: 3 months on 31 May, 4 months on 1 June.
        response = client.get(
            reverse("bookings:sessions"), {"birth_month": "2", "birth_year": "2030"}
        )

    assert "Babydans Nuuk" not in response.content.decode()


def test_date_filter_uses_the_branchs_own_date(client):
    nuuk = RoomFactory(branch__time_zone="America/Nuuk")
    start = datetime(2030, 6, 1, 0, 0, tzinfo=UTC)  # 31 May in Nuuk
    SessionFactory(
        programme=ProgrammeFactory(name="Late in Nuuk"),
        room=nuuk,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )

    with time_machine.travel(datetime(2030, 5, 1, tzinfo=UTC)):
        on_31 = client.get(reverse("bookings:sessions"), {"date_from": "2030-05-31"})
        on_1 = client.get(reverse("bookings:sessions"), {"date_from": "2030-06-01"})

    assert "Late in Nuuk" in on_31.content.decode()
    assert "Late in Nuuk" not in on_1.content.decode()


@pytest.mark.parametrize(
    ("name", "args", "queries_when_cached"),
    [
        ("bookings:home", [], 0),
        ("bookings:sessions", [], 0),
        ("bookings:programme", ["babydans"], 0),
    ],
)
def test_a_listing_seen_again_within_seconds_comes_from_the_cache(
    client, django_assert_num_queries, name, args, queries_when_cached
):
    add_weekly_sessions(ProgrammeFactory(name="Babydans", slug="babydans"), RoomFactory(), 5)

    def main(response):
        text = response.content.decode()
        return text[text.index("<main") : text.index("</main>")]

    first = main(client.get(reverse(name, args=args)))

    with django_assert_num_queries(queries_when_cached):
        again = main(client.get(reverse(name, args=args)))

    assert again == first
    assert "Babydans" in again
