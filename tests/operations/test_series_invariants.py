"""Whatever a librarian does to a series, in whatever order — saving it again, generating
again, changing its time, room, weekdays, dates or excluded days (previewed, then carried
out as the admin does), moving or cancelling one of its sessions on the session's page,
cancelling the series, with the clock moving on between — a series never has two live
sessions on one date, nor two sessions for one of its dates, and a cancelled series makes
no new sessions. Hypothesis draws the sequences."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.errors import DomainError
from operations.services import (
    series_cancel,
    series_change_apply,
    series_change_preview,
    session_cancel,
    session_move,
)
from programmes.models import Series, SeriesExclusion, Session
from programmes.services import ExcludedDays, SeriesPlan, series_generate_sessions
from tests.bookings.support import book
from tests.factories import BranchFactory, RoomFactory, SeriesFactory, SessionFactory
from tests.operations.support import babydans, household

pytestmark = pytest.mark.django_db

# Monday 1 March 2027, 08:00 in Oslo.
START = datetime(2027, 3, 1, 7, tzinfo=UTC)
FIRST_DAY = date(2027, 3, 1)

STEPS = st.one_of(
    st.tuples(st.just("save again")),
    st.tuples(st.just("generate")),
    st.tuples(st.just("time"), st.integers(min_value=8, max_value=17)),
    st.tuples(
        st.just("weekdays"),
        st.sets(st.integers(min_value=0, max_value=6), min_size=1, max_size=3),
    ),
    st.tuples(st.just("last date"), st.integers(min_value=0, max_value=5)),
    st.tuples(
        st.just("exclude"),
        st.integers(min_value=0, max_value=35),
        st.integers(min_value=0, max_value=9),
    ),
    st.tuples(st.just("holidays"), st.booleans()),
    st.tuples(st.just("room"), st.integers(min_value=0, max_value=1)),
    st.tuples(
        st.just("move one"),
        st.integers(min_value=0, max_value=20),
        st.integers(min_value=-2, max_value=2),
        st.integers(min_value=-3, max_value=3),
    ),
    st.tuples(st.just("cancel one"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("cancel series")),
    st.tuples(st.just("clock"), st.integers(min_value=1, max_value=200)),
)


def edit(series_id: int, now: datetime, *, exclusion: ExcludedDays | None = None, **fields):
    """What the admin does with a change: preview it, and carry it out when it can be,
    all or nothing (SeriesExclusionFormSet, then SeriesAdmin.save_related)."""
    series = Series.objects.select_related("room__branch").get(pk=series_id)
    for name, value in fields.items():
        setattr(series, name, value)
    plan = SeriesPlan.of(series)
    if exclusion is not None:
        plan = SeriesPlan.of(series, [*plan.exclusions, exclusion])
    change = series_change_preview(series=series, plan=plan, now=now)
    if change.problems:
        return
    try:
        with transaction.atomic():
            series.save()
            if exclusion is not None:
                SeriesExclusion.objects.create(
                    series=series,
                    start_date=exclusion.start_date,
                    end_date=exclusion.end_date,
                    reason=exclusion.reason,
                )
            series_change_apply(series_id=series_id, change=change, reason="Changed.", now=now)
    except DomainError:
        pass


def coming(series_id: int, now: datetime) -> list[Session]:
    return list(
        Session.objects.filter(
            series_id=series_id, status=Session.Status.SCHEDULED, starts_at__gt=now
        ).order_by("starts_at")
    )


def run(step: tuple, series_id: int, rooms, now: datetime) -> None:
    kind, *args = step
    series = Series.objects.get(pk=series_id)
    if kind == "save again":
        edit(series_id, now)
    elif kind == "generate":
        try:
            series_generate_sessions(series=series, after=now)
        except DomainError:
            pass
    elif kind == "time":
        (hour,) = args
        edit(series_id, now, start_time=time(hour), end_time=time(hour + 1))
    elif kind == "weekdays":
        (days,) = args
        edit(series_id, now, weekdays=sorted(days))
    elif kind == "last date":
        (weeks,) = args
        edit(series_id, now, end_date=series.start_date + timedelta(weeks=weeks, days=6))
    elif kind == "exclude":
        offset, length = args
        first = FIRST_DAY + timedelta(days=offset)
        edit(series_id, now, exclusion=ExcludedDays(first, first + timedelta(days=length), "Ferie"))
    elif kind == "holidays":
        (skip,) = args
        edit(series_id, now, skip_public_holidays=skip)
    elif kind == "room":
        (which,) = args
        edit(series_id, now, room=rooms[which])
    elif kind == "move one":
        index, days, hours = args
        sessions = coming(series_id, now)
        if sessions:
            session = sessions[index % len(sessions)]
            shift = timedelta(days=days, hours=hours)
            try:
                session_move(
                    session_id=session.pk,
                    starts_at=session.starts_at + shift,
                    ends_at=session.ends_at + shift,
                    now=now,
                )
            except DomainError:
                pass
    elif kind == "cancel one":
        (index,) = args
        sessions = coming(series_id, now)
        if sessions:
            session_cancel(session_id=sessions[index % len(sessions)].pk, reason="Ill.")
    elif kind == "cancel series":
        series_cancel(series_id=series_id, reason="Closed.", now=now)


def assert_one_session_per_date(series_id: int, live_at_cancel: set[int] | None) -> None:
    sessions = list(Session.objects.filter(series_id=series_id).select_related("room__branch"))
    live = [s for s in sessions if s.status == Session.Status.SCHEDULED]
    days = sorted(s.local_start.date() for s in live)
    assert len(days) == len(set(days)), f"two live sessions on one day: {days}"
    dates = sorted(s.series_date for s in sessions if s.series_date is not None)
    assert len(dates) == len(set(dates)), f"two sessions for one series date: {dates}"
    if live_at_cancel is not None:
        assert {s.pk for s in live} <= live_at_cancel, "a cancelled series made a session"


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=10))
def test_a_series_never_has_two_live_sessions_on_one_date(steps):
    with transaction.atomic(), time_machine.travel(START, tick=False) as clock:
        branch = BranchFactory(time_zone="Europe/Oslo", country="NO")
        rooms = [RoomFactory(branch=branch), RoomFactory(branch=branch)]
        # Another programme in the first room on Wednesday afternoons: some changes clash.
        for week in range(6):
            SessionFactory(
                room=rooms[0],
                starts_at=datetime(2027, 3, 3, 13, tzinfo=UTC) + timedelta(weeks=week),
                ends_at=datetime(2027, 3, 3, 14, tzinfo=UTC) + timedelta(weeks=week),
            )
        series = SeriesFactory(
            programme=babydans(),
            room=rooms[0],
            weekdays=[0, 2],
            start_time=time(10),
            end_time=time(11),
            start_date=FIRST_DAY,
            end_date=FIRST_DAY + timedelta(weeks=4, days=6),
        )
        series_generate_sessions(series=series)
        book(series.sessions.order_by("starts_at")[2], household("anna@example.com"), direct=True)
        now = START
        live_at_cancel: set[int] | None = None
        for step in steps:
            if step[0] == "clock":
                now += timedelta(hours=step[1])
                clock.move_to(now)
                continue
            run(step, series.pk, rooms, now)
            if step[0] == "cancel series" and live_at_cancel is None:
                live_at_cancel = set(
                    Session.objects.filter(
                        series=series, status=Session.Status.SCHEDULED
                    ).values_list("pk", flat=True)
                )
            assert_one_session_per_date(series.pk, live_at_cancel)
        transaction.set_rollback(True)
