from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from programmes.eligibility import age_eligibility, age_in_months, party_eligibility
from programmes.models import Programme, Session
from programmes.selectors import sessions_for_child_born
from tests.factories import BranchFactory, ProgrammeFactory, RoomFactory, SessionFactory

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


class Kid:
    def __init__(self, first_name: str, birth_month: date) -> None:
        self.first_name, self.birth_month = first_name, birth_month


BABY = Kid("Ella", date(2026, 3, 1))  # 6 months on 1 September 2026
BIG_SISTER = Kid("Sofie", date(2023, 1, 1))  # 44 months then


def test_a_booking_needs_every_child_in_the_age_group_and_names_who_is_not():
    on = date(2026, 9, 1)
    assert party_eligibility(programme=BABYDANS, children=[BABY], on=on, every_child=True).eligible
    result = party_eligibility(
        programme=BABYDANS, children=[BABY, BIG_SISTER], on=on, every_child=True
    )
    assert not result.eligible
    assert result.reason.startswith("Sofie: Babydans is for children up to 12 months old.")


def test_a_family_offer_needs_one_child_in_the_age_group():
    on = date(2026, 9, 1)
    assert party_eligibility(
        programme=BABYDANS, children=[BIG_SISTER, BABY], on=on, every_child=False
    ).eligible
    result = party_eligibility(programme=BABYDANS, children=[BIG_SISTER], on=on, every_child=False)
    assert not result.eligible
    assert "up to 12 months" in result.reason


def test_programmes_by_grade_are_not_checked_by_age():
    assert party_eligibility(
        programme=LEKTIECAFE, children=[BABY], on=date(2026, 9, 1), every_child=True
    ).eligible


@pytest.mark.django_db
def test_the_birth_month_filter_in_sql_agrees_with_the_age_rule():
    """sessions_for_child_born (SQL, the session list's filter) and age_eligibility
    (Python, the booking's check) are one rule: they agree for every birth month."""
    oslo = BranchFactory(time_zone="Europe/Oslo")
    programme = ProgrammeFactory(min_age_months=3, max_age_months=12)
    zone = ZoneInfo("Europe/Oslo")
    # Just after midnight in Oslo is still the day before in UTC: the age is counted on
    # the branch's own date, in both.
    starts = [
        datetime(2026, 8, 31, 23, 30, tzinfo=zone),
        datetime(2026, 9, 1, 0, 30, tzinfo=zone),
        datetime(2026, 12, 31, 10, 0, tzinfo=zone),
        datetime(2027, 2, 28, 10, 0, tzinfo=zone),
    ]
    sessions = [
        SessionFactory(
            programme=programme,
            room=RoomFactory(branch=oslo),
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
        )
        for start in starts
    ]
    for months_back in range(30):
        year, month = divmod(2027 * 12 + 1 - months_back, 12)
        born = date(year, month + 1, 1)
        in_sql = set(
            sessions_for_child_born(Session.objects.all(), birth_month=born).values_list(
                "pk", flat=True
            )
        )
        in_python = {
            s.pk
            for s in sessions
            if age_eligibility(
                programme=programme, birth_date=born, on=s.local_start.date()
            ).eligible
        }
        assert in_sql == in_python, born
