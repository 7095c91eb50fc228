"""Duplicating in the admin with "Save as new": a session at another time (no bookings, no
series), and a series for another term (its own dates and sessions, none copied)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from bookings.models import Booking
from programmes.models import Series, SeriesExclusion, Session
from tests.bookings.support import book
from tests.operations.support import (
    WEDNESDAYS,
    change_url,
    household,
    live,
    local_times,
    series_form,
)

pytestmark = pytest.mark.django_db


def test_a_session_saved_as_new_is_a_session_of_its_own_without_bookings(
    client, wednesdays, librarian
):
    client.force_login(librarian)
    original = live(wednesdays)[0]
    book(original, household("anna@example.com"), direct=True)

    response = client.post(
        reverse("admin:programmes_session_change", args=[original.pk]),
        {
            "programme": original.programme_id,
            "room": original.room_id,
            "starts_at_0": "2026-11-27",
            "starts_at_1": "11:00",
            "ends_at_0": "2026-11-27",
            "ends_at_1": "12:00",
            "capacity": 12,
            "status": "scheduled",
            "cancellation_reason": "",
            "bookings-TOTAL_FORMS": "0",
            "bookings-INITIAL_FORMS": "0",
            "_saveasnew": "Save as new",
        },
        follow=True,
    )

    assert response.status_code == 200
    copy = Session.objects.exclude(series=wednesdays).get()
    assert f"{copy.local_start:%Y-%m-%d %H:%M}" == "2026-11-27 11:00"
    assert (copy.series, copy.series_date, copy.capacity) == (None, None, 12)
    assert copy.bookings.count() == 0
    assert Booking.objects.get().session == original
    original.refresh_from_db()
    assert f"{original.local_start:%Y-%m-%d %H:%M}" == "2026-11-25 11:00"


def test_a_session_saved_as_new_at_the_same_time_is_refused(client, wednesdays, librarian):
    client.force_login(librarian)
    original = live(wednesdays)[0]

    response = client.post(
        reverse("admin:programmes_session_change", args=[original.pk]),
        {
            "programme": original.programme_id,
            "room": original.room_id,
            "starts_at_0": "2026-11-25",
            "starts_at_1": "11:00",
            "ends_at_0": "2026-11-25",
            "ends_at_1": "12:00",
            "capacity": 12,
            "status": "scheduled",
            "cancellation_reason": "",
            "_saveasnew": "Save as new",
        },
    )

    assert response.status_code == 200
    assert "Luftslottet is already in use 25 Nov 2026" in response.text
    assert Session.objects.count() == 4


def test_a_series_saved_as_new_for_another_term_makes_its_own_sessions(
    client, wednesdays, librarian
):
    client.force_login(librarian)
    SeriesExclusion.objects.create(
        series=wednesdays, start_date=WEDNESDAYS[1], end_date=WEDNESDAYS[1], reason="Staff day"
    )
    book(live(wednesdays)[0], household("anna@example.com"), direct=True)

    response = client.post(
        change_url(wednesdays),
        {
            **series_form(
                wednesdays,
                title="Spring",
                start_date="2027-01-06",
                end_date="2027-01-27",
                skip_public_holidays=True,
            ),
            "_saveasnew": "Save as new",
        },
        follow=True,
    )

    spring = Series.objects.get(title="Spring")
    assert spring.pk != wednesdays.pk
    assert "4 sessions created" in response.text
    assert [s.series_date for s in live(spring)] == [
        date(2027, 1, 6),
        date(2027, 1, 13),
        date(2027, 1, 20),
        date(2027, 1, 27),
    ]
    assert not Booking.objects.filter(session__series=spring).exists()
    # The autumn term is as it was.
    assert Series.objects.get(pk=wednesdays.pk).title == "Autumn"
    assert local_times(live(wednesdays)) == [
        "2026-11-25 11:00",
        "2026-12-02 11:00",
        "2026-12-09 11:00",
        "2026-12-16 11:00",
    ]
    assert wednesdays.exclusions.count() == 1


def test_a_series_saved_as_new_with_the_same_dates_is_refused_with_the_dates_named(
    client, wednesdays, librarian
):
    client.force_login(librarian)

    response = client.post(
        change_url(wednesdays),
        {**series_form(wednesdays, title="Copy"), "_saveasnew": "Save as new"},
    )

    assert response.status_code == 200
    for day in ("25 Nov 2026", "2 Dec 2026", "9 Dec 2026", "16 Dec 2026"):
        assert f"Luftslottet is already in use {day} 11:00–12:00 by Babydans." in response.text
    assert not Series.objects.filter(title="Copy").exists()
