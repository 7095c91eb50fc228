"""Fixtures the volunteer tests share."""

from datetime import UTC, datetime

import pytest
import time_machine

# Monday 1 February 2027: the four weeks from next Monday lie well inside the spring term.
EARLY_IN_A_TERM = datetime(2027, 2, 1, 9, tzinfo=UTC)


@pytest.fixture
def early_in_a_term():
    """The clock early in a term, for tests of "every week this term": without it, a run
    in late June or December would see the term end inside the four weeks. List it before
    the fixtures that build the term."""
    with time_machine.travel(EARLY_IN_A_TERM, tick=False) as traveller:
        yield traveller
