"""Each figure of the impact report on a small data set whose right answer is worked out by
hand in the test (the definitions are in reports/selectors.py). "Now" is 15 December 2025
and the period the year 2025 unless a test says otherwise."""

from datetime import date

import pytest

from attendance.models import HeadCount
from bookings.models import Booking
from courses.models import Course, Enrolment
from partners.models import PartnerOrganisation, Partnership
from programmes.models import Programme, Series, Session, StrategyTrack
from programmes.models import SustainableDevelopmentGoal as Goal
from reports.selectors import (
    children_reached,
    family_path,
    first_visits_by_month,
    head_count_figures,
    impact_report,
    rating_figures,
    results_by_goal,
    results_by_track,
    session_figures,
    visit_figures,
    visits_by_month,
    volunteer_figures,
)
from tests.bookings.support import book
from volunteers.models import Assignment, Shift, Volunteer

from .figures_support import (
    at,
    branch,
    came,
    child,
    household,
    programme,
    room,
    scope,
    session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    """Branch A (in every scope below) and branch B (the one a test leaves out)."""
    a, b = branch("Sandvika"), branch("Bekkestua")
    return {"A": a, "B": b, "room A": room(a), "room B": room(b)}


def test_sessions_held_places_offered_booked_and_fill_rate(place):
    babydans = programme("Babydans")
    lektiecafe = programme("Lektiecafé", Programme.BookingMode.DROP_IN)
    first = session(babydans, place["room A"], at(date(2025, 3, 5)), capacity=10)
    second = session(babydans, place["room A"], at(date(2025, 3, 12)), capacity=10)
    session(lektiecafe, place["room A"], at(date(2025, 3, 5), 15), capacity=30)
    # None of these is held in the period: cancelled, still to come, before, elsewhere.
    cancelled = session(
        babydans, place["room A"], at(date(2025, 3, 19)), status=Session.Status.CANCELLED
    )
    coming = session(babydans, place["room A"], at(date(2025, 12, 17)))
    before = session(babydans, place["room A"], at(date(2024, 12, 4)))
    elsewhere = session(babydans, place["room B"], at(date(2025, 3, 5)))

    book(first, household(), places=2, children=(), direct=True)
    book(first, household(), places=3, children=(), direct=True)
    book(first, household(), places=1, status=Booking.Status.WAITLISTED, children=(), direct=True)
    book(first, household(), places=2, status=Booking.Status.CANCELLED, children=(), direct=True)
    book(first, household(), places=1, walk_in=True, children=(), direct=True)
    book(second, household(), places=4, children=(), direct=True)
    for other in (cancelled, coming, before, elsewhere):
        book(other, household(), places=5, children=(), direct=True)

    figures = session_figures(scope=scope(place["A"]))

    # Held: the two Babydans sessions and the Lektiecafé. Offered: 10 + 10 (a drop-in has
    # no places to book). Booked ahead: 2 + 3 + 4; the walk-in is counted apart.
    assert figures.held == 3
    assert figures.places_offered == 20
    assert figures.places_booked == 9
    assert figures.walk_ins == 1
    assert figures.fill_rate == pytest.approx(0.45)


def test_no_show_rate_families_and_children_reached(place):
    babydans = programme("Babydans")
    klub = programme("Småbørnsklub", Programme.BookingMode.COURSE)
    first = session(babydans, place["room A"], at(date(2025, 3, 5)))
    second = session(babydans, place["room A"], at(date(2025, 3, 12)))
    series = Series.objects.create(
        programme=klub,
        room=place["room A"],
        weekdays=[3],
        start_time=at(date(2025, 3, 6), 13).time(),
        end_time=at(date(2025, 3, 6), 15).time(),
        start_date=date(2025, 3, 6),
        end_date=date(2025, 6, 26),
    )
    course = Course.objects.create(series=series)
    meeting = Session.objects.create(
        programme=klub,
        series=series,
        room=place["room A"],
        starts_at=at(date(2025, 3, 6), 13),
        ends_at=at(date(2025, 3, 6), 15),
        capacity=12,
    )

    ida, noah, emma, vera = (household(n) for n in ("Ida", "Noah", "Emma", "Vera"))
    ida_1, ida_2 = child(ida, "Alma"), child(ida, "Oskar")
    child(ida, "Nora")
    book(first, ida, children=[ida_1, ida_2], direct=True)
    book(second, ida, children=[ida_1], direct=True)
    book(first, noah, children=[child(noah, "Liv")], direct=True)
    book(first, emma, children=[child(emma, "Jonas")], direct=True)
    book(second, vera, children=[], direct=True)
    came(first, ida)
    came(first, noah)
    came(first, emma, attended=False)
    came(second, ida)
    came(second, vera, attended=False)

    # A course family comes to a meeting with its two enrolled children; another is missed.
    sara, theo = household("Sara"), household("Theo")
    enrolled = Enrolment.objects.create(
        course=course, household=sara, status=Enrolment.Status.ENROLLED
    )
    enrolled.children.set([child(sara, "Ella"), child(sara, "Emil")])
    missing = Enrolment.objects.create(
        course=course, household=theo, status=Enrolment.Status.ENROLLED
    )
    missing.children.set([child(theo, "Isak")])
    came(meeting, sara)
    came(meeting, theo, attended=False)
    # Booked but never ticked, on a session whose attendance was taken: a no-show too.
    # Waiting, or on a session where nobody took attendance: nothing is known.
    book(first, household("Mia"), children=(), direct=True)
    book(first, household("Wait"), status=Booking.Status.WAITLISTED, children=(), direct=True)
    unticked = session(babydans, place["room A"], at(date(2025, 3, 19)))
    book(unticked, household("Olav"), children=(), direct=True)
    # A walk-in came without booking: a visit, but no booking that could go missing.
    walker = household("Walker")
    book(first, walker, walk_in=True, children=(), direct=True)
    came(first, walker)

    figures = visit_figures(scope=scope(place["A"]))

    # Recorded: Ida ×2, Noah, Emma, Vera, Walker, Sara, Theo = 8; came: Ida ×2, Noah,
    # Walker, Sara = 5.
    assert figures.recorded == 8
    assert figures.visits == 5
    # Booked ahead on Babydans sessions with attendance taken: Ida, Noah, Emma, Mia on the
    # first, Ida and Vera on the second = 6. Did not come: Emma, Mia, Vera. (The course's
    # meeting is not booked place by place: Theo is missed there, not a no-show.)
    assert (figures.expected, figures.no_shows) == (6, 3)
    assert figures.no_show_rate == pytest.approx(3 / 6)
    assert figures.households == 4  # Ida, Noah, Walker, Sara
    # Alma and Oskar (Ida), Liv (Noah), Ella and Emil (Sara). Not Nora, who was never
    # booked, nor Jonas or Isak, whose families did not come.
    assert children_reached(scope=scope(place["A"])) == 5


def test_new_and_returning_families(place):
    babydans, rim = programme("Babydans"), programme("Rim og regler")

    def visit(where, day, who, of=babydans, attended=True):
        came(session(of, place[where], at(day)), who, attended)

    returning, new, moved, gone, late = (
        household(n) for n in ("Returning", "New", "Moved", "Gone", "Late")
    )
    visit("room A", date(2025, 1, 8), returning, of=rim)
    visit("room A", date(2025, 4, 2), returning)
    visit("room A", date(2025, 4, 9), new)
    visit("room B", date(2025, 1, 15), moved)
    visit("room A", date(2025, 5, 7), moved)
    visit("room A", date(2025, 1, 22), gone)
    visit("room A", date(2025, 2, 5), late, attended=False)
    visit("room A", date(2025, 4, 16), late)
    rhymer = household("Rhymer")
    visit("room A", date(2025, 3, 5), rhymer, of=rim)  # first ever, in the period
    visit("room A", date(2025, 4, 23), rhymer)
    period = {"starts_on": date(2025, 3, 1), "ends_on": date(2025, 6, 30)}

    # At branch A: Returning came in January; New, Moved (first at A in May), Late (a
    # no-show in February is no visit) and Rhymer are new. Gone did not come in the period.
    report = impact_report(scope=scope(place["A"], **period))
    assert (report.new_households, report.returning_households) == (4, 1)

    # Counting both branches, Moved had come before, at B.
    report = impact_report(scope=scope(place["A"], place["B"], **period))
    assert (report.new_households, report.returning_households) == (3, 2)

    # For Babydans alone: new means new to the library's branch, so Returning, seen in
    # January at Rim og regler, still returns; Rhymer, first seen in March at Rim og
    # regler, is new, in the March cohort.
    report = impact_report(scope=scope(place["A"], programmes=[babydans], **period))
    assert (report.new_households, report.returning_households) == (4, 1)
    assert [(c.month, c.size) for c in report.cohorts] == [
        (date(2025, 3, 1), 1),
        (date(2025, 4, 1), 2),
        (date(2025, 5, 1), 1),
    ]


def test_retention_cohorts_share_back_within_3_6_and_12_months(place):
    babydans, rim = programme("Babydans"), programme("Rim og regler")
    hour = iter(range(8, 20))

    def visit(day, who, of=babydans, where="room A"):
        came(session(of, place[where], at(day, next(hour) if day.day == 8 else 10)), who)

    # The January cohort: five families whose first visit was in January 2025.
    same_month, april, may, august, never = (household() for _ in range(5))
    for family in (same_month, april, may, august, never):
        visit(date(2025, 1, 8), family)
    visit(date(2025, 1, 29), same_month)  # back the same month
    visit(date(2025, 4, 2), april, of=rim)  # 3 months on, to another programme
    visit(date(2025, 5, 7), may)  # 4 months on
    visit(date(2025, 8, 6), august)  # 7 months on
    visit(date(2025, 2, 5), never, where="room B")  # back, but at a branch not counted
    # The September cohort: one back in October, one not.
    october, once = household(), household()
    visit(date(2025, 9, 3), october)
    visit(date(2025, 9, 10), once)
    visit(date(2025, 10, 1), october)
    # First seen in December 2024: not new in 2025, so in no cohort.
    earlier = household()
    visit(date(2024, 12, 4), earlier)
    visit(date(2025, 1, 15), earlier)

    cohorts = first_visits_by_month(scope=scope(place["A"]))

    assert [(c.month, c.size) for c in cohorts] == [(date(2025, 1, 1), 5), (date(2025, 9, 1), 2)]
    january, september = cohorts
    # Back within 3 months: same_month and april (2 of 5); within 6: may too (3 of 5).
    # The 12 months after January 2025 are not over on 15 December 2025.
    assert january.came_back == {3: 2, 6: 3, 12: None}
    assert january.shares == {3: pytest.approx(0.4), 6: pytest.approx(0.6), 12: None}
    # September's three months run until the end of December.
    assert september.shares == {3: None, 6: None, 12: None}


def test_a_family_at_two_sessions_at_once_is_one_new_family_not_back(place):
    babydans, rim = programme("Babydans"), programme("Rim og regler")
    other_room = room(place["A"])
    # Two sessions at the same time at branch A, in two rooms; both families came to both
    # (one grown-up with each child). Then one of them came back in March.
    at_once = at(date(2025, 2, 5))
    first = session(babydans, place["room A"], at_once)
    second = session(rim, other_room, at_once)
    twice, back = household(), household()
    for family in (twice, back):
        came(first, family)
        came(second, family)
    came(session(babydans, place["room A"], at(date(2025, 3, 5))), back)

    report = impact_report(scope=scope(place["A"]))

    # One cohort of two families; the visits at the same time are one first visit, so only
    # the family that came again later came back.
    (february,) = report.cohorts
    assert (february.month, february.size) == (date(2025, 2, 1), 2)
    assert february.came_back == {3: 1, 6: 1, 12: None}
    assert (report.new_households, report.returning_households) == (2, 0)


def test_family_path_from_babydans_to_its_next_programmes(place):
    rim, sang = programme("Rim og regler"), programme("Sangstund")
    babydans = programme("Babydans")
    babydans.next_programmes.set([rim, sang])
    hours = iter(range(8, 20))

    def visit(of, day, who, where="room A", attended=True):
        came(session(of, place[where], at(day, next(hours))), who, attended)

    went_on, rim_before, went_elsewhere, missed, stayed = (household() for _ in range(5))
    visit(babydans, date(2025, 3, 5), went_on)
    visit(rim, date(2025, 9, 3), went_on)
    visit(rim, date(2025, 1, 8), rim_before)  # before Babydans: not a step on the path
    visit(babydans, date(2025, 3, 5), rim_before)
    visit(babydans, date(2025, 4, 2), went_elsewhere)
    visit(sang, date(2025, 10, 1), went_elsewhere, where="room B")
    visit(babydans, date(2025, 4, 2), missed)
    visit(rim, date(2025, 6, 4), missed, attended=False)
    visit(babydans, date(2025, 5, 7), stayed)
    visit(babydans, date(2025, 6, 4), stayed)

    (step,) = family_path(scope=scope(place["A"]))
    assert (step.programme, step.next_programmes) == ("Babydans", ["Rim og regler", "Sangstund"])
    assert (step.families, step.continued) == (5, 1)
    assert step.share == pytest.approx(0.2)

    # With branch B counted, the family that went on to Sangstund there counts too.
    (step,) = family_path(scope=scope(place["A"], place["B"]))
    assert (step.families, step.continued) == (5, 2)


def test_volunteers_and_volunteer_hours(place):
    lektiecafe = programme("Lektiecafé", Programme.BookingMode.DROP_IN)
    org = PartnerOrganisation.objects.create(name="Red Barnet Ungdom", slug="rbu")
    partnership = Partnership.objects.create(
        organisation=org, programme=lektiecafe, branch=place["A"], starts_on=date(2024, 8, 1)
    )

    def shift(where, day, hours):
        return Shift.objects.create(
            session=session(lektiecafe, place[where], at(day, 15), hours=hours),
            partnership=partnership,
        )

    sofie, malik, ali, nina = (
        Volunteer.objects.create(organisation=org, name=n, email=f"{n}@example.org")
        for n in ("Sofie", "Malik", "Ali", "Nina")
    )
    monday, wednesday = shift("room A", date(2025, 3, 3), 3), shift("room A", date(2025, 3, 5), 3)
    short, other = shift("room A", date(2025, 3, 6), 1.5), shift("room B", date(2025, 3, 3), 3)
    done = Assignment.Status.DONE
    for on, who, status in [
        (monday, sofie, done),
        (monday, malik, done),
        (wednesday, sofie, done),
        (wednesday, ali, Assignment.Status.NO_SHOW),
        (short, nina, Assignment.Status.CONFIRMED),
        (other, nina, done),
    ]:
        Assignment.objects.create(shift=on, volunteer=who, status=status)

    figures = volunteer_figures(scope=scope(place["A"]))

    # Came at A: Sofie (Monday, Wednesday) and Malik (Monday), three hours each time.
    assert (figures.volunteers, figures.shifts_done, figures.hours) == (2, 3, 9.0)


def test_ratings_count_average_and_distribution(place):
    babydans = programme("Babydans")
    first = session(babydans, place["room A"], at(date(2025, 3, 5)))
    second = session(babydans, place["room A"], at(date(2025, 3, 12)))
    elsewhere = session(babydans, place["room B"], at(date(2025, 3, 5)))
    for on, rating in [(first, 5), (first, 4), (second, 4), (second, 2), (first, None)]:
        book(on, household(), rating=rating, children=(), direct=True)
    book(elsewhere, household(), rating=1, children=(), direct=True)

    figures = rating_figures(scope=scope(place["A"]))

    assert figures.count == 4
    assert figures.average == pytest.approx(3.75)
    assert figures.distribution == {1: 0, 2: 1, 3: 0, 4: 2, 5: 1}


def test_drop_in_head_counts(place):
    lektiecafe = programme("Lektiecafé", Programme.BookingMode.DROP_IN)
    monday = session(lektiecafe, place["room A"], at(date(2025, 3, 3), 15))
    wednesday = session(lektiecafe, place["room A"], at(date(2025, 3, 5), 15))
    quiet = session(lektiecafe, place["room A"], at(date(2025, 3, 6), 15))
    elsewhere = session(lektiecafe, place["room B"], at(date(2025, 3, 3), 15))
    for on, grade, first, n in [
        (monday, "8", True, 2),
        (monday, "8", False, 5),
        (wednesday, "9", True, 1),
        (wednesday, "9", False, 3),
        (quiet, "10", False, 0),
        (elsewhere, "8", True, 7),
    ]:
        HeadCount.objects.create(session=on, grade=grade, first_visit=first, count=n)

    figures = head_count_figures(scope=scope(place["A"]))

    assert (figures.sessions, figures.pupils, figures.first_visits) == (2, 11, 3)


def test_results_by_strategy_track_and_un_goal(place):
    learning = StrategyTrack.objects.create(name="Learning")
    community = StrategyTrack.objects.create(name="Community")
    StrategyTrack.objects.create(name="Democracy")
    babydans = programme("Babydans", strategy_track=learning)
    rim = programme("Rim og regler", strategy_track=community)
    babydans.goals.set(Goal.objects.filter(number__in=[4, 10]))
    rim.goals.set(Goal.objects.filter(number=4))
    ida, noah = household(), household()
    first = session(babydans, place["room A"], at(date(2025, 3, 5)))
    second = session(babydans, place["room A"], at(date(2025, 3, 12)))
    rhymes = session(rim, place["room A"], at(date(2025, 3, 5), 12))
    came(first, ida)
    came(first, noah)
    came(second, ida)
    came(rhymes, ida)
    came(rhymes, noah, attended=False)

    tracks = {
        r.label: (r.sessions, r.visits, r.households)
        for r in results_by_track(scope=scope(place["A"]))
    }
    goals = {
        r.label: (r.sessions, r.visits, r.households)
        for r in results_by_goal(scope=scope(place["A"]))
    }

    assert tracks == {"Community": (1, 1, 1), "Democracy": (0, 0, 0), "Learning": (2, 3, 2)}
    # Goal 4 carries both programmes; goals with no sessions are left out.
    assert goals == {"4. Quality education": (3, 4, 2), "10. Reduced inequalities": (2, 3, 2)}


def test_visits_by_month_lists_every_month_of_the_period(place):
    babydans = programme("Babydans")
    january = session(babydans, place["room A"], at(date(2025, 1, 8)))
    march = session(babydans, place["room A"], at(date(2025, 3, 5)))
    # Late on the last evening of March in Oslo is already April in UTC: still March.
    evening = session(babydans, place["room A"], at(date(2025, 3, 31), 23, 30))
    ida, noah = household(), household()
    came(january, ida)
    came(january, noah)
    came(march, ida, attended=False)
    came(evening, noah)

    rows = visits_by_month(scope=scope(place["A"], ends_on=date(2025, 4, 30)))

    assert [(r.month, r.sessions, r.visits) for r in rows] == [
        (date(2025, 1, 1), 1, 2),
        (date(2025, 2, 1), 0, 0),
        (date(2025, 3, 1), 2, 1),
        (date(2025, 4, 1), 0, 0),
    ]


def test_a_scope_without_anything_gives_zeros_not_errors(place):
    report = impact_report(scope=scope(place["A"]))

    assert report.sessions.held == 0
    assert report.sessions.fill_rate is None
    assert report.visits.no_show_rate is None
    assert report.ratings.average is None
    assert (report.new_households, report.returning_households) == (0, 0)
    assert report.cohorts == []
    assert report.path == []
    assert report.volunteers.hours == 0


def test_a_branch_without_rooms_gives_zeros_not_errors():
    StrategyTrack.objects.create(name="Learning")

    report = impact_report(scope=scope(branch("New branch")))

    assert report.sessions.held == 0
    assert report.children == 0
    assert [(t.label, t.sessions) for t in report.tracks] == [("Learning", 0)]
