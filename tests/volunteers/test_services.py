"""The staffing rules of volunteers/services.py, one test per rule."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from programmes.models import Programme, Session
from tests.factories import ProgrammeFactory
from volunteers.models import Assignment, Onboarding, Shift, Volunteer
from volunteers.services import (
    AssignmentError,
    assignment_cancel,
    assignment_confirm,
    assignment_decline,
    assignment_mark,
    assignment_propose,
    assignment_propose_for_term,
    needs_certificate,
    onboarding_tick,
    shifts_create_for_series,
    volunteer_join,
    volunteer_set_status,
)

from .support import (
    at,
    coordinator,
    lektiecafe_series,
    organisation,
    partnership_for,
    shifts_for,
    volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def term():
    """Three Lektiecafé afternoons a week for four weeks, a shift of two on each."""
    series = lektiecafe_series()
    org = organisation()
    partnership = partnership_for(series, org, coordinators=[coordinator(org)])
    return series, partnership, shifts_for(series, partnership, required=2)


def test_shifts_are_made_for_the_whole_term_at_once_and_not_twice(term):
    series, partnership, shifts = term
    assert len(shifts) == 12 == series.sessions.count()
    assert shifts_create_for_series(series=series, partnership=partnership) == 0


def test_shifts_are_not_made_for_another_programmes_partnership(term):
    series, partnership, _ = term
    other = lektiecafe_series(programme=ProgrammeFactory(), room=series.room, weekdays=[5])
    with pytest.raises(AssignmentError, match="another programme"):
        shifts_create_for_series(series=other, partnership=partnership)


def test_a_volunteer_without_a_valid_certificate_is_refused_with_the_reason(term):
    _, partnership, shifts = term
    expired = volunteer(partnership.organisation, "Emil Berg", certified_until=date(2020, 1, 1))
    never = volunteer(partnership.organisation, "Ida Holm", certified_until=None)
    for person in (expired, never):
        with pytest.raises(AssignmentError, match="child-safety certificate"):
            assignment_propose(shift=shifts[0], volunteer=person)
    assert not Assignment.objects.exists()


def test_a_certificate_expiring_before_the_session_does_not_count(term):
    _, partnership, shifts = term
    day = first_session_day(shifts[0])
    person = volunteer(partnership.organisation, certified_until=day - timedelta(days=1))
    with pytest.raises(AssignmentError, match="certificate"):
        assignment_propose(shift=shifts[0], volunteer=person)


def first_session_day(shift: Shift) -> date:
    return shift.session.local_start.date()


def test_no_certificate_is_needed_where_only_adults_and_over_15s_come(term):
    series, partnership, _ = term
    assert needs_certificate(series.programme)
    older = ProgrammeFactory(
        audience_basis=Programme.AudienceBasis.SCHOOL_GRADE,
        min_age_months=None,
        max_age_months=None,
        min_grade=10,
        max_grade=13,
    )
    adults = ProgrammeFactory(min_age_months=18 * 12, max_age_months=None)
    babies = ProgrammeFactory(min_age_months=3, max_age_months=12)
    assert not needs_certificate(older)
    assert not needs_certificate(adults)
    assert needs_certificate(babies)


def test_a_volunteer_cannot_be_in_two_places_at_once(term):
    series, partnership, shifts = term
    person = volunteer(partnership.organisation)
    assignment_propose(shift=shifts[0], volunteer=person)
    # Another partnership's shift at the same time, at another branch.
    elsewhere = lektiecafe_series(programme=series.programme, first=series.start_date)
    other_shifts = shifts_for(elsewhere, partnership_for(elsewhere, partnership.organisation))
    same_time = next(s for s in other_shifts if s.session.starts_at == shifts[0].session.starts_at)
    with pytest.raises(AssignmentError, match="another shift at the same time"):
        assignment_propose(shift=same_time, volunteer=person)
    # Once the first is declined, the time is free again.
    assignment_decline(assignment=Assignment.objects.get(shift=shifts[0]))
    assert assignment_propose(shift=same_time, volunteer=person).status == "proposed"


def test_a_shift_gets_no_more_than_it_needs_unless_the_coordinator_says_so(term):
    _, partnership, shifts = term
    org = partnership.organisation
    shift = shifts[0]
    assignment_propose(shift=shift, volunteer=volunteer(org, "Anna Dahl"))
    assignment_propose(shift=shift, volunteer=volunteer(org, "Bo Krog"))
    third = volunteer(org, "Carl Friis")
    with pytest.raises(AssignmentError, match="already has the 2 volunteers it needs"):
        assignment_propose(shift=shift, volunteer=third)
    extra = assignment_propose(shift=shift, volunteer=third, above_required=True)
    assert extra.above_required
    assert shift.assignments.filter(status__in=["proposed", "confirmed"]).count() == 3


def test_a_declined_place_can_be_filled_again(term):
    _, partnership, shifts = term
    org = partnership.organisation
    first = assignment_propose(shift=shifts[0], volunteer=volunteer(org, "Anna Dahl"))
    assignment_propose(shift=shifts[0], volunteer=volunteer(org, "Bo Krog"))
    assignment_decline(assignment=first)
    assert assignment_propose(shift=shifts[0], volunteer=volunteer(org, "Carl Friis"))


def test_only_the_organisations_own_volunteers_who_can_take_shifts(term):
    _, partnership, shifts = term
    stranger = volunteer(organisation("Another NGO"), "Dina Sand")
    with pytest.raises(AssignmentError, match="not a volunteer of Red Barnet Ungdom"):
        assignment_propose(shift=shifts[0], volunteer=stranger)
    paused = volunteer(partnership.organisation, "Erik Mø", status=Volunteer.Status.PAUSED)
    with pytest.raises(AssignmentError, match="paused"):
        assignment_propose(shift=shifts[0], volunteer=paused)


def test_a_cancelled_or_started_session_takes_no_one(term):
    _, partnership, shifts = term
    person = volunteer(partnership.organisation)
    session = shifts[0].session
    with pytest.raises(AssignmentError, match="already started"):
        assignment_propose(shift=shifts[0], volunteer=person, now=at(session, -1))
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    with pytest.raises(AssignmentError, match="cancelled"):
        assignment_propose(shift=shifts[0], volunteer=person)


def test_confirm_then_cancel_before_the_cut_off_but_not_after(term):
    _, partnership, shifts = term
    person = volunteer(partnership.organisation)
    session = shifts[0].session
    assignment = assignment_propose(shift=shifts[0], volunteer=person, now=at(session, 100))
    assignment_confirm(assignment=assignment, now=at(session, 90))
    with pytest.raises(AssignmentError, match="too late to cancel here"):
        assignment_cancel(assignment=assignment, now=at(session, 23))
    assignment_cancel(assignment=assignment, now=at(session, 25))
    assignment.refresh_from_db()
    assert assignment.status == "cancelled"
    assert assignment.changed_by is None  # the volunteer, through the link


def test_the_coordinator_can_still_cancel_after_the_cut_off(term):
    _, partnership, shifts = term
    boss = partnership.coordinators.get().user
    session = shifts[0].session
    assignment = assignment_propose(
        shift=shifts[0], volunteer=volunteer(partnership.organisation), now=at(session, 100)
    )
    assignment_cancel(assignment=assignment, by=boss, now=at(session, 2))
    assignment.refresh_from_db()
    assert (assignment.status, assignment.changed_by) == ("cancelled", boss)


def test_who_came_is_marked_after_the_session_started_and_gives_no_shows(term):
    _, partnership, shifts = term
    boss = partnership.coordinators.get().user
    session = shifts[0].session
    came = assignment_propose(
        shift=shifts[0],
        volunteer=volunteer(partnership.organisation, "Anna Dahl"),
        now=at(session, 48),
    )
    away = assignment_propose(
        shift=shifts[0],
        volunteer=volunteer(partnership.organisation, "Bo Krog"),
        now=at(session, 48),
    )
    for assignment in (came, away):
        assignment_confirm(assignment=assignment, now=at(session, 47))
    with pytest.raises(AssignmentError, match="once the session has started"):
        assignment_mark(assignment=came, came=True, by=boss, now=at(session, 1))
    assignment_mark(assignment=came, came=True, by=boss, now=at(session, -3))
    assignment_mark(assignment=away, came=False, by=boss, now=at(session, -3))
    statuses = dict(shifts[0].assignments.values_list("volunteer__name", "status"))
    assert statuses == {"Anna Dahl": "done", "Bo Krog": "no_show"}


def test_every_week_this_term_asks_the_same_afternoon_and_names_the_weeks_skipped(term):
    series, partnership, shifts = term
    person = volunteer(partnership.organisation)
    mondays = [s for s in shifts if s.session.local_start.weekday() == 0]
    # In week three Monday's shift is already full.
    full = mondays[2]
    for name in ("Anna Dahl", "Bo Krog"):
        assignment_propose(shift=full, volunteer=volunteer(partnership.organisation, name))
    result = assignment_propose_for_term(shift=mondays[0], volunteer=person)
    assert [a.shift for a in result.assigned] == [mondays[0], mondays[1], mondays[3]]
    assert [(shift, "needs" in why) for shift, why in result.skipped] == [(full, True)]


def test_joining_opens_the_checklist_and_the_last_step_makes_the_volunteer_active(term):
    _, partnership, _ = term
    newcomer = volunteer(partnership.organisation, "Nora Vik", status=Volunteer.Status.APPLICANT)
    onboarding = volunteer_join(volunteer=newcomer, partnership=partnership)
    newcomer.refresh_from_db()
    assert newcomer.status == Volunteer.Status.ONBOARDING
    for step in Onboarding.STEPS:
        onboarding_tick(onboarding=onboarding, step=step, on=date(2026, 9, 1))
    newcomer.refresh_from_db()
    assert (newcomer.status, newcomer.joined_on) == (Volunteer.Status.ACTIVE, date(2026, 9, 1))


def test_leaving_frees_the_volunteers_coming_shifts(term):
    _, partnership, shifts = term
    person = volunteer(partnership.organisation)
    assignment = assignment_propose(shift=shifts[0], volunteer=person)
    volunteer_set_status(volunteer=person, status=Volunteer.Status.LEFT)
    person.refresh_from_db()
    assignment.refresh_from_db()
    assert person.left_on == timezone.localdate()
    assert assignment.status == "cancelled"
