"""Fixtures of the tests of running the week: a frozen clock, and Babydans on four
Wednesdays in Luftslottet at Sandvika with a librarian there."""

from __future__ import annotations

from datetime import time

import pytest
import time_machine

from programmes.services import series_generate_sessions
from tests.factories import BranchFactory, RoomFactory, SeriesFactory
from tests.operations.support import NOW, WEDNESDAYS, babydans


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sandvika(db):
    return BranchFactory(name="Sandvika", time_zone="Europe/Oslo", country="NO")


@pytest.fixture
def librarian(make_librarian, sandvika):
    return make_librarian(sandvika)


@pytest.fixture
def luftslottet(sandvika):
    return RoomFactory(branch=sandvika, name="Luftslottet")


@pytest.fixture
def wednesdays(clock, luftslottet):
    """Babydans in Luftslottet on the four Wednesdays from 25 November, 11–12."""
    series = SeriesFactory(
        programme=babydans(),
        room=luftslottet,
        title="Autumn",
        weekdays=[2],
        start_time=time(11),
        end_time=time(12),
        start_date=WEDNESDAYS[0],
        end_date=WEDNESDAYS[-1],
    )
    series_generate_sessions(series=series)
    return series
