"""Migration 0006 on data made before it: sessions get their local start date as their
series date (the first of two on one date keeps it), each excluded date becomes a range of
one day, and each branch gets its country from its time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("programmes", "0005_session_sequence")]
AFTER = [("programmes", "0006_series_keep_their_sessions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_sessions_exclusions_and_branches_are_carried_over():
    old = migrate(BEFORE)
    try:
        Branch = old.get_model("programmes", "Branch")
        Room = old.get_model("programmes", "Room")
        Programme = old.get_model("programmes", "Programme")
        Series = old.get_model("programmes", "Series")
        SeriesExclusion = old.get_model("programmes", "SeriesExclusion")
        Session = old.get_model("programmes", "Session")
        oslo = Branch.objects.create(name="Sandvika", slug="sandvika", time_zone="Europe/Oslo")
        Branch.objects.create(name="Lund", slug="lund", time_zone="Europe/Stockholm")
        Branch.objects.create(name="Tórshavn", slug="torshavn", time_zone="Atlantic/Faroe")
        room = Room.objects.create(branch=oslo, name="Luftslottet", capacity=30)
        programme = Programme.objects.create(name="Babydans", slug="babydans")
        series = Series.objects.create(
            programme=programme,
            room=room,
            weekdays=[2],
            start_time="23:30",
            end_time="23:59",
            start_date=date(2026, 11, 25),
            end_date=date(2026, 12, 2),
        )
        SeriesExclusion.objects.create(series=series, date=date(2026, 12, 2), reason="Jul")

        def session(starts_at):
            return Session.objects.create(
                programme=programme,
                series=series,
                room=room,
                starts_at=starts_at,
                ends_at=starts_at.replace(minute=59),
                capacity=10,
            )

        # 23:30 in Oslo on 25 November is 22:30 UTC: the series date is Oslo's.
        first = session(datetime(2026, 11, 25, 22, 30, tzinfo=UTC))
        # The old generation's duplicate of that date, after the first was moved.
        duplicate = session(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))

        new = migrate(AFTER)

        Session = new.get_model("programmes", "Session")
        assert Session.objects.get(pk=first.pk).series_date == date(2026, 11, 25)
        assert Session.objects.get(pk=duplicate.pk).series_date is None
        exclusion = new.get_model("programmes", "SeriesExclusion").objects.get()
        assert (exclusion.start_date, exclusion.end_date) == (date(2026, 12, 2), date(2026, 12, 2))
        countries = dict(
            new.get_model("programmes", "Branch").objects.values_list("slug", "country")
        )
        assert countries == {"sandvika": "NO", "lund": "SE", "torshavn": ""}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
