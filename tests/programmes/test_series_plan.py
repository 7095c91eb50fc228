"""A series' plan: its dates, the days it leaves out (excluded date ranges, the public
holidays of the branch's country) and the sessions it makes, each carrying its date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Series, SeriesExclusion, Session
from programmes.public_holidays import public_holidays
from programmes.services import (
    ExcludedDays,
    SchedulingError,
    SeriesPlan,
    series_generate_sessions,
)
from tests.factories import BranchFactory, RoomFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def test_public_holidays_come_in_the_countrys_own_language():
    easter = (date(2027, 3, 25), date(2027, 3, 29))

    assert public_holidays(country="DK", first=easter[0], last=easter[1]) == {
        date(2027, 3, 25): "Skærtorsdag",
        date(2027, 3, 26): "Langfredag",
        date(2027, 3, 28): "Påskedag",
        date(2027, 3, 29): "Anden påskedag",
    }
    assert public_holidays(country="NO", first=easter[0], last=easter[1])[date(2027, 3, 25)] == (
        "Skjærtorsdag"
    )
    # Sweden keeps no Maundy Thursday; its national day is 6 June.
    assert date(2027, 3, 25) not in public_holidays(country="SE", first=easter[0], last=easter[1])
    assert public_holidays(country="SE", first=date(2027, 6, 6), last=date(2027, 6, 6)) == {
        date(2027, 6, 6): "Nationaldagen"
    }


def test_a_branch_without_a_country_has_no_public_holidays():
    assert public_holidays(country="", first=date(2027, 1, 1), last=date(2027, 12, 31)) == {}


def plan_of(country: str = "DK", **values) -> SeriesPlan:
    room = RoomFactory(branch=BranchFactory(time_zone="Europe/Copenhagen", country=country))
    values = {
        "weekdays": (3,),  # Thursdays
        "start_time": time(10),
        "end_time": time(11),
        "start_date": date(2027, 3, 4),
        "end_date": date(2027, 4, 29),
        **values,
    }
    return SeriesPlan(room=room, **values)


def test_a_plan_leaves_out_its_excluded_ranges_and_holidays_on_its_weekdays():
    plan = plan_of(
        exclusions=(ExcludedDays(date(2027, 4, 5), date(2027, 4, 16), "Vinterferie"),),
        skip_public_holidays=True,
    )

    assert plan.left_out() == {
        date(2027, 3, 25): "Skærtorsdag",
        date(2027, 4, 8): "Vinterferie",
        date(2027, 4, 15): "Vinterferie",
    }
    assert list(plan.slots()) == [
        date(2027, 3, 4),
        date(2027, 3, 11),
        date(2027, 3, 18),
        date(2027, 4, 1),
        date(2027, 4, 22),
        date(2027, 4, 29),
    ]


def test_holidays_count_only_when_the_series_leaves_them_out():
    assert date(2027, 3, 25) in plan_of().slots()
    assert date(2027, 3, 25) not in plan_of(skip_public_holidays=True).slots()


def test_slots_are_wall_clock_times_at_the_branch():
    plan = plan_of(start_date=date(2027, 3, 25), end_date=date(2027, 4, 1))

    slots = plan.slots()

    # Denmark moves to summer time on 28 March 2027.
    assert slots[date(2027, 3, 25)].starts_at == datetime(2027, 3, 25, 9, tzinfo=UTC)
    assert slots[date(2027, 4, 1)].starts_at == datetime(2027, 4, 1, 8, tzinfo=UTC)


def test_each_session_carries_its_series_date_and_a_date_is_made_once():
    series = SeriesFactory(weekdays=[2], start_date=date(2026, 3, 4), end_date=date(2026, 3, 18))
    series_generate_sessions(series=series)

    assert sorted(series.sessions.values_list("series_date", flat=True)) == [
        date(2026, 3, 4),
        date(2026, 3, 11),
        date(2026, 3, 18),
    ]
    first = series.sessions.order_by("starts_at").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            programme=series.programme,
            series=series,
            series_date=first.series_date,
            room=first.room,
            starts_at=first.starts_at.replace(hour=20),
            ends_at=first.ends_at.replace(hour=21),
            capacity=5,
            status=Session.Status.CANCELLED,
        )


def test_a_cancelled_sessions_date_is_not_made_again():
    series = SeriesFactory(weekdays=[2], start_date=date(2026, 3, 4), end_date=date(2026, 3, 18))
    series_generate_sessions(series=series)
    series.sessions.filter(series_date=date(2026, 3, 11)).update(status=Session.Status.CANCELLED)

    result = series_generate_sessions(series=series)

    assert (result.created, result.already_there) == ([], 3)
    assert series.sessions.filter(series_date=date(2026, 3, 11)).count() == 1


def test_generation_after_a_moment_makes_only_the_dates_after_it():
    series = SeriesFactory(weekdays=[2], start_date=date(2026, 3, 4), end_date=date(2026, 3, 18))

    result = series_generate_sessions(series=series, after=datetime(2026, 3, 10, tzinfo=UTC))

    assert [s.series_date for s in result.created] == [date(2026, 3, 11), date(2026, 3, 18)]


def test_a_cancelled_series_refuses_to_make_sessions():
    series = SeriesFactory(cancelled_at=datetime(2026, 1, 1, tzinfo=UTC))

    with pytest.raises(SchedulingError, match="This series is cancelled"):
        series_generate_sessions(series=series)
    assert not series.sessions.exists()


def test_an_excluded_range_of_one_day_needs_only_its_first_date():
    exclusion = SeriesExclusion(series=SeriesFactory(), start_date=date(2026, 3, 11))

    exclusion.full_clean()

    assert exclusion.end_date == date(2026, 3, 11)


def test_an_excluded_range_must_not_end_before_it_starts():
    exclusion = SeriesExclusion(
        series=SeriesFactory(), start_date=date(2026, 3, 11), end_date=date(2026, 3, 10)
    )

    with pytest.raises(ValidationError) as refused:
        exclusion.full_clean()

    assert refused.value.message_dict["end_date"] == ["The last day must not be before the first."]


def test_a_series_runs_two_years_at_most():
    series = Series(start_date=date(2026, 1, 1), end_date=date(2030, 1, 1))

    with pytest.raises(ValidationError) as refused:
        series.clean()

    assert refused.value.message_dict["end_date"] == [
        "A series runs for two years at most: make another after it."
    ]
