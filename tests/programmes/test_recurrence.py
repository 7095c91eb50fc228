from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from programmes.models import SeriesExclusion, Session
from programmes.services import SchedulingError, series_generate_sessions
from tests.factories import RoomFactory, SeriesFactory, SessionFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def local_starts(series):
    return [s.starts_at.astimezone(OSLO) for s in series.sessions.order_by("starts_at")]


def test_weekly_series_makes_a_session_on_each_chosen_weekday():
    # Lektiecafé: Monday, Wednesday and Thursday 15–18, two weeks from Monday 2 March 2026.
    series = SeriesFactory(
        weekdays=[0, 2, 3],
        start_time=time(15),
        end_time=time(18),
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 15),
    )

    result = series_generate_sessions(series=series)

    assert len(result.created) == 6
    assert [d.date() for d in local_starts(series)] == [
        date(2026, 3, 2),
        date(2026, 3, 4),
        date(2026, 3, 5),
        date(2026, 3, 9),
        date(2026, 3, 11),
        date(2026, 3, 12),
    ]
    session = series.sessions.first()
    assert session.local_start.time() == time(15)
    assert session.local_end.time() == time(18)
    assert session.capacity == series.programme.default_capacity
    assert session.programme == series.programme
    assert session.room == series.room


def test_excluded_dates_get_no_session():
    series = SeriesFactory(weekdays=[2], start_date=date(2026, 12, 2), end_date=date(2027, 1, 13))
    SeriesExclusion.objects.create(
        series=series, start_date=date(2026, 12, 23), end_date=date(2026, 12, 30), reason="Jul"
    )

    series_generate_sessions(series=series)

    days = [d.date() for d in local_starts(series)]
    assert date(2026, 12, 23) not in days
    assert date(2026, 12, 30) not in days
    assert days == [
        date(2026, 12, 2),
        date(2026, 12, 9),
        date(2026, 12, 16),
        date(2027, 1, 6),
        date(2027, 1, 13),
    ]


def test_running_again_creates_no_duplicates():
    series = SeriesFactory(weekdays=[1, 3], start_date=date(2026, 3, 1), end_date=date(2026, 3, 31))
    first = series_generate_sessions(series=series)

    second = series_generate_sessions(series=series)

    assert len(first.created) == 9
    assert second.created == []
    assert second.already_there == 9
    assert series.sessions.count() == 9


def test_extending_the_series_adds_only_the_new_dates():
    series = SeriesFactory(weekdays=[2], start_date=date(2026, 3, 1), end_date=date(2026, 3, 31))
    series_generate_sessions(series=series)
    series.end_date = date(2026, 4, 30)
    series.save()

    result = series_generate_sessions(series=series)

    assert len(result.created) == 5  # the Wednesdays of April
    assert result.already_there == 4
    assert series.sessions.count() == 9


def test_local_time_holds_across_the_change_to_summer_time():
    # Norway moves to summer time on Sunday 29 March 2026.
    series = SeriesFactory(
        weekdays=[2],
        start_time=time(11),
        end_time=time(12),
        start_date=date(2026, 3, 25),
        end_date=date(2026, 4, 1),
    )

    series_generate_sessions(series=series)

    before, after = series.sessions.order_by("starts_at")
    assert before.local_start.time() == after.local_start.time() == time(11)
    assert (after.starts_at - before.starts_at).total_seconds() == 7 * 24 * 3600 - 3600


def test_a_date_whose_room_is_taken_refuses_the_run_with_the_date_named():
    room = RoomFactory(name="Luftslottet")
    taken = SessionFactory(
        room=room,
        starts_at=datetime(2026, 3, 11, 10, 30, tzinfo=OSLO),
        ends_at=datetime(2026, 3, 11, 11, 30, tzinfo=OSLO),
    )
    series = SeriesFactory(
        room=room,
        weekdays=[2],
        start_time=time(11),
        end_time=time(12),
        start_date=date(2026, 3, 4),
        end_date=date(2026, 3, 18),
    )

    with pytest.raises(SchedulingError) as refused:
        series_generate_sessions(series=series)

    assert str(refused.value) == (
        "Nothing was saved: the room is taken on 1 of the dates. Luftslottet is already in use "
        f"11 Mar 2026 10:30–11:30 by {taken.programme.name}."
    )
    assert series.sessions.count() == 0


def test_a_cancelled_session_does_not_block_the_room():
    room = RoomFactory()
    SessionFactory(
        room=room,
        starts_at=datetime(2026, 3, 4, 11, tzinfo=OSLO),
        ends_at=datetime(2026, 3, 4, 12, tzinfo=OSLO),
        status=Session.Status.CANCELLED,
    )
    series = SeriesFactory(
        room=room, weekdays=[2], start_date=date(2026, 3, 4), end_date=date(2026, 3, 4)
    )

    result = series_generate_sessions(series=series)

    assert len(result.created) == 1


def test_sessions_left_on_a_newly_excluded_date_are_reported():
    series = SeriesFactory(weekdays=[2], start_date=date(2026, 3, 4), end_date=date(2026, 3, 18))
    series_generate_sessions(series=series)
    SeriesExclusion.objects.create(
        series=series, start_date=date(2026, 3, 11), end_date=date(2026, 3, 11)
    )

    result = series_generate_sessions(series=series)

    assert [s.local_start.date() for s in result.on_excluded_dates] == [date(2026, 3, 11)]
    assert result.created == []


def test_series_capacity_overrides_the_programme_default():
    series = SeriesFactory(
        capacity=8, weekdays=[2], start_date=date(2026, 3, 4), end_date=date(2026, 3, 4)
    )

    series_generate_sessions(series=series)

    assert series.sessions.get().capacity == 8
