"""A funded project's reach against its targets, on a data set worked out by hand.

The project: programmes "Legelørdage" (booked) and "Småbørnsklub" (a course) at Ballerup,
the year 2026, read on 1 July 2026 (182 of the year's 365 days gone by).
"""

from datetime import date

import pytest

from bookings.models import Booking
from courses.models import Enrolment
from programmes.models import Programme, Session
from reports.funding import Pace, elapsed_share, project_reach
from reports.models import ProjectTarget
from tests.bookings.support import book
from volunteers.models import Assignment

from .funding_support import (
    at,
    branch,
    came,
    child,
    course,
    enrol,
    household,
    programme,
    project,
    room,
    session,
    volunteers_on,
)

pytestmark = pytest.mark.django_db

Measure = ProjectTarget.Measure
MID_YEAR = date(2026, 7, 1)


@pytest.fixture
def world():
    ballerup, elsewhere = branch("Ballerup Bibliotek"), branch("Herlev Bibliotek")
    hall, other_hall = room(ballerup), room(elsewhere)
    play = programme("Legelørdage")
    club = programme("Småbørnsklub", Programme.BookingMode.COURSE)
    story = programme("Eventyrtime")  # not the project's

    march = session(play, hall, date(2026, 3, 7))
    april = session(play, hall, date(2026, 4, 4))
    cancelled = session(play, hall, date(2026, 4, 11), status=Session.Status.CANCELLED)
    august = session(play, hall, date(2026, 8, 1))  # after "today"
    last_autumn = session(play, hall, date(2025, 11, 1))  # before the period
    at_herlev = session(play, other_hall, date(2026, 3, 7))
    other_programme = session(story, hall, date(2026, 3, 14))
    club_course = course(club, hall, date(2026, 2, 3), date(2026, 6, 30))
    meeting_1 = session(club, hall, date(2026, 2, 3), series=club_course.series)
    meeting_2 = session(club, hall, date(2026, 2, 10), series=club_course.series)

    # Ann and Bo came in March and April; their family came last autumn, so it is not new.
    returning = household("Returning")
    ann, bo = child(returning, "Ann"), child(returning, "Bo")
    book(march, returning, children=[ann, bo], direct=True)
    came(march, returning)
    book(april, returning, children=[ann], direct=True)
    came(april, returning)
    book(last_autumn, returning, children=[ann], direct=True)
    came(last_autumn, returning)

    # Cy missed March but came in April: new this year.
    new = household("New")
    cy = child(new, "Cy")
    book(march, new, children=[cy], direct=True)
    came(march, new, attended=False)
    book(april, new, children=[cy], direct=True)
    came(april, new)

    # Di came only where the project does not count: another branch, another programme,
    # and is booked for August, still to come.
    outside = household("Outside")
    di = child(outside, "Di")
    for where in (at_herlev, other_programme):
        book(where, outside, children=[di], direct=True)
        came(where, outside)
    book(august, outside, children=[di], direct=True)

    # Ed and Fi's family is on the course and came to the first meeting.
    club_family = household("Club")
    ed, fi = child(club_family, "Ed"), child(club_family, "Fi")
    enrol(club_course, club_family, [ed, fi])
    came(meeting_1, club_family)
    came(meeting_2, club_family, attended=False)

    # Booked, but nobody recorded whether Gu came; Hal's family cancelled.
    unrecorded = household("Unrecorded")
    book(march, unrecorded, children=[child(unrecorded, "Gu")], direct=True)
    cancelling = household("Cancelling")
    book(
        april,
        cancelling,
        children=[child(cancelling, "Hal")],
        status=Booking.Status.CANCELLED,
        direct=True,
    )

    # Volunteers: two came to March's two hours, one did not; one came at Herlev; one is
    # marked as came on the cancelled Saturday (by mistake: it was cancelled).
    volunteers_on(march, Assignment.Status.DONE, Assignment.Status.DONE, Assignment.Status.NO_SHOW)
    volunteers_on(at_herlev, Assignment.Status.DONE)
    volunteers_on(cancelled, Assignment.Status.DONE)

    return {
        "ballerup": ballerup,
        "elsewhere": elsewhere,
        "hall": hall,
        "play": play,
        "club": club,
    }


def achieved(report) -> dict[str, float]:
    return {m.measure: m.achieved for m in report.measures}


def test_each_figure_counts_only_the_projects_programmes_branches_and_period(world):
    funded = project(programmes=[world["play"], world["club"]], branches=[world["ballerup"]])

    report = project_reach(project=funded, today=MID_YEAR)

    assert achieved(report) == {
        # Ann, Bo, Cy; Ed and Fi through the course. Not Di (elsewhere), Gu (no record),
        # Hal (cancelled).
        Measure.CHILDREN: 5,
        # Returning, New, Club.
        Measure.HOUSEHOLDS: 3,
        # New and Club: Returning came last autumn.
        Measure.NEW_HOUSEHOLDS: 2,
        # Returning twice, New once, Club once.
        Measure.ATTENDANCES: 4,
        # March, April, the two meetings: not the cancelled, August, last autumn, Herlev or
        # the other programme's session.
        Measure.SESSIONS: 4,
        # Two volunteers for two hours; not the no-show, Herlev or the cancelled Saturday.
        Measure.VOLUNTEER_HOURS: 4.0,
    }
    assert report.counted_until == MID_YEAR
    assert [b.name for b in report.branches] == ["Ballerup Bibliotek"]


def test_reach_against_target_with_the_expected_share_at_an_even_pace(world):
    funded = project(
        programmes=[world["play"], world["club"]],
        branches=[world["ballerup"]],
        targets={Measure.CHILDREN: 10, Measure.SESSIONS: 12, Measure.NEW_HOUSEHOLDS: 2},
    )

    report = project_reach(project=funded, today=MID_YEAR)

    targets = {m.measure: m for m in report.targets}
    assert set(targets) == {Measure.CHILDREN, Measure.SESSIONS, Measure.NEW_HOUSEHOLDS}
    # 1 January to 1 July: 182 of 365 days.
    assert report.elapsed_share == pytest.approx(182 / 365)
    children = targets[Measure.CHILDREN]
    assert (children.achieved, children.target, children.share) == (5, 10, 0.5)
    assert children.expected_share == pytest.approx(0.4986, abs=1e-4)
    assert children.pace == Pace.ON_TRACK  # 50 % reached, 49.9 % expected
    assert targets[Measure.SESSIONS].share == pytest.approx(4 / 12)
    assert targets[Measure.SESSIONS].pace == Pace.BEHIND
    assert targets[Measure.NEW_HOUSEHOLDS].pace == Pace.REACHED
    # The measures without a target are still reported, after those with one.
    assert [m.measure for m in report.measures[:3]] == [
        Measure.CHILDREN,
        Measure.NEW_HOUSEHOLDS,
        Measure.SESSIONS,
    ]
    assert {m.measure for m in report.other_figures} == {
        Measure.HOUSEHOLDS,
        Measure.ATTENDANCES,
        Measure.VOLUNTEER_HOURS,
    }


def test_a_project_of_two_branches_counts_both(world):
    funded = project(programmes=[world["play"]], branches=[world["ballerup"], world["elsewhere"]])

    figures = achieved(project_reach(project=funded, today=MID_YEAR))

    # Now Di at Herlev counts, and the Herlev volunteer's two hours; the course does not.
    assert figures[Measure.CHILDREN] == 4
    assert figures[Measure.SESSIONS] == 3
    assert figures[Measure.VOLUNTEER_HOURS] == 6.0


def test_before_the_period_nothing_is_counted_and_nothing_expected(world):
    funded = project(
        programmes=[world["play"], world["club"]],
        branches=[world["ballerup"]],
        starts_on=date(2026, 9, 1),
        targets={Measure.CHILDREN: 10},
    )

    report = project_reach(project=funded, today=MID_YEAR)

    assert report.counted_until is None
    assert report.elapsed_share == 0
    assert set(achieved(report).values()) == {0}
    assert report.targets[0].pace == Pace.NOT_STARTED


def test_after_the_period_a_target_not_reached_is_missed(world):
    funded = project(
        programmes=[world["play"], world["club"]],
        branches=[world["ballerup"]],
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 31),
        targets={Measure.CHILDREN: 10, Measure.HOUSEHOLDS: 2},
    )

    report = project_reach(project=funded, today=MID_YEAR)

    targets = {m.measure: m for m in report.targets}
    # Up to 31 March: Ann and Bo in March, Ed and Fi on the course; New missed March.
    assert targets[Measure.CHILDREN].achieved == 4
    assert targets[Measure.CHILDREN].pace == Pace.MISSED
    assert targets[Measure.HOUSEHOLDS].pace == Pace.REACHED
    assert report.counted_until == date(2026, 3, 31)
    assert report.elapsed_share == 1


def test_the_last_day_of_the_period_is_counted_at_the_branchs_own_clock(world):
    # The April Saturday is 10:00 in Copenhagen: inside a period that ends that day.
    funded = project(
        programmes=[world["play"]],
        branches=[world["ballerup"]],
        starts_on=date(2026, 4, 4),
        ends_on=date(2026, 4, 4),
    )

    figures = achieved(project_reach(project=funded, today=MID_YEAR))

    assert figures[Measure.SESSIONS] == 1
    assert figures[Measure.ATTENDANCES] == 2  # Returning and New


@pytest.mark.parametrize(
    ("today", "share"),
    [
        (date(2026, 1, 1), 0.1),
        (date(2026, 1, 5), 0.5),
        (date(2025, 12, 1), 0),
        (date(2027, 1, 1), 1),
    ],
)
def test_elapsed_share_counts_both_ends_of_the_period(today, share):
    days = {"starts_on": date(2026, 1, 1), "ends_on": date(2026, 1, 10)}

    assert elapsed_share(**days, today=today) == share


def test_the_figures_take_the_same_queries_whatever_the_data(world, django_assert_num_queries):
    funded = project(
        programmes=[world["play"], world["club"]],
        branches=[world["ballerup"]],
        targets={Measure.CHILDREN: 10},
    )
    # Programmes, branches, targets; rooms; sessions; visits (two); children; hours; new
    # families.
    with django_assert_num_queries(10):
        project_reach(project=funded, today=MID_YEAR)

    play = world["play"]
    hall = play.sessions.first().room
    for n in range(10):
        extra = session(play, hall, date(2026, 5, 2 + n))
        family = household()
        book(extra, family, children=[child(family, "Kid")], direct=True)
        came(extra, family)
    with django_assert_num_queries(10):
        report = project_reach(project=funded, today=MID_YEAR)
    assert report.targets[0].achieved == 15


def test_enrolled_children_count_only_when_the_family_came_to_that_course(world):
    """A family enrolled but never come is not reached, whatever its status says."""
    funded = project(programmes=[world["club"]], branches=[world["ballerup"]])
    club_course = world["club"].series.get().course
    absent = household("Absent")
    enrol(club_course, absent, [child(absent, "Ivy")], status=Enrolment.Status.COMPLETED)

    figures = achieved(project_reach(project=funded, today=MID_YEAR))

    assert figures[Measure.CHILDREN] == 2  # Ed and Fi only


def test_a_session_later_today_is_not_held_yet(world):
    funded = project(programmes=[world["play"]], branches=[world["ballerup"]])
    session(world["play"], world["hall"], MID_YEAR)  # 10:00 on the day the report is read

    before = achieved(project_reach(project=funded, today=MID_YEAR, now=at(MID_YEAR, 9)))
    after = achieved(project_reach(project=funded, today=MID_YEAR, now=at(MID_YEAR, 11)))

    # March and April; the day's session once it has started.
    assert (before[Measure.SESSIONS], after[Measure.SESSIONS]) == (2, 3)
