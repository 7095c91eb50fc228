"""The certificate rule at every step in time, and the volunteer's own page: with a frozen
clock, a certificate that ends mid-term after the planning flags exactly the later shifts,
refuses their confirmation and alerts the coordinators once per window; a decline is taken
back while the shift still needs someone; a volunteer says yes to every week at once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import formats

from notifications.models import Outbox
from volunteers.links import page_url
from volunteers.models import (
    FILLED_COUNT,
    ON_SHIFT_COUNT,
    Assignment,
    Onboarding,
    Shift,
    ShiftPolicy,
    SwapRequest,
)
from volunteers.outreach import plan_volunteer_messages
from volunteers.selectors import own_page, shifts_for, viewer_for, volunteer_record, week_grid
from volunteers.services import (
    AssignmentError,
    assignment_confirm,
    assignment_confirm_all,
    assignment_decline,
    assignment_propose,
    assignment_propose_for_term,
    assignment_take_open,
    assignment_undo_decline,
    certificate_record,
    every_week_until,
    swap_decide,
    swap_request,
    volunteer_join,
)

from .support import coordinator, lektiecafe_series, organisation, partnership_for, volunteer

pytestmark = pytest.mark.django_db

S = Assignment.Status

# Monday 1 February 2027, 09:00 in Copenhagen. The Wednesdays 15–18 run from 3 February for
# eight weeks, to 24 March.
T0 = datetime(2027, 2, 1, 8, tzinfo=UTC)
FIRST = date(2027, 2, 1)
# Sofie's certificate, corrected after the planning: it ends on Sunday 28 February, so the
# Wednesdays from 3 March on (four of the eight) are after it.
ENDS = date(2027, 2, 28)


def day_of(assignment: Assignment) -> date:
    return assignment.shift.session.local_start.date()


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def term(clock):
    """Eight Wednesdays of Lektiecafé; Sofie was asked for every one of them while her
    certificate was good until 2099, and said yes to the first; then it was found to end on
    28 February (the record corrected)."""
    org = organisation()
    mette = coordinator(org, "mette")
    series = lektiecafe_series(weekdays=(2,), weeks=8, first=FIRST)
    partnership = partnership_for(series, org, coordinators=[mette])
    from volunteers.services import shifts_create_for_series

    shifts_create_for_series(series=series, partnership=partnership, required_count=1)
    shifts = list(
        Shift.objects.filter(partnership=partnership)
        .select_related("session__programme", "session__room__branch", "partnership")
        .order_by("session__starts_at")
    )
    sofie = volunteer(org, "Sofie Lund")
    Onboarding.objects.create(volunteer=sofie, partnership=partnership)
    result = assignment_propose_for_term(shift=shifts[0], volunteer=sofie)
    assert len(result.assigned) == 8
    assignment_confirm(assignment=result.assigned[0])
    sofie.certificates.update(valid_until=ENDS)
    return {
        "org": org,
        "mette": mette,
        "partnership": partnership,
        "shifts": shifts,
        "sofie": sofie,
        "assignments": list(
            Assignment.objects.filter(volunteer=sofie).order_by("shift__session__starts_at")
        ),
    }


def test_a_certificate_ending_mid_term_flags_exactly_the_shifts_after_it(term):
    later = [a for a in term["assignments"] if day_of(a) > ENDS]
    assert [day_of(a) for a in later] == [date(2027, 3, d) for d in (3, 10, 17, 24)]

    flagged = Assignment.objects.lacking_certificate()
    assert {a.pk for a in flagged} == {a.pk for a in later}

    # Not counted as filled: the planning's count and the alert's count alike.
    counts = {
        s.pk: (getattr(s, ON_SHIFT_COUNT), getattr(s, FILLED_COUNT))
        for s in Shift.objects.with_staffing()
    }
    for assignment in term["assignments"]:
        on_shift, filled = counts[assignment.shift_id]
        if assignment in later:
            assert (on_shift, filled) == (0, 0)
        else:
            assert on_shift == 1


def test_the_grid_the_record_and_the_shift_page_flag_them(client, term):
    viewer = viewer_for(user=term["mette"].user)
    march = week_grid(shifts=shifts_for(viewer=viewer), monday=date(2027, 3, 1), today=FIRST)
    (row,) = march.rows
    assert [a.volunteer.name for a in row.lacking_certificate] == ["Sofie Lund"]
    assert row.unfilled
    assert row.filled == 0
    february = week_grid(shifts=shifts_for(viewer=viewer), monday=date(2027, 2, 22), today=FIRST)
    assert february.rows[0].lacking_certificate == []

    record = volunteer_record(viewer=viewer, volunteer=term["sofie"], now=T0)
    assert [day_of(a) for a in record.lacking_certificate] == [
        day_of(a) for a in term["assignments"] if day_of(a) > ENDS
    ]

    client.force_login(term["mette"].user)
    week = client.get(reverse("volunteers:week"), {"week": "2027-W09"}).content.decode()
    assert "Sofie Lund (no certificate)" in week
    assert 'id="week-certificates"' in week
    later = next(a for a in term["assignments"] if day_of(a) > ENDS)
    page = client.get(reverse("volunteers:shift_detail", args=[later.shift_id])).content.decode()
    assert "No valid child-safety certificate on this day" in page
    assert "0 of 1 volunteer: not filled yet" in page
    person = client.get(
        reverse("volunteers:volunteer_detail", args=[term["sofie"].pk])
    ).content.decode()
    assert "No valid child-safety certificate for 4 coming shifts" in person


def test_the_shifts_after_it_cannot_be_confirmed_and_the_ones_before_can(term):
    before = [a for a in term["assignments"] if day_of(a) <= ENDS and a.status == S.PROPOSED]
    after = [a for a in term["assignments"] if day_of(a) > ENDS]
    with pytest.raises(AssignmentError, match="not valid on Wednesday|not valid on"):
        assignment_confirm(assignment=after[0])
    assert Assignment.objects.get(pk=after[0].pk).status == S.PROPOSED
    assert assignment_confirm(assignment=before[0]).status == S.CONFIRMED


def test_the_shifts_own_page_says_why_instead_of_offering_yes(client, term):
    from volunteers.links import shift_url

    after = next(a for a in term["assignments"] if day_of(a) > ENDS)
    page = client.get(shift_url(assignment=after).removeprefix("http://127.0.0.1:8000"))
    content = page.content.decode()
    assert "Your child-safety certificate is not valid on" in content
    assert 'value="confirm"' not in content
    assert 'value="decline"' in content


def test_confirming_all_weeks_at_once_confirms_those_the_certificate_covers(term):
    result = assignment_confirm_all(volunteer=term["sofie"])
    assert sorted(day_of(a) for a in result.confirmed) == [
        date(2027, 2, 10),
        date(2027, 2, 17),
        date(2027, 2, 24),
    ]
    assert len(result.refused) == 4
    assert all("certificate" in reason for _a, reason in result.refused)


def test_a_new_certificate_lifts_the_flags(term):
    certificate_record(
        volunteer=term["sofie"],
        kind="boerneattest",
        checked_on=FIRST,
        valid_until=date(2030, 1, 1),
        by=term["mette"].user,
    )
    assert not Assignment.objects.lacking_certificate().exists()
    assert all(getattr(s, ON_SHIFT_COUNT) == 1 for s in Shift.objects.with_staffing())


def renewal_alerts() -> list[Outbox]:
    return list(Outbox.objects.filter(kind="certificate_renewal").order_by("pk"))


def lapsed_alerts() -> list[Outbox]:
    return list(Outbox.objects.filter(kind="certificate_lapsed").order_by("pk"))


def test_the_coordinators_are_alerted_once_in_the_renewal_window_and_once_when_it_lapses(
    clock, term
):
    # Every day from now to after the term, the planner runs.
    day = T0
    while day < datetime(2027, 3, 26, 8, tzinfo=UTC):
        clock.move_to(day)
        plan_volunteer_messages(now=day)
        if day.date() <= ENDS:
            assert lapsed_alerts() == []
        day += timedelta(days=1)

    (renewal,) = renewal_alerts()
    # The window (60 days) was open already on the first day: the alert names the shifts
    # after the end, which still need someone or a new certificate.
    assert renewal.created_at.date() == T0.date()
    assert renewal.recipient == "mette@example.org"
    assert "Sofie Lund" in renewal.subject
    for n in (3, 10, 17, 24):
        assert f"{n} March 2027" in renewal.body_text
    assert "24 February 2027" not in renewal.body_text

    (lapsed,) = lapsed_alerts()
    assert lapsed.created_at.date() == date(2027, 3, 1)
    assert f"expired on {formats.date_format(ENDS, 'DATE_FORMAT')}" in lapsed.body_text
    for n in (3, 10, 17, 24):
        assert f"{n} March 2027" in lapsed.body_text


def test_no_lapse_alert_when_a_new_certificate_came_in_time(clock, term):
    certificate_record(
        volunteer=term["sofie"],
        kind="boerneattest",
        checked_on=FIRST,
        valid_until=date(2030, 1, 1),
        by=term["mette"].user,
    )
    clock.move_to(datetime(2027, 3, 2, 8, tzinfo=UTC))
    plan_volunteer_messages()
    assert lapsed_alerts() == []


# -- the certificate step of the welcome ---------------------------------------------------


def test_a_certificate_recorded_before_the_welcome_ticks_its_step(clock, term):
    newcomer = volunteer(term["org"], "Nora Holm", status="applicant")
    checked = newcomer.certificates.get().checked_on
    onboarding = volunteer_join(volunteer=newcomer, partnership=term["partnership"])
    onboarding.refresh_from_db()
    assert onboarding.certificate_checked_on == checked


def test_an_expired_certificate_ticks_nothing(clock, term):
    newcomer = volunteer(
        term["org"], "Nora Holm", status="applicant", certified_until=FIRST - timedelta(days=3)
    )
    onboarding = volunteer_join(volunteer=newcomer, partnership=term["partnership"])
    onboarding.refresh_from_db()
    assert onboarding.certificate_checked_on is None


# -- taking back a decline -----------------------------------------------------------------


@pytest.fixture
def asked(clock):
    """A Monday shift next week needing one volunteer; Sofie was asked and said no."""
    org = organisation()
    mette = coordinator(org, "mette")
    series = lektiecafe_series(weekdays=(0,), weeks=1, first=date(2027, 2, 8))
    partnership = partnership_for(series, org, coordinators=[mette])
    from volunteers.services import shifts_create_for_series

    shifts_create_for_series(series=series, partnership=partnership, required_count=1)
    shift = Shift.objects.select_related("session__programme", "session__room__branch").get()
    sofie = volunteer(org, "Sofie Lund")
    Onboarding.objects.create(volunteer=sofie, partnership=partnership)
    assignment = assignment_propose(shift=shift, volunteer=sofie)
    assignment_decline(assignment=assignment)
    return {
        "org": org,
        "shift": shift,
        "sofie": sofie,
        "assignment": assignment,
        "partnership": partnership,
    }


def test_a_decline_is_taken_back_while_the_shift_still_needs_someone(
    asked, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = assignment_undo_decline(assignment=asked["assignment"])
    assert again.status == S.CONFIRMED
    (told,) = [m for m in mail.outbox if m.subject.startswith("Sofie Lund will come")]
    assert told.to == ["mette@example.org"]
    assert told.subject == "Sofie Lund will come: Lektiecafé on Monday 8 February 2027"


def test_a_decline_cannot_be_taken_back_once_someone_else_filled_the_shift(asked):
    anna = volunteer(asked["org"], "Anna Bak")
    assignment_propose(shift=asked["shift"], volunteer=anna)
    with pytest.raises(AssignmentError, match="filled since you said no"):
        assignment_undo_decline(assignment=asked["assignment"])
    assert Assignment.objects.get(pk=asked["assignment"].pk).status == S.DECLINED


def test_the_page_offers_the_undo_only_while_the_shift_is_short(asked):
    page = own_page(volunteer=asked["sofie"], now=T0)
    assert [s.can_undo_decline for s in page.shifts] == [True]
    assignment_propose(shift=asked["shift"], volunteer=volunteer(asked["org"], "Anna Bak"))
    page = own_page(volunteer=asked["sofie"], now=T0)
    assert [s.can_undo_decline for s in page.shifts] == [False]


# -- open shifts and swaps -----------------------------------------------------------------


def test_open_shifts_are_taken_only_where_the_coordinator_allows_it(asked):
    anna = volunteer(asked["org"], "Anna Bak")
    Onboarding.objects.create(volunteer=anna, partnership=asked["partnership"])
    assert [o.may_take for o in own_page(volunteer=anna, now=T0).open_shifts] == [False]
    with pytest.raises(AssignmentError, match="Your coordinator plans these shifts"):
        assignment_take_open(shift=asked["shift"], volunteer=anna)

    ShiftPolicy.objects.create(partnership=asked["partnership"], volunteers_take_open_shifts=True)
    assert [o.may_take for o in own_page(volunteer=anna, now=T0).open_shifts] == [True]
    taken = assignment_take_open(shift=asked["shift"], volunteer=anna)
    assert taken.status == S.CONFIRMED
    # Full now: nobody else takes it, and it is offered no more.
    bo = volunteer(asked["org"], "Bo Krag")
    Onboarding.objects.create(volunteer=bo, partnership=asked["partnership"])
    assert own_page(volunteer=bo, now=T0).open_shifts == []
    with pytest.raises(AssignmentError, match="already has the volunteer it needs"):
        assignment_take_open(shift=asked["shift"], volunteer=bo)


def test_an_open_shift_needs_a_certificate_like_any_other(asked):
    ShiftPolicy.objects.create(partnership=asked["partnership"], volunteers_take_open_shifts=True)
    lapsed = volunteer(asked["org"], "Bo Krag", certified_until=FIRST)
    Onboarding.objects.create(volunteer=lapsed, partnership=asked["partnership"])
    assert own_page(volunteer=lapsed, now=T0).open_shifts == []
    with pytest.raises(AssignmentError, match="certificate"):
        assignment_take_open(shift=asked["shift"], volunteer=lapsed)


def test_a_swap_the_coordinator_approves_moves_the_volunteer(clock):
    org = organisation()
    mette = coordinator(org, "mette")
    series = lektiecafe_series(weekdays=(0, 2), weeks=1, first=date(2027, 2, 8))
    partnership = partnership_for(series, org, coordinators=[mette])
    from volunteers.services import shifts_create_for_series

    shifts_create_for_series(series=series, partnership=partnership, required_count=1)
    monday, wednesday = Shift.objects.order_by("session__starts_at")
    sofie = volunteer(org, "Sofie Lund")
    Onboarding.objects.create(volunteer=sofie, partnership=partnership)
    on_monday = assignment_propose(shift=monday, volunteer=sofie)
    assignment_confirm(assignment=on_monday)

    swap = swap_request(assignment=on_monday, to_shift=wednesday)
    assert Outbox.objects.filter(
        kind="shift_swap_requested", recipient="mette@example.org"
    ).exists()
    # Until the coordinator answers, Sofie keeps Monday.
    assert Assignment.objects.get(pk=on_monday.pk).status == S.CONFIRMED
    with pytest.raises(AssignmentError, match="asked to swap this shift already"):
        swap_request(assignment=on_monday, to_shift=wednesday)

    swap_decide(swap=swap, approve=True, by=mette.user)
    assert Assignment.objects.get(pk=on_monday.pk).status == S.CANCELLED
    assert Assignment.objects.get(shift=wednesday, volunteer=sofie).status == S.CONFIRMED
    assert SwapRequest.objects.get().status == SwapRequest.Status.APPROVED
    told = Outbox.objects.get(kind="shift_swap_decided")
    assert told.recipient == sofie.email
    assert told.subject == "Your swap is approved"


# -- "every week" across terms -------------------------------------------------------------


def test_every_week_reaches_into_the_next_term_when_fewer_than_four_weeks_are_left():
    assert every_week_until(date(2027, 2, 3)) == date(2027, 6, 30)
    assert every_week_until(date(2027, 6, 2)) == date(2027, 6, 30)  # four weeks left
    assert every_week_until(date(2027, 6, 9)) == date(2027, 12, 31)
    assert every_week_until(date(2026, 12, 2)) == date(2026, 12, 31)  # four weeks and a day
    assert every_week_until(date(2026, 12, 9)) == date(2027, 6, 30)


def test_every_week_in_december_runs_into_the_spring_and_to_a_chosen_day():
    december = datetime(2026, 12, 1, 9, tzinfo=UTC)
    with time_machine.travel(december, tick=False):
        org = organisation()
        series = lektiecafe_series(weekdays=(2,), weeks=10, first=date(2026, 12, 9))
        partnership = partnership_for(series, org)
        from volunteers.services import shifts_create_for_series

        shifts_create_for_series(series=series, partnership=partnership, required_count=1)
        first = Shift.objects.order_by("session__starts_at").first()
        sofie = volunteer(org, "Sofie Lund")
        everything = assignment_propose_for_term(shift=first, volunteer=sofie)
        # Ten Wednesdays, four of them in December and six in the new year.
        assert len(everything.assigned) == 10

        anna = volunteer(org, "Anna Bak")
        some = assignment_propose_for_term(
            shift=first, volunteer=anna, until=date(2027, 1, 6), above_required=True
        )
        assert [day_of(a) for a in some.assigned] == [
            date(2026, 12, 9),
            date(2026, 12, 16),
            date(2026, 12, 23),
            date(2026, 12, 30),
            date(2027, 1, 6),
        ]
        with pytest.raises(AssignmentError, match="on or after the shift's own day"):
            assignment_propose_for_term(shift=first, volunteer=anna, until=date(2026, 11, 1))


def test_the_volunteers_page_link_stops_working_when_renewed(client, asked):
    from volunteers.services import volunteer_send_page_link

    old = page_url(volunteer=asked["sofie"])
    assert client.get(old).status_code == 200
    volunteer_send_page_link(volunteer=asked["sofie"], renew=True)
    assert client.get(old).status_code == 404
    asked["sofie"].refresh_from_db()
    assert client.get(page_url(volunteer=asked["sofie"])).status_code == 200
    assert Outbox.objects.filter(
        kind="volunteer_page_link", recipient=asked["sofie"].email
    ).exists()
