"""Is a shift short: one definition (volunteers.models), counted two ways, used by the
planning, the 48-hour alert, the turnover and the admin alike."""

from datetime import timedelta

import pytest
from django.utils import timezone

from volunteers.models import (
    FILLED_COUNT,
    ON_SHIFT_COUNT,
    UNANSWERED_COUNT,
    Assignment,
    Shift,
    places_missing,
)
from volunteers.outreach import due_understaffed
from volunteers.selectors import shifts_for, viewer_for, week_grid

from .support import coordinator, lektiecafe_series, organisation, partnership_for, volunteer

pytestmark = pytest.mark.django_db

S = Assignment.Status


@pytest.fixture
def staffed_shifts():
    """One shift of three places per status mix, on sessions starting tomorrow."""
    series = lektiecafe_series(weekdays=(0, 1, 2, 3, 4, 5, 6), weeks=1)
    org = organisation()
    partnership = partnership_for(series, org, coordinators=[coordinator(org)])
    people = [volunteer(org, f"Volunteer {n}") for n in range(3)]
    mixes = [
        (),
        (S.PROPOSED,),
        (S.CONFIRMED, S.PROPOSED, S.PROPOSED),
        (S.CONFIRMED, S.CONFIRMED, S.CONFIRMED),
        (S.DONE, S.NO_SHOW, S.DECLINED),
        (S.CANCELLED, S.DECLINED, S.CONFIRMED),
    ]
    tomorrow = timezone.now() + timedelta(days=1)
    shifts = []
    for session, mix in zip(series.sessions.order_by("starts_at"), mixes, strict=False):
        session.starts_at, session.ends_at = tomorrow, tomorrow + timedelta(hours=3)
        session.save(update_fields=["starts_at", "ends_at"])
        shift = Shift.objects.create(session=session, partnership=partnership, required_count=3)
        Assignment.objects.bulk_create(
            Assignment(shift=shift, volunteer=person, status=status)
            for person, status in zip(people, mix, strict=False)
        )
        shifts.append((shift, mix))
        tomorrow += timedelta(hours=4)
    return shifts


def test_the_database_and_python_agree_on_which_shifts_are_short(staffed_shifts):
    counted = {
        ON_SHIFT_COUNT: (S.PROPOSED, S.CONFIRMED, S.DONE, S.NO_SHOW),
        FILLED_COUNT: (S.CONFIRMED, S.DONE, S.NO_SHOW),
    }
    for count, statuses in counted.items():
        expected = {
            shift.pk
            for shift, mix in staffed_shifts
            if places_missing(required=3, staffed=sum(s in statuses for s in mix)) > 0
        }
        assert set(Shift.objects.short(counted=count).values_list("pk", flat=True)) == expected
        assert (
            set(Shift.objects.full(counted=count).values_list("pk", flat=True))
            == {shift.pk for shift, _mix in staffed_shifts} - expected
        )


def test_the_counts_are_annotated_once_and_read_alike(staffed_shifts):
    shift, _mix = staffed_shifts[2]  # a yes and two unanswered invitations
    counted = Shift.objects.with_staffing().with_staffing().get(pk=shift.pk)
    assert (
        getattr(counted, ON_SHIFT_COUNT),
        getattr(counted, FILLED_COUNT),
        getattr(counted, UNANSWERED_COUNT),
    ) == (3, 1, 2)
    assert places_missing(required=3, staffed=5) == 0


def test_an_unanswered_invitation_holds_a_place_on_the_week_but_not_in_the_alert(
    staffed_shifts,
):
    shift, _mix = staffed_shifts[2]
    viewer = viewer_for(user=shift.partnership.coordinators.get().user)
    today = timezone.localdate()
    grid = week_grid(
        shifts=shifts_for(viewer=viewer),
        monday=shift.session.local_start.date()
        - timedelta(days=shift.session.local_start.weekday()),
        today=today,
    )
    (row,) = [row for row in grid.rows if row.shift.pk == shift.pk]
    assert row.missing == 0
    assert shift in due_understaffed(now=timezone.now())
