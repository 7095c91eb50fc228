"""The staffing rules of volunteers/services.py, one test per rule."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from notifications.models import Outbox
from programmes.models import Programme, Session
from tests.factories import ProgrammeFactory, RoomFactory, SessionFactory
from volunteers.links import shift_url
from volunteers.models import Assignment, Certificate, Onboarding, Shift, Volunteer
from volunteers.selectors import Viewer, volunteer_record
from volunteers.services import (
    AssignmentError,
    assignment_actions,
    assignment_cancel,
    assignment_confirm,
    assignment_decline,
    assignment_mark,
    assignment_propose,
    assignment_propose_for_term,
    needs_certificate,
    onboarding_tick,
    onboarding_update,
    shifts_create_for_series,
    shifts_delete,
    volunteer_join,
    volunteer_set_status,
)

from .support import (
    at,
    coordinator,
    first_session,
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


def test_every_week_this_term_asks_the_same_afternoon_and_names_the_weeks_skipped(
    early_in_a_term, term
):
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


def test_the_librarys_checklist_page_ticks_and_clears_steps_and_the_last_makes_active(
    term, make_librarian
):
    _, partnership, _ = term
    librarian = make_librarian(partnership.branch)
    newcomer = volunteer(partnership.organisation, "Nora Vik", status=Volunteer.Status.APPLICANT)
    mentor = volunteer(partnership.organisation, "Ida Berg")
    onboarding = volunteer_join(volunteer=newcomer, partnership=partnership)
    first = Onboarding.STEPS[0]

    onboarding_update(
        onboarding=onboarding, steps={first: date(2026, 9, 1)}, mentor=mentor, by=librarian
    )
    onboarding_update(onboarding=onboarding, steps={first: None}, mentor=mentor, by=librarian)
    onboarding.refresh_from_db()
    newcomer.refresh_from_db()
    assert (getattr(onboarding, first), onboarding.mentor) == (None, mentor)
    assert newcomer.status == Volunteer.Status.ONBOARDING

    onboarding_update(
        onboarding=onboarding,
        steps={step: date(2026, 9, 2 + n) for n, step in enumerate(Onboarding.STEPS)},
        mentor=None,
        by=librarian,
    )
    newcomer.refresh_from_db()
    assert (newcomer.status, newcomer.joined_on) == (Volunteer.Status.ACTIVE, date(2026, 9, 2))
    with pytest.raises(AssignmentError, match="no such step"):
        onboarding_update(onboarding=onboarding, steps={"mentor": None}, mentor=None, by=None)


def test_leaving_frees_the_volunteers_coming_shifts_each_recorded_and_told(term, make_librarian):
    _, partnership, shifts = term
    person = volunteer(partnership.organisation)
    asked = assignment_propose(shift=shifts[0], volunteer=person)
    said_yes = assignment_confirm(assignment=assignment_propose(shift=shifts[1], volunteer=person))
    librarian = make_librarian(partnership.branch)

    volunteer_set_status(volunteer=person, status=Volunteer.Status.LEFT, by=librarian)

    person.refresh_from_db()
    assert person.left_on == timezone.localdate()
    for assignment in (asked, said_yes):
        assignment.refresh_from_db()
        assert (assignment.status, assignment.changed_by) == ("cancelled", librarian)
    # The volunteer hears of each shift, and the coordinator too: a librarian did it.
    assert Outbox.objects.filter(kind="shift_withdrawn", recipient=person.email).count() == 2
    assert (
        Outbox.objects.filter(kind="shift_cancelled", recipient="coordinator@example.org").count()
        == 2
    )


def cancelled(session: Session) -> None:
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)


# -- taking volunteers off ----------------------------------------------------------------


def test_a_coordinator_taking_a_volunteer_off_tells_the_volunteer_asked_or_confirmed(term):
    _, partnership, shifts = term
    boss = partnership.coordinators.get().user
    org = partnership.organisation
    asked = assignment_propose(shift=shifts[0], volunteer=volunteer(org, "Anna Dahl"))
    said_yes = assignment_confirm(
        assignment=assignment_propose(shift=shifts[0], volunteer=volunteer(org, "Bo Krog"))
    )

    for assignment in (asked, said_yes):
        assignment_cancel(assignment=assignment, by=boss)

    told = set(Outbox.objects.filter(kind="shift_withdrawn").values_list("recipient", flat=True))
    assert told == {"anna@example.com", "bo@example.com"}
    # The coordinator did it, so nobody tells them.
    assert not Outbox.objects.filter(kind="shift_cancelled").exists()


def test_a_librarian_taking_a_volunteer_off_tells_the_coordinators_too(term, make_librarian):
    _, partnership, shifts = term
    assignment = assignment_propose(shift=shifts[0], volunteer=volunteer(partnership.organisation))

    assignment_cancel(assignment=assignment, by=make_librarian(partnership.branch))

    (told,) = Outbox.objects.filter(kind="shift_cancelled")
    assert told.recipient == "coordinator@example.org"
    assert "has taken Sofie Lund off this shift" in told.body_text
    assert Outbox.objects.filter(kind="shift_withdrawn", recipient="sofie@example.com").exists()


def test_through_the_link_only_a_yes_is_cancelled_an_invitation_is_declined(term):
    _, partnership, shifts = term
    assignment = assignment_propose(shift=shifts[0], volunteer=volunteer(partnership.organisation))

    with pytest.raises(AssignmentError, match="say no instead"):
        assignment_cancel(assignment=assignment)

    assignment.refresh_from_db()
    assert assignment.status == "proposed"
    assert not Outbox.objects.filter(kind="shift_cancelled").exists()


# -- closed sessions -----------------------------------------------------------------------


def test_nothing_is_answered_or_cancelled_on_a_cancelled_session(term):
    _, partnership, shifts = term
    org = partnership.organisation
    session = shifts[0].session
    waiting = assignment_propose(shift=shifts[0], volunteer=volunteer(org, "Anna Dahl"))
    said_yes = assignment_confirm(
        assignment=assignment_propose(shift=shifts[0], volunteer=volunteer(org, "Bo Krog"))
    )
    cancelled(session)

    for change in (
        lambda: assignment_confirm(assignment=waiting),
        lambda: assignment_decline(assignment=waiting),
        lambda: assignment_cancel(assignment=said_yes),
        lambda: assignment_cancel(assignment=said_yes, by=partnership.coordinators.get().user),
        lambda: assignment_mark(assignment=said_yes, came=True, by=None, now=at(session, -2)),
    ):
        with pytest.raises(AssignmentError, match="cancelled"):
            change()
    statuses = set(shifts[0].assignments.values_list("status", flat=True))
    assert statuses == {"proposed", "confirmed"}


def test_an_invitation_is_not_answered_once_the_session_started(term):
    _, partnership, shifts = term
    session = shifts[0].session
    assignment = assignment_propose(
        shift=shifts[0], volunteer=volunteer(partnership.organisation), now=at(session, 48)
    )
    with pytest.raises(AssignmentError, match="already started"):
        assignment_decline(assignment=assignment, now=at(session, -1))


def test_hours_never_count_a_cancelled_session(term):
    _, partnership, shifts = term
    person = volunteer(partnership.organisation)
    for shift in shifts[:2]:
        Assignment.objects.create(shift=shift, volunteer=person, status="done")
    cancelled(shifts[1].session)
    boss = partnership.coordinators.get()
    after = shifts[1].session.ends_at + timedelta(days=1)

    record = volunteer_record(
        viewer=Viewer(user=boss.user, contact=boss), volunteer=person, now=after
    )

    assert record.hours_done == 3  # the first afternoon, 15–18, only


# -- who came ------------------------------------------------------------------------------


def test_a_volunteer_who_came_without_answering_can_be_marked(term):
    _, partnership, shifts = term
    session = shifts[0].session
    assignment = assignment_propose(
        shift=shifts[0], volunteer=volunteer(partnership.organisation), now=at(session, 48)
    )

    assignment_mark(assignment=assignment, came=True, by=None, now=at(session, -1))

    assignment.refresh_from_db()
    assert assignment.status == "done"


def test_more_than_needed_is_recorded_only_when_the_shift_was_full(term):
    _, partnership, shifts = term
    org = partnership.organisation
    first = assignment_propose(
        shift=shifts[0], volunteer=volunteer(org, "Anna Dahl"), above_required=True
    )
    second = assignment_propose(
        shift=shifts[0], volunteer=volunteer(org, "Bo Krog"), above_required=True
    )
    third = assignment_propose(
        shift=shifts[0], volunteer=volunteer(org, "Carl Friis"), above_required=True
    )

    assert [a.above_required for a in (first, second, third)] == [False, False, True]


# -- shifts fit their partnership ----------------------------------------------------------


def test_a_shift_must_be_on_a_session_of_the_partnerships_programme_branch_and_period(term):
    series, partnership, _ = term
    other_programme = SessionFactory(room=series.room)
    other_branch = SessionFactory(programme=series.programme, room=RoomFactory())
    before = first_session(series)
    partnership.starts_on = before.local_start.date() + timedelta(days=1)
    partnership.save()

    for session, problem in (
        (other_programme, "another programme"),
        (other_branch, "another branch"),
        (before, "does not run on"),
    ):
        with pytest.raises(ValidationError, match=problem):
            Shift(session=session, partnership=partnership).full_clean(
                exclude=["session", "partnership"]
            )


def test_shifts_are_made_only_for_coming_sessions_within_the_partnership(term):
    series, partnership, shifts = term
    Shift.objects.all().delete()
    sessions = list(series.sessions.order_by("starts_at"))
    # Ends after the fourth session; the first has already been held.
    partnership.ends_on = sessions[3].local_start.date()
    partnership.save()

    made = shifts_create_for_series(
        series=series, partnership=partnership, now=sessions[0].starts_at + timedelta(hours=1)
    )

    assert made == 3
    assert set(Shift.objects.values_list("session", flat=True)) == {s.pk for s in sessions[1:4]}


def test_a_volunteer_is_not_asked_for_a_day_the_partnership_does_not_run(term):
    _, partnership, shifts = term
    partnership.ends_on = shifts[0].session.local_start.date() - timedelta(days=1)
    partnership.save()

    ended = formats.date_format(partnership.ends_on, "DATE_FORMAT")
    with pytest.raises(AssignmentError, match=f"does not run then: it ended on {ended}"):
        assignment_propose(shift=shifts[0], volunteer=volunteer(partnership.organisation))


# -- a volunteer's status ------------------------------------------------------------------


def test_a_volunteer_who_left_is_not_welcomed_again_but_may_return_as_active(term):
    _, partnership, _ = term
    boss = partnership.coordinators.get().user
    person = volunteer(partnership.organisation)
    first_joined = person.joined_on
    volunteer_set_status(volunteer=person, status=Volunteer.Status.LEFT, by=boss)

    with pytest.raises(AssignmentError, match="cannot go from “Left” to “Being welcomed”"):
        volunteer_set_status(volunteer=person, status=Volunteer.Status.ONBOARDING, by=boss)

    back = date(2027, 2, 1)
    volunteer_set_status(volunteer=person, status=Volunteer.Status.ACTIVE, by=boss, on=back)
    person.refresh_from_db()
    assert (person.status, person.joined_on, person.left_on) == ("active", back, None)
    assert first_joined != back


def test_an_applicant_is_welcomed_before_becoming_active(term):
    _, partnership, _ = term
    newcomer = volunteer(partnership.organisation, status=Volunteer.Status.APPLICANT)
    with pytest.raises(AssignmentError, match="cannot go from"):
        volunteer_set_status(
            volunteer=newcomer,
            status=Volunteer.Status.ACTIVE,
            by=partnership.coordinators.get().user,
        )


# -- what the pages may offer --------------------------------------------------------------


def test_the_actions_offered_follow_the_rules(term):
    _, partnership, shifts = term
    session = shifts[0].session
    assignment = assignment_propose(
        shift=shifts[0], volunteer=volunteer(partnership.organisation), now=at(session, 100)
    )

    waiting = assignment_actions(assignment=assignment, now=at(session, 50))
    assert (waiting.can_confirm, waiting.can_decline, waiting.can_cancel) == (True, True, False)
    assert (waiting.can_withdraw, waiting.can_mark) == (True, False)

    assignment = assignment_confirm(assignment=assignment, now=at(session, 50))
    early = assignment_actions(assignment=assignment, now=at(session, 25))
    late = assignment_actions(assignment=assignment, now=at(session, 23))
    started = assignment_actions(assignment=assignment, now=at(session, -1))
    assert (early.can_cancel, early.too_late_to_cancel) == (True, False)
    assert (late.can_cancel, late.too_late_to_cancel, late.can_withdraw) == (False, True, True)
    assert (started.can_withdraw, started.can_mark) == (False, True)

    cancelled(session)
    assignment.shift.session.refresh_from_db()
    closed = assignment_actions(assignment=assignment, now=at(session, -1))
    assert (closed.can_mark, closed.can_withdraw, closed.can_cancel) == (False, False, False)


# -- a whole term --------------------------------------------------------------------------


def test_every_week_this_term_is_one_invitation_with_every_week_in_its_calendar_file(
    early_in_a_term, term
):
    _, partnership, shifts = term
    person = volunteer(partnership.organisation)
    mondays = [s for s in shifts if s.session.local_start.weekday() == 0]

    result = assignment_propose_for_term(shift=mondays[0], volunteer=person)

    assert len(result.assigned) == 4
    (invitation,) = Outbox.objects.filter(recipient=person.email)
    assert invitation.kind == "shift_invitation_term"
    assert invitation.subject.startswith("Can you help at Lektiecafé for 4 weeks, from Monday")
    ((ics),) = [a["content"] for a in invitation.attachments]
    assert ics.count("BEGIN:VEVENT") == 4
    assert ics.count("STATUS:TENTATIVE") == 4
    # Each week has its own answer link.
    assert all(shift_url(assignment=a) in invitation.body_text for a in result.assigned)


# -- walk-through: "every week" from the chosen shift to the end of its term ---------------


@pytest.fixture
def late_spring():
    """Monday 10 May 2027: nine Mondays from the 17th run past the summer holidays."""
    with time_machine.travel(datetime(2027, 5, 10, 9, tzinfo=UTC), tick=False):
        series = lektiecafe_series(weekdays=(0,), weeks=9)
        org = organisation()
        partnership = partnership_for(series, org, coordinators=[coordinator(org)])
        yield partnership, shifts_for(series, partnership, required=1)


def test_every_week_runs_from_the_chosen_shift_to_the_end_of_its_term(late_spring):
    partnership, mondays = late_spring
    assert [s.session.local_start.date() for s in mondays][-3:] == [
        date(2027, 6, 28),
        date(2027, 7, 5),
        date(2027, 7, 12),
    ]
    person = volunteer(partnership.organisation)

    # Chosen: the second Monday. Not the first, and nothing after the summer holidays.
    result = assignment_propose_for_term(shift=mondays[1], volunteer=person)

    assert [a.shift for a in result.assigned] == mondays[1:7]
    assert result.skipped == []
    assert not person.assignments.filter(shift__in=[mondays[0], *mondays[7:]]).exists()


def test_every_week_with_more_than_needed_also_takes_the_weeks_already_filled(late_spring):
    partnership, mondays = late_spring
    first, filled = mondays[1], mondays[2]
    assignment_propose(shift=filled, volunteer=volunteer(partnership.organisation, "Anna Dahl"))
    person = volunteer(partnership.organisation, "Bo Krog")

    result = assignment_propose_for_term(shift=first, volunteer=person, above_required=True)

    assert [a.shift for a in result.assigned] == mondays[1:7]
    assert [(a.shift, a.above_required) for a in result.assigned][:2] == [
        (first, False),
        (filled, True),
    ]


def test_weeks_refused_for_the_same_reason_are_grouped_with_their_days(early_in_a_term, term):
    _, partnership, shifts = term
    mondays = [s for s in shifts if s.session.local_start.weekday() == 0]
    person = volunteer(partnership.organisation, certified_until=None)
    Certificate.objects.create(
        volunteer=person,
        kind=Certificate.Kind.BOERNEATTEST,
        checked_on=date(2027, 1, 4),
        valid_until=mondays[2].session.local_start.date() - timedelta(days=1),
    )
    for monday in mondays[:2]:
        busy = Shift.objects.create(session=monday.session, partnership=partnership, role="host")
        assignment_propose(shift=busy, volunteer=person)

    result = assignment_propose_for_term(shift=mondays[0], volunteer=person)

    assert result.assigned == []
    reasons = result.skipped_by_reason()
    assert [days for _reason, days in reasons] == [
        [m.session.local_start.date() for m in mondays[:2]],
        [m.session.local_start.date() for m in mondays[2:]],
    ]
    assert "on another shift at the same time" in reasons[0][0]
    until = formats.date_format(mondays[2].session.local_start.date() - timedelta(days=1))
    assert f"certificate of Sofie Lund is valid only until {until}" in reasons[1][0]


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Volunteer.Status.APPLICANT, "Sofie Lund is still an applicant: welcome them"),
        (Volunteer.Status.PAUSED, "Sofie Lund is paused and cannot take shifts."),
        (Volunteer.Status.LEFT, "Sofie Lund has left and cannot take shifts."),
    ],
)
def test_a_volunteer_who_cannot_take_shifts_is_refused_in_words_for_their_status(
    term, status, reason
):
    _, partnership, shifts = term
    person = volunteer(partnership.organisation, status=status)

    with pytest.raises(AssignmentError) as refused:
        assignment_propose(shift=shifts[0], volunteer=person)

    assert str(refused.value).startswith(reason)


def test_a_shift_is_deleted_only_when_nobody_is_on_it_and_it_was_not_held(term):
    _, partnership, shifts = term
    org = partnership.organisation
    asked, held, declined = shifts[:3]
    assignment_propose(shift=asked, volunteer=volunteer(org, "Anna Dahl"))
    Assignment.objects.create(shift=held, volunteer=volunteer(org, "Bo Krog"), status="done")
    Assignment.objects.create(
        shift=declined, volunteer=volunteer(org, "Cai Holm"), status="declined"
    )

    with pytest.raises(AssignmentError, match="take them off first"):
        shifts_delete(shifts=Shift.objects.filter(pk=asked.pk))
    with pytest.raises(AssignmentError, match="who came is on its record"):
        shifts_delete(shifts=Shift.objects.filter(pk__in=[held.pk, declined.pk]))
    assert Shift.objects.filter(pk__in=[asked.pk, held.pk, declined.pk]).count() == 3

    assert shifts_delete(shifts=Shift.objects.filter(pk=declined.pk)) == 1
    assert not Shift.objects.filter(pk=declined.pk).exists()
    assert not Assignment.objects.filter(volunteer__name="Cai Holm").exists()
