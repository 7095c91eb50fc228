from datetime import date

import pytest

from programmes.eligibility import age_eligibility, age_in_months, grade_eligibility
from programmes.models import Programme

BABYDANS = Programme(name="Babydans", min_age_months=3, max_age_months=12)
LEKTIECAFE = Programme(
    name="Lektiecafé",
    audience_basis=Programme.AudienceBasis.SCHOOL_GRADE,
    min_grade=8,
    max_grade=10,
)


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (date(2026, 3, 1), date(2026, 3, 1), 0),
        (date(2026, 3, 1), date(2026, 5, 31), 2),
        (date(2026, 3, 1), date(2026, 6, 1), 3),
        (date(2026, 3, 15), date(2026, 6, 14), 2),
        (date(2026, 3, 15), date(2026, 6, 15), 3),
        (date(2025, 11, 1), date(2026, 12, 1), 13),
        (date(2026, 1, 31), date(2026, 2, 28), 0),
    ],
)
def test_age_in_whole_months(birth, on, months):
    assert age_in_months(birth_date=birth, on=on) == months


def test_age_before_birth_is_an_error():
    with pytest.raises(ValueError, match="before the child was born"):
        age_in_months(birth_date=date(2026, 3, 1), on=date(2026, 2, 1))


# A child born in March 2026 (birth month only, stored as the 1st) turns 3 months on
# 1 June 2026 and 13 months on 1 April 2027.
BORN_MARCH = date(2026, 3, 1)


def test_the_day_before_turning_3_months_is_too_young_with_a_clear_reason():
    result = age_eligibility(programme=BABYDANS, birth_date=BORN_MARCH, on=date(2026, 5, 31))
    assert not result.eligible
    assert result.reason == (
        "Babydans is for children from 3 months. On that day the child is 2 months."
    )


def test_the_day_of_turning_3_months_is_eligible():
    result = age_eligibility(programme=BABYDANS, birth_date=BORN_MARCH, on=date(2026, 6, 1))
    assert result.eligible
    assert result.reason == ""


def test_the_last_day_at_12_months_is_eligible():
    assert age_eligibility(programme=BABYDANS, birth_date=BORN_MARCH, on=date(2027, 3, 31)).eligible


def test_the_day_of_turning_13_months_is_too_old():
    result = age_eligibility(programme=BABYDANS, birth_date=BORN_MARCH, on=date(2027, 4, 1))
    assert not result.eligible
    assert result.reason == (
        "Babydans is for children up to 12 months old. On that day the child is 13 months."
    )


def test_an_unborn_child_is_not_eligible():
    result = age_eligibility(programme=BABYDANS, birth_date=date(2027, 1, 1), on=date(2026, 6, 1))
    assert not result.eligible


def test_open_ended_age_range():
    from_birth = Programme(name="Legelørdage", min_age_months=0, max_age_months=None)
    assert age_eligibility(
        programme=from_birth, birth_date=BORN_MARCH, on=date(2031, 1, 1)
    ).eligible


@pytest.mark.parametrize(("grade", "eligible"), [(7, False), (8, True), (10, True), (11, False)])
def test_grade_eligibility(grade, eligible):
    result = grade_eligibility(programme=LEKTIECAFE, grade=grade)
    assert result.eligible is eligible
    if not eligible:
        assert result.reason == "Lektiecafé is for pupils in grades 8 to 10."
