"""Turnover per partnership and term, checked against figures counted by hand."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import Partnership
from programmes.models import Session
from tests.factories import BranchFactory, RoomFactory, SessionFactory
from volunteers.models import Assignment, Certificate, Onboarding, Shift, Volunteer
from volunteers.turnover import Term, term_of, turnover

from .support import lektiecafe_programme, organisation

pytestmark = pytest.mark.django_db

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
SPRING_2026 = term_of(date(2026, 3, 1))
TODAY = date(2026, 3, 31)


def partnership(org=None) -> Partnership:
    room = RoomFactory(branch=BranchFactory(time_zone="Europe/Copenhagen"))
    return Partnership.objects.create(
        organisation=org or organisation(),
        programme=lektiecafe_programme(),
        branch=room.branch,
        starts_on=date(2020, 1, 1),
    )


def member(partnership: Partnership, name: str, joined=None, left=None, status="active"):
    person = Volunteer.objects.create(
        organisation=partnership.organisation,
        name=name,
        # One address per volunteer in an organisation: "Anna" of two partnerships is two.
        email=f"{name.lower()}.{partnership.pk}@example.com",
        status=status,
        joined_on=joined,
        left_on=left,
    )
    Onboarding.objects.create(volunteer=person, partnership=partnership)
    return person


def shift(partnership: Partnership, day: date, required: int, *statuses, cancelled=False):
    """A shift 15–18 on ``day`` at the partnership's branch, with one volunteer per status."""
    room = partnership.branch.rooms.first() or RoomFactory(branch=partnership.branch)
    session = SessionFactory(
        programme=partnership.programme,
        room=room,
        starts_at=datetime(day.year, day.month, day.day, 15, tzinfo=COPENHAGEN),
        ends_at=datetime(day.year, day.month, day.day, 18, tzinfo=COPENHAGEN),
        status=Session.Status.CANCELLED if cancelled else Session.Status.SCHEDULED,
    )
    made = Shift.objects.create(session=session, partnership=partnership, required_count=required)
    for n, status in enumerate(statuses):
        helper = Volunteer.objects.create(
            organisation=partnership.organisation,
            name=f"Helper {made.pk}-{n}",
            email=f"h{made.pk}-{n}@x.dk",
        )
        # Certified: a volunteer without a certificate for the day fills no place.
        Certificate.objects.create(
            volunteer=helper,
            kind=Certificate.Kind.BOERNEATTEST,
            checked_on=date(2020, 1, 1),
            valid_until=date(2099, 1, 1),
        )
        Assignment.objects.create(shift=made, volunteer=helper, status=status)
    return made


def test_terms_are_half_years_with_a_label():
    assert term_of(date(2026, 6, 30)) == Term(date(2026, 1, 1), date(2026, 6, 30), "Spring 2026")
    autumn = term_of(date(2026, 7, 1))
    assert (autumn.start, autumn.end, autumn.label) == (
        date(2026, 7, 1),
        date(2026, 12, 31),
        "Autumn 2026",
    )
    assert SPRING_2026.previous() == term_of(date(2025, 12, 31))
    assert SPRING_2026.next() == autumn


def test_volunteers_active_joined_left_and_median_tenure():
    lektiecafe = partnership()
    member(lektiecafe, "Anna", joined=date(2025, 9, 1))  # 211 days by 31 March
    member(lektiecafe, "Bo", joined=date(2026, 2, 1))  # joined this term: 58 days
    member(lektiecafe, "Cecilie", joined=date(2025, 8, 1), left=date(2026, 1, 31))  # 183
    member(lektiecafe, "Dan", joined=date(2025, 3, 1), left=date(2025, 12, 31), status="left")
    member(lektiecafe, "Emil", status="applicant")  # never active
    member(lektiecafe, "Freja", joined=date(2026, 5, 1))  # after today
    member(partnership(), "Gustav", joined=date(2026, 1, 5))

    [row] = turnover(partnerships=[lektiecafe], term=SPRING_2026, today=TODAY)

    assert (row.active, row.joined, row.left) == (3, 1, 1)
    assert row.median_tenure_days == 183


def test_median_tenure_of_an_even_number_is_the_middle_of_the_two():
    club = partnership()
    member(club, "Anna", joined=date(2025, 9, 1))  # 211
    member(club, "Hans", joined=date(2026, 1, 10))  # 80

    [row] = turnover(partnerships=[club], term=SPRING_2026, today=TODAY)

    assert row.median_tenure_days == 145.5


def test_a_volunteer_in_two_partnerships_counts_in_each():
    first, second = partnership(), partnership()
    anna = member(first, "Anna", joined=date(2025, 9, 1))
    Onboarding.objects.create(volunteer=anna, partnership=second)

    rows = turnover(partnerships=[first, second], term=SPRING_2026, today=TODAY)

    assert [row.active for row in rows] == [1, 1]


def test_fill_rate_no_show_rate_and_hours_over_the_terms_shifts_so_far():
    s = Assignment.Status
    lektiecafe = partnership()
    shift(lektiecafe, date(2026, 1, 12), 2, s.DONE, s.DONE)
    # One more than needed: fills no more than the two places.
    shift(lektiecafe, date(2026, 2, 9), 2, s.DONE, s.NO_SHOW, s.DONE)
    # Only the confirmed one fills a place.
    shift(lektiecafe, date(2026, 3, 9), 3, s.CONFIRMED, s.PROPOSED, s.DECLINED, s.CANCELLED)
    shift(lektiecafe, date(2026, 4, 13), 2)  # after today
    shift(lektiecafe, date(2025, 12, 8), 2)  # last term
    shift(lektiecafe, date(2026, 3, 2), 2, cancelled=True)

    [row] = turnover(partnerships=[lektiecafe], term=SPRING_2026, today=TODAY)

    assert row.fill_rate == pytest.approx(5 / 7)
    assert row.no_show_rate == pytest.approx(1 / 5)
    assert row.hours == 12  # four times came, three hours each


def test_a_partnership_with_nothing_yet_has_no_rates():
    empty = partnership()
    shift(partnership(), date(2026, 3, 16), 1)

    [row] = turnover(partnerships=[empty], term=SPRING_2026, today=TODAY)

    assert (row.active, row.joined, row.left, row.hours) == (0, 0, 0, 0)
    assert (row.median_tenure_days, row.fill_rate, row.no_show_rate) == (None, None, None)


def test_an_unstaffed_shift_is_a_fill_rate_of_nothing():
    club = partnership()
    shift(club, date(2026, 3, 16), 1)

    [row] = turnover(partnerships=[club], term=SPRING_2026, today=TODAY)

    assert row.fill_rate == 0
    assert row.no_show_rate is None


def test_a_session_belongs_to_the_term_by_the_branchs_own_calendar():
    club = partnership()
    made = shift(club, date(2026, 1, 1), 1, Assignment.Status.DONE)
    # Half past midnight on New Year's Day in Copenhagen is still 31 December in UTC.
    made.session.starts_at = datetime(2026, 1, 1, 0, 30, tzinfo=COPENHAGEN)
    made.session.ends_at = made.session.starts_at + timedelta(hours=2)
    made.session.save()

    [spring] = turnover(partnerships=[club], term=SPRING_2026, today=TODAY)
    [autumn] = turnover(partnerships=[club], term=SPRING_2026.previous(), today=TODAY)

    assert (spring.fill_rate, spring.hours) == (1, 2)
    assert autumn.fill_rate is None


def test_a_term_that_has_not_begun_counts_nothing():
    club = partnership()
    member(club, "Anna", joined=date(2025, 9, 1))

    [row] = turnover(partnerships=[club], term=SPRING_2026.next(), today=TODAY)

    assert (row.active, row.median_tenure_days) == (0, None)


def test_the_same_few_queries_for_one_partnership_or_many():
    def queries(count: int) -> int:
        made = []
        for n in range(count):
            each = partnership()
            member(each, f"Anna{n}", joined=date(2025, 9, 1))
            shift(each, date(2026, 2, 2 + n), 2, Assignment.Status.DONE)
            made.append(each.pk)
        with CaptureQueriesContext(connection) as captured:
            rows = turnover(
                partnerships=Partnership.objects.filter(pk__in=made),
                term=SPRING_2026,
                today=TODAY,
            )
            [str(row.partnership) for row in rows]
        assert len(rows) == count
        return len(captured)

    assert queries(1) == queries(5) == 3
