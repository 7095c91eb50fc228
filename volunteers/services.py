"""The rules of staffing sessions with volunteers, each in one place.

- A volunteer is put on a shift only when they can take it: of the partnership's
  organisation, welcomed or active, holding a child-safety certificate valid on the day
  where children under 15 come, not on another shift at the same time, and on a day the
  partnership runs.
- A shift gets no more volunteers than it needs unless the coordinator says so.
- A volunteer says yes or no through their link, and cancels a yes until the
  partnership's cut-off; the coordinators are told of every decline and cancellation at
  once. Staff take a volunteer off a shift until it starts; the volunteer is told, and so
  are the coordinators when it was not one of them.
- Nothing changes on a cancelled session, and nothing but who came once it has started.
- After the session staff mark who came: no-shows are known and hours follow.

Changes that count places lock the shift row; changes that could double-book a volunteer
lock the volunteer row. Every change records who made it (None: the volunteer's link).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Field, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.errors import DomainError
from common.transactions import require_atomic
from partners.models import PartnerOrganisation, Partnership
from programmes.models import Series, Session
from volunteers.messages import (
    notify_assignment,
    notify_coordinators,
    notify_page_link,
    notify_swap_decided,
    notify_swap_requested,
    notify_term_invitation,
    notify_welcome,
)
from volunteers.models import (
    ASKED_OR_CONFIRMED,
    MARKED,
    ON_SHIFT_COUNT,
    ON_THE_SHIFT,
    Assignment,
    Availability,
    Certificate,
    Onboarding,
    Shift,
    ShiftPolicy,
    Subject,
    SwapRequest,
    Volunteer,
    needs_certificate,
    places_missing,
    shift_mismatch,
)
from volunteers.terms import term_of

_S = Assignment.Status

# Which status a volunteer may move to from each; staying put changes nothing.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Volunteer.Status.APPLICANT: (Volunteer.Status.ONBOARDING, Volunteer.Status.LEFT),
    Volunteer.Status.ONBOARDING: (
        Volunteer.Status.ACTIVE,
        Volunteer.Status.PAUSED,
        Volunteer.Status.LEFT,
    ),
    Volunteer.Status.ACTIVE: (Volunteer.Status.PAUSED, Volunteer.Status.LEFT),
    Volunteer.Status.PAUSED: (Volunteer.Status.ACTIVE, Volunteer.Status.LEFT),
    # A volunteer who left and comes back is active again at once (see
    # volunteer_set_status); being welcomed a second time would rewrite their history.
    Volunteer.Status.LEFT: (Volunteer.Status.ACTIVE,),
}


class AssignmentError(DomainError):
    """A change that breaks a rule; the message is translated and safe to show."""


def _day(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _refuse_closed(session: Session, now: datetime, *, once_started: bool = True) -> None:
    """Nothing changes on a cancelled session, nor (``once_started``) on one under way."""
    if session.status != Session.Status.SCHEDULED:
        raise AssignmentError(_("This session has been cancelled."))
    if once_started and session.starts_at <= now:
        raise AssignmentError(_("This session has already started."))


# -- rules read by the service and by the pages --------------------------------------------


def certificate_valid_on(certificates, day: date) -> bool:
    return any(c.is_valid_on(day) for c in certificates)


def live_assignments_between(*, starts_at: datetime, ends_at: datetime) -> QuerySet[Assignment]:
    """Everyone's places on sessions overlapping [starts_at, ends_at)."""
    return Assignment.objects.filter(
        status__in=ASKED_OR_CONFIRMED,
        shift__session__status=Session.Status.SCHEDULED,
        shift__session__starts_at__lt=ends_at,
        shift__session__ends_at__gt=starts_at,
    )


def overlapping_assignments(
    *, volunteer: Volunteer, starts_at: datetime, ends_at: datetime
) -> QuerySet[Assignment]:
    """The volunteer's places on sessions overlapping [starts_at, ends_at)."""
    return live_assignments_between(starts_at=starts_at, ends_at=ends_at).filter(
        volunteer=volunteer
    )


# The reasons below name no session date, so that the weeks of a term refused for the same
# reason read as one (see TermResult.skipped_by_reason); the page shows the date anyway.


def _status_refusal(volunteer: Volunteer) -> str:
    name = {"name": volunteer.name}
    if volunteer.status == Volunteer.Status.APPLICANT:
        return _("%(name)s is still an applicant: welcome them into the partnership first.") % name
    if volunteer.status == Volunteer.Status.PAUSED:
        return _("%(name)s is paused and cannot take shifts.") % name
    return _("%(name)s has left and cannot take shifts.") % name


def _period_refusal(partnership: Partnership, day: date) -> str:
    # A partnership without an end that has begun runs: only its start can refuse.
    if day < partnership.starts_on or partnership.ends_on is None:
        return _("The partnership does not run yet then: it starts on %(day)s.") % {
            "day": _day(partnership.starts_on)
        }
    return _("The partnership does not run then: it ended on %(day)s.") % {
        "day": _day(partnership.ends_on)
    }


def _certificate_refusal(volunteer: Volunteer, certificates, day: date) -> str:
    lapsed = [c.valid_until for c in certificates if c.checked_on <= day]
    if lapsed:
        return _(
            "The child-safety certificate of %(name)s is valid only until %(until)s, and "
            "children under 15 come to this session."
        ) % {"name": volunteer.name, "until": _day(max(lapsed))}
    return _(
        "%(name)s has no child-safety certificate, and children under 15 come to this session."
    ) % {"name": volunteer.name}


def refusal(
    *,
    shift: Shift,
    volunteer: Volunteer,
    certificates: list[Certificate],
    busy: bool,
    staffed: int,
    above_required: bool,
) -> str:
    """Why the volunteer cannot be put on the shift, or "" when they can."""
    session = shift.session
    partnership = shift.partnership
    day = session.local_start.date()
    if volunteer.organisation_id != partnership.organisation_id:
        return _("%(name)s is not a volunteer of %(organisation)s.") % {
            "name": volunteer.name,
            "organisation": partnership.organisation.name,
        }
    if not volunteer.can_take_shifts:
        return _status_refusal(volunteer)
    if not partnership.runs_on(day):
        return _period_refusal(partnership, day)
    if needs_certificate(session.programme) and not certificate_valid_on(certificates, day):
        return _certificate_refusal(volunteer, certificates, day)
    if busy:
        return _("%(name)s is on another shift at the same time.") % {"name": volunteer.name}
    if not places_missing(required=shift.required_count, staffed=staffed) and not above_required:
        return ngettext(
            "This shift already has the volunteer it needs. Tick “more than needed” to add "
            "one more.",
            "This shift already has the %(count)d volunteers it needs. Tick “more than "
            "needed” to add one more.",
            shift.required_count,
        ) % {"count": shift.required_count}
    return ""


def cancel_deadline(assignment: Assignment) -> datetime:
    hours = assignment.shift.partnership.cancel_cutoff_hours
    return assignment.shift.session.starts_at - timedelta(hours=hours)


@dataclass(frozen=True)
class AssignmentActions:
    """What can be done with an assignment now; the pages show only these buttons."""

    can_confirm: bool
    can_decline: bool
    # Through the volunteer's own link, a yes until the cut-off.
    can_cancel: bool
    too_late_to_cancel: bool
    # Staff taking the volunteer off, until the session starts.
    can_withdraw: bool
    can_mark: bool
    deadline: datetime


def assignment_actions(*, assignment: Assignment, now: datetime) -> AssignmentActions:
    """The services' rules read ahead, for the buttons: each one refuses what this hides."""
    session = assignment.shift.session
    status = assignment.status
    scheduled = session.status == Session.Status.SCHEDULED
    coming = scheduled and session.starts_at > now
    deadline = cancel_deadline(assignment)
    return AssignmentActions(
        can_confirm=coming and status == _S.PROPOSED,
        can_decline=coming and status == _S.PROPOSED,
        can_cancel=coming and status == _S.CONFIRMED and now <= deadline,
        too_late_to_cancel=coming and status == _S.CONFIRMED and now > deadline,
        can_withdraw=coming and status in ASKED_OR_CONFIRMED,
        can_mark=scheduled and session.starts_at <= now and status in ON_THE_SHIFT,
        deadline=deadline,
    )


def hours_given(*, attendance: Iterable[tuple[int, datetime, datetime, str]]) -> float:
    """Hours volunteers gave, from (how many came, session start, end, session status):
    the session's length for each who came. A cancelled session gave none, whatever was
    marked on it."""
    seconds = sum(
        came * (ends_at - starts_at).total_seconds()
        for came, starts_at, ends_at, status in attendance
        if status == Session.Status.SCHEDULED
    )
    return round(seconds / 3600, 2)


# -- shifts --------------------------------------------------------------------------------


def shifts_create_for_series(
    *,
    series: Series,
    partnership: Partnership,
    role: str = Shift.Role.HOMEWORK_HELPER,
    required_count: int = 2,
    subjects: list[Subject] | tuple = (),
    now: datetime | None = None,
) -> int:
    """A shift on every coming scheduled session of the series within the partnership's
    period (a whole term at once).

    Sessions that already have a shift in this role are left as they are; returns how
    many shifts were made.
    """
    now = now or timezone.now()
    if partnership.programme_id != series.programme_id:
        raise AssignmentError(_("The partnership is for another programme than this series."))
    if partnership.branch_id != series.room.branch_id:
        raise AssignmentError(_("The partnership is at another branch than this series."))
    sessions = [
        session
        for session in series.sessions.filter(
            status=Session.Status.SCHEDULED, starts_at__gt=now
        ).select_related("room__branch")
        if not shift_mismatch(session=session, partnership=partnership)
    ]
    with transaction.atomic():
        have = set(
            Shift.objects.filter(
                session__in=sessions, partnership=partnership, role=role
            ).values_list("session_id", flat=True)
        )
        made = Shift.objects.bulk_create(
            [
                Shift(
                    session=session,
                    partnership=partnership,
                    role=role,
                    required_count=required_count,
                )
                for session in sessions
                if session.pk not in have
            ]
        )
        if subjects:
            through = Shift.wanted_subjects.through
            through.objects.bulk_create(
                [
                    through(shift_id=s.pk, subject_id=subject.pk)
                    for s in made
                    for subject in subjects
                ]
            )
    return len(made)


def shifts_delete_refusal(*, shifts: QuerySet[Shift]) -> str:
    """Why these shifts cannot be deleted, or "" when they can: the volunteers on a shift
    are taken off first (and told), and a held shift is the record of who came."""
    shifts = Shift.objects.filter(pk__in=shifts.values("pk")).select_related(
        "session__programme", "session__room__branch"
    )
    marked = shifts.filter(assignments__status__in=MARKED).distinct()
    on = shifts.filter(assignments__status__in=ASKED_OR_CONFIRMED).distinct()
    if marked.exists():
        return _(
            "A shift that has been held stays: who came is on its record. Shifts held: %(shifts)s."
        ) % {"shifts": ", ".join(str(shift) for shift in marked)}
    if on.exists():
        return _(
            "This shift has volunteers on it: take them off first, on the planning page "
            "(they are told). Shifts with volunteers: %(shifts)s."
        ) % {"shifts": ", ".join(str(shift) for shift in on)}
    return ""


def shifts_delete(*, shifts: QuerySet[Shift]) -> int:
    """Delete shifts nobody is on, with the declines and cancellations left on them;
    refused with shifts_delete_refusal's reason otherwise. The shifts are locked first, so
    nobody is asked onto one while it goes. Returns how many went."""
    with transaction.atomic():
        locked = list(
            Shift.objects.select_for_update()
            .filter(pk__in=shifts.values("pk"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        going = Shift.objects.filter(pk__in=locked)
        reason = shifts_delete_refusal(shifts=going)
        if reason:
            raise AssignmentError(reason)
        going.delete()
    return len(locked)


def _lock_shift(shift_id: int) -> Shift:
    require_atomic()
    return (
        Shift.objects.select_for_update(of=("self",))
        .select_related("session__programme", "session__room__branch", "partnership__organisation")
        .get(pk=shift_id)
    )


def _lock_volunteer(volunteer_id: int) -> Volunteer:
    require_atomic()
    return Volunteer.objects.select_for_update().get(pk=volunteer_id)


# The fields _stamp sets, for save(update_fields=...).
STAMPED = ["status", "changed_by", "changed_at"]


def _stamp(assignment: Assignment, status: str, by, now: datetime) -> None:
    assignment.status, assignment.changed_by, assignment.changed_at = status, by, now


# -- assignments ---------------------------------------------------------------------------


def _propose(
    *, shift: Shift, volunteer: Volunteer, by, above_required: bool, now: datetime
) -> tuple[Assignment, bool]:
    """Put the volunteer on the shift as asked; True when that is new (an invitation is
    due), False when they were already asked or had said yes."""
    shift = _lock_shift(shift.pk)
    volunteer = _lock_volunteer(volunteer.pk)
    session = shift.session
    _refuse_closed(session, now)
    existing = Assignment.objects.filter(shift=shift, volunteer=volunteer).first()
    if existing is not None and existing.status in ASKED_OR_CONFIRMED:
        return existing, False
    # Counted as the planning counts (volunteers.models): before the session, which is
    # all a volunteer is asked for, everyone on the shift is asked or confirmed.
    staffed = (
        Shift.objects.filter(pk=shift.pk)
        .with_staffing()
        .values_list(ON_SHIFT_COUNT, flat=True)
        .get()
    )
    reason = refusal(
        shift=shift,
        volunteer=volunteer,
        certificates=list(volunteer.certificates.all()),
        busy=overlapping_assignments(
            volunteer=volunteer, starts_at=session.starts_at, ends_at=session.ends_at
        ).exists(),
        staffed=staffed,
        above_required=above_required,
    )
    if reason:
        raise AssignmentError(reason)
    assignment = existing or Assignment(shift=shift, volunteer=volunteer)
    _stamp(assignment, _S.PROPOSED, by, now)
    # Ticked on a shift that still had room, it was not the coordinator's choice at all.
    assignment.above_required = above_required and not places_missing(
        required=shift.required_count, staffed=staffed
    )
    assignment.told_starts_at = session.starts_at
    assignment.told_session_cancelled = False
    assignment.save()
    return assignment, True


def assignment_propose(
    *,
    shift: Shift,
    volunteer: Volunteer,
    by=None,
    above_required: bool = False,
    now: datetime | None = None,
) -> Assignment:
    """Ask a volunteer to take a shift: checks every rule, then sends the invitation."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment, new = _propose(
            shift=shift, volunteer=volunteer, by=by, above_required=above_required, now=now
        )
        if new:
            # A second ask after a decline is a new invitation, so its key names the time.
            notify_assignment(assignment=assignment, kind="shift_invitation", occasion=now)
    return assignment


@dataclass(frozen=True)
class TermResult:
    assigned: list[Assignment]
    skipped: list[tuple[Shift, str]]

    def skipped_by_reason(self) -> list[tuple[str, list[date]]]:
        """The days skipped for each reason, in the order the reasons first came up."""
        days: dict[str, list[date]] = {}
        for shift, reason in self.skipped:
            days.setdefault(reason, []).append(shift.session.local_start.date())
        return list(days.items())


# "Every week" reaches into the next term when fewer weeks than this are left of this one.
EVERY_WEEK_MIN_WEEKS = 4
# How far ahead "every week" may reach.
EVERY_WEEK_MAX_DAYS = 366


def every_week_until(day: date) -> date:
    """The last day "every week" runs to unless the coordinator picks another: the end of
    the term of ``day`` (volunteers.terms), or of the next term when fewer than
    EVERY_WEEK_MIN_WEEKS weeks of this one are left, so that asking in December is not
    asking for one week."""
    term = term_of(day)
    if term.end - day < timedelta(weeks=EVERY_WEEK_MIN_WEEKS):
        return term.next().end
    return term.end


def every_week_refusal(*, first: date, until: date) -> str:
    """Why "every week" cannot run from ``first`` to ``until``, or "" when it can."""
    if until < first:
        return _("“Until” must be on or after the shift's own day, %(day)s.") % {"day": _day(first)}
    if until > first + timedelta(days=EVERY_WEEK_MAX_DAYS):
        return _("“Until” can be at most a year after the shift's own day.")
    return ""


def recurring_shifts(*, shift: Shift, now: datetime, until: date | None = None) -> list[Shift]:
    """This shift and the ones like it after it, up to ``until`` (by default
    every_week_until the shift's day): same series, role, weekday and time of day, not yet
    started.
    """
    session = shift.session
    local = session.local_start
    last_day = until or every_week_until(local.date())
    same = Shift.objects.filter(
        partnership=shift.partnership,
        role=shift.role,
        session__status=Session.Status.SCHEDULED,
        session__starts_at__gte=session.starts_at,
        session__starts_at__gt=now,
        # A day's margin covers every time zone; the local date decides below.
        session__starts_at__lt=datetime.combine(last_day + timedelta(days=2), time(), tzinfo=UTC),
    ).select_related("session__room__branch", "session__programme")
    if session.series_id:
        same = same.filter(session__series_id=session.series_id)
    else:
        same = same.filter(pk=shift.pk)
    return [
        s
        for s in same.order_by("session__starts_at")
        if s.session.local_start.weekday() == local.weekday()
        and s.session.local_start.time() == local.time()
        and s.session.local_start.date() <= last_day
    ]


def assignment_propose_for_term(
    *,
    shift: Shift,
    volunteer: Volunteer,
    by=None,
    above_required: bool = False,
    until: date | None = None,
    now: datetime | None = None,
) -> TermResult:
    """Ask a volunteer to take this shift and the same one every week after it, up to
    ``until`` (by default every_week_until: recurring_shifts).

    Each week is checked on its own: a week the volunteer cannot take is skipped with
    its reason, the others are asked; ``above_required`` adds them where a week already
    has the volunteers it needs. The volunteer gets one invitation for all the weeks
    asked, with every one of them in its calendar file.
    """
    now = now or timezone.now()
    if until is not None:
        reason = every_week_refusal(first=shift.session.local_start.date(), until=until)
        if reason:
            raise AssignmentError(reason)
    assigned, skipped, new = [], [], []
    with transaction.atomic():
        for each in recurring_shifts(shift=shift, now=now, until=until):
            try:
                # A savepoint per week: a refused week leaves the others standing.
                with transaction.atomic():
                    assignment, fresh = _propose(
                        shift=each,
                        volunteer=volunteer,
                        by=by,
                        above_required=above_required,
                        now=now,
                    )
            except AssignmentError as exc:
                skipped.append((each, str(exc)))
            else:
                assigned.append(assignment)
                if fresh:
                    new.append(assignment)
        if new:
            notify_term_invitation(assignments=new, occasion=now)
    return TermResult(assigned=assigned, skipped=skipped)


def _lock_assignment(assignment_id: int) -> Assignment:
    require_atomic()
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related(
            "volunteer",
            "shift__session__programme",
            "shift__session__room__branch",
            "shift__partnership__organisation",
        )
        .get(pk=assignment_id)
    )


def _refuse_unless_waiting(assignment: Assignment) -> None:
    if assignment.status != _S.PROPOSED:
        raise AssignmentError(
            _("This shift is no longer waiting for your answer: ask your coordinator.")
        )


def confirm_certificate_refusal(*, assignment: Assignment) -> str:
    """The certificate rule, told to the volunteer, or "" when it holds: a yes for a day
    they will hold no valid certificate for cannot stand, however long ago they were
    asked. The shift's page asks it to show the reason instead of the button."""
    session = assignment.shift.session
    day = session.local_start.date()
    if not needs_certificate(session.programme):
        return ""
    if certificate_valid_on(assignment.volunteer.certificates.all(), day):
        return ""
    return _(
        "Your child-safety certificate is not valid on %(day)s, and children under 15 "
        "come to this session: you can say yes once your coordinator has recorded a new "
        "certificate."
    ) % {"day": _day(day)}


def _refuse_without_certificate(assignment: Assignment) -> None:
    reason = confirm_certificate_refusal(assignment=assignment)
    if reason:
        raise AssignmentError(reason)


def assignment_confirm(*, assignment: Assignment, now: datetime | None = None) -> Assignment:
    """The volunteer says yes through their link, when they will hold a certificate valid
    on the day (the certificate rule holds when asked, when confirmed and every day)."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        if assignment.status == _S.CONFIRMED:
            return assignment
        _refuse_unless_waiting(assignment)
        _refuse_closed(assignment.shift.session, now)
        _refuse_without_certificate(assignment)
        _stamp(assignment, _S.CONFIRMED, None, now)
        assignment.save(update_fields=STAMPED)
    return assignment


@dataclass(frozen=True)
class ConfirmAllResult:
    confirmed: list[Assignment]
    refused: list[tuple[Assignment, str]]


def assignment_confirm_all(
    *, volunteer: Volunteer, now: datetime | None = None
) -> ConfirmAllResult:
    """Every coming shift the volunteer was asked for and has not answered, confirmed at
    once from their own page; each through assignment_confirm, so a week the rules refuse
    (no certificate that day) stays unanswered with its reason."""
    now = now or timezone.now()
    waiting = Assignment.objects.filter(
        volunteer=volunteer,
        status=_S.PROPOSED,
        shift__session__status=Session.Status.SCHEDULED,
        shift__session__starts_at__gt=now,
    ).order_by("shift__session__starts_at", "pk")
    confirmed, refused = [], []
    with transaction.atomic():
        for assignment in waiting:
            try:
                with transaction.atomic():
                    confirmed.append(assignment_confirm(assignment=assignment, now=now))
            except AssignmentError as exc:
                refused.append((assignment, str(exc)))
    return ConfirmAllResult(confirmed=confirmed, refused=refused)


def _staffed(shift: Shift) -> int:
    """Everyone on the shift as the planning counts them (volunteers.models)."""
    return (
        Shift.objects.filter(pk=shift.pk)
        .with_staffing()
        .values_list(ON_SHIFT_COUNT, flat=True)
        .get()
    )


def assignment_undo_decline(*, assignment: Assignment, now: datetime | None = None) -> Assignment:
    """The volunteer said no and can come after all: through their own page they say yes,
    while the shift still needs someone and every rule of asking holds (certificate, not
    elsewhere at the time). The coordinators are told at once, as they were of the no."""
    now = now or timezone.now()
    with transaction.atomic():
        # The shift first, as asking locks it: the places are counted under its lock.
        shift = _lock_shift(assignment.shift_id)
        volunteer = _lock_volunteer(assignment.volunteer_id)
        assignment = _lock_assignment(assignment.pk)
        if assignment.status == _S.CONFIRMED:
            return assignment
        if assignment.status != _S.DECLINED:
            raise AssignmentError(_("Only a shift you said no to can be taken back."))
        session = shift.session
        _refuse_closed(session, now)
        staffed = _staffed(shift)
        if not places_missing(required=shift.required_count, staffed=staffed):
            raise AssignmentError(
                _(
                    "The shift has been filled since you said no: thank you all the same. "
                    "Call your coordinator if you would like to come anyway."
                )
            )
        reason = refusal(
            shift=shift,
            volunteer=volunteer,
            certificates=list(volunteer.certificates.all()),
            busy=overlapping_assignments(
                volunteer=volunteer, starts_at=session.starts_at, ends_at=session.ends_at
            ).exists(),
            staffed=staffed,
            above_required=False,
        )
        if reason:
            raise AssignmentError(reason)
        _stamp(assignment, _S.CONFIRMED, None, now)
        assignment.above_required = False
        assignment.told_starts_at = session.starts_at
        assignment.told_session_cancelled = False
        assignment.save()
        notify_coordinators(assignment=assignment, kind="shift_taken", occasion=now)
    return assignment


def _refuse_unless_joined(volunteer: Volunteer, partnership: Partnership) -> None:
    if not Onboarding.objects.filter(volunteer=volunteer, partnership=partnership).exists():
        raise AssignmentError(
            _("You are not a volunteer of this partnership: ask your coordinator.")
        )


def takes_open_shifts(partnership: Partnership) -> bool:
    """Whether the coordinator lets the partnership's volunteers take open shifts."""
    policy = ShiftPolicy.objects.filter(partnership=partnership).first()
    return policy is not None and policy.volunteers_take_open_shifts


def shift_policy_update(
    *, partnership: Partnership, volunteers_take_open_shifts: bool
) -> ShiftPolicy:
    """The coordinator's choice of what the partnership's volunteers plan themselves."""
    policy, _created = ShiftPolicy.objects.update_or_create(
        partnership=partnership,
        defaults={"volunteers_take_open_shifts": volunteers_take_open_shifts},
    )
    return policy


def assignment_take_open(
    *, shift: Shift, volunteer: Volunteer, now: datetime | None = None
) -> Assignment:
    """A volunteer takes a shift that still needs someone, from their own page, where the
    coordinator allows it (ShiftPolicy): every rule of asking applies (no place above
    the number needed), and the yes is given at once. The coordinators are told."""
    now = now or timezone.now()
    if not takes_open_shifts(shift.partnership):
        raise AssignmentError(
            _("Your coordinator plans these shifts: ask them if you would like this one.")
        )
    _refuse_unless_joined(volunteer, shift.partnership)
    with transaction.atomic():
        assignment, _new = _propose(
            shift=shift, volunteer=volunteer, by=None, above_required=False, now=now
        )
        if assignment.status != _S.CONFIRMED:
            _stamp(assignment, _S.CONFIRMED, None, now)
            assignment.save(update_fields=STAMPED)
            notify_coordinators(assignment=assignment, kind="shift_taken", occasion=now)
    return assignment


# -- swaps ---------------------------------------------------------------------------------


def _swap_target_refusal(*, assignment: Assignment, to_shift: Shift, now: datetime) -> str:
    """Why the volunteer cannot have ``to_shift`` instead of their assignment, or ""."""
    volunteer = assignment.volunteer
    session = to_shift.session
    if to_shift.pk == assignment.shift_id:
        return _("Choose another shift than the one you give up.")
    if session.status != Session.Status.SCHEDULED:
        return _("This session has been cancelled.")
    if session.starts_at <= now:
        return _("This session has already started.")
    if not Onboarding.objects.filter(
        volunteer=volunteer, partnership=to_shift.partnership
    ).exists():
        return _("You are not a volunteer of this partnership: ask your coordinator.")
    staffed = _staffed(to_shift)
    if not places_missing(required=to_shift.required_count, staffed=staffed):
        return _("That shift has the volunteers it needs now.")
    return refusal(
        shift=to_shift,
        volunteer=volunteer,
        certificates=list(volunteer.certificates.all()),
        busy=overlapping_assignments(
            volunteer=volunteer, starts_at=session.starts_at, ends_at=session.ends_at
        )
        .exclude(pk=assignment.pk)
        .exists(),
        staffed=staffed,
        above_required=False,
    )


def swap_request(
    *, assignment: Assignment, to_shift: Shift, now: datetime | None = None
) -> SwapRequest:
    """A volunteer asks to give up one of their coming shifts for another that still needs
    someone; the coordinators are told, and one of them approves or refuses
    (swap_decide). Until then the volunteer stays on their shift."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        if assignment.status not in ASKED_OR_CONFIRMED:
            raise AssignmentError(_("You are not on this shift any more."))
        _refuse_closed(assignment.shift.session, now)
        if assignment.swap_requests.filter(status=SwapRequest.Status.PENDING).exists():
            raise AssignmentError(
                _("You have asked to swap this shift already: your coordinator will answer.")
            )
        to_shift = Shift.objects.select_related(
            "session__programme", "session__room__branch", "partnership__organisation"
        ).get(pk=to_shift.pk)
        reason = _swap_target_refusal(assignment=assignment, to_shift=to_shift, now=now)
        if reason:
            raise AssignmentError(reason)
        swap = SwapRequest.objects.create(assignment=assignment, to_shift=to_shift, created_at=now)
        notify_swap_requested(swap=swap)
    return swap


def swap_decide(
    *, swap: SwapRequest, approve: bool, by, now: datetime | None = None
) -> SwapRequest:
    """A coordinator answers a swap request. Approved, the volunteer is on the shift they
    wanted (with their yes: they asked for it) and off the one they gave up, under the
    rules of asking, checked again now; refused, nothing changes. Either way they are told."""
    now = now or timezone.now()
    with transaction.atomic():
        swap = SwapRequest.objects.select_for_update().get(pk=swap.pk)
        if swap.status != SwapRequest.Status.PENDING:
            raise AssignmentError(_("This swap request has been answered already."))
        if approve:
            # Locked in the order asking locks: the shift, the volunteer, then the rows.
            _lock_shift(swap.to_shift_id)
            _lock_volunteer(swap.assignment.volunteer_id)
            given_up = _lock_assignment(swap.assignment_id)
            if given_up.status not in ASKED_OR_CONFIRMED:
                swap.status, swap.decided_at, swap.decided_by = (
                    SwapRequest.Status.WITHDRAWN,
                    now,
                    by,
                )
                swap.save(update_fields=["status", "decided_at", "decided_by"])
                raise AssignmentError(
                    _("The volunteer is no longer on the shift they wanted to give up.")
                )
            reason = _swap_target_refusal(assignment=given_up, to_shift=swap.to_shift, now=now)
            if reason:
                raise AssignmentError(reason)
            taken, _new = _propose(
                shift=swap.to_shift,
                volunteer=given_up.volunteer,
                by=by,
                above_required=False,
                now=now,
            )
            _stamp(taken, _S.CONFIRMED, by, now)
            taken.save(update_fields=STAMPED)
            _stamp(given_up, _S.CANCELLED, by, now)
            given_up.save(update_fields=STAMPED)
        swap.status = SwapRequest.Status.APPROVED if approve else SwapRequest.Status.REFUSED
        swap.decided_at, swap.decided_by = now, by
        swap.save(update_fields=["status", "decided_at", "decided_by"])
        notify_swap_decided(swap=swap)
    return swap


def assignment_decline(*, assignment: Assignment, now: datetime | None = None) -> Assignment:
    """The volunteer says no to an invitation; the coordinator is told at once."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        if assignment.status == _S.DECLINED:
            return assignment
        _refuse_unless_waiting(assignment)
        _refuse_closed(assignment.shift.session, now)
        _stamp(assignment, _S.DECLINED, None, now)
        assignment.save(update_fields=STAMPED)
        notify_coordinators(assignment=assignment, kind="shift_declined", occasion=now)
    return assignment


def _is_coordinator(user, partnership: Partnership) -> bool:
    return partnership.coordinators.filter(user=user).exists()


def assignment_cancel(
    *, assignment: Assignment, by=None, now: datetime | None = None
) -> Assignment:
    """Take a volunteer off a shift.

    Through the volunteer's own link (``by`` None) a yes is cancelled until the cut-off
    (an unanswered invitation is declined instead), and the coordinators are told at
    once; later, the volunteer calls the coordinator. Staff (``by``) take a volunteer off
    until the session starts: the volunteer is told, and the coordinators too when it was
    not one of them (a librarian).
    """
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        if assignment.status == _S.CANCELLED:
            return assignment
        if by is None and assignment.status == _S.PROPOSED:
            raise AssignmentError(
                _("You have not said yes to this shift: say no instead, and we will know.")
            )
        if assignment.status not in ASKED_OR_CONFIRMED:
            raise AssignmentError(
                _("Only a shift the volunteer was asked to take or confirmed can be cancelled.")
            )
        _refuse_closed(assignment.shift.session, now)
        if by is None and now > cancel_deadline(assignment):
            raise AssignmentError(_("It is too late to cancel here: please call your coordinator."))
        _stamp(assignment, _S.CANCELLED, by, now)
        assignment.save(update_fields=STAMPED)
        if by is None or not _is_coordinator(by, assignment.shift.partnership):
            notify_coordinators(assignment=assignment, kind="shift_cancelled", occasion=now)
        if by is not None:
            notify_assignment(assignment=assignment, kind="shift_withdrawn", occasion=now)
    return assignment


def assignment_mark(
    *, assignment: Assignment, came: bool, by, now: datetime | None = None
) -> Assignment:
    """After the session starts, staff record whether the volunteer came (or correct it).

    A volunteer still only asked may be marked too: they came without answering.
    """
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        session = assignment.shift.session
        _refuse_closed(session, now, once_started=False)
        if session.starts_at > now:
            raise AssignmentError(_("Who came can be marked once the session has started."))
        if assignment.status not in ON_THE_SHIFT:
            raise AssignmentError(
                _("Only a volunteer who was asked or said yes can be marked as came or not.")
            )
        status = _S.DONE if came else _S.NO_SHOW
        _stamp(assignment, status, by, now)
        assignment.save(update_fields=STAMPED)
    return assignment


# -- volunteers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyTime:
    """When a volunteer can usually come: a weekday (0 Monday) from one time until another."""

    weekday: int
    starts_at: time
    ends_at: time


def volunteer_create(
    *,
    organisation: PartnerOrganisation,
    name: str,
    email: str,
    phone: str = "",
    language: str,
    languages: str = "",
    subjects: Iterable[Subject] = (),
    availability: Iterable[WeeklyTime] = (),
    now: datetime | None = None,
) -> Volunteer:
    """A new applicant of the organisation, with what they help with and when they can
    come; they take shifts once welcomed into a partnership (volunteer_join)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            _refuse_taken_email(organisation=organisation, email=email)
            volunteer = Volunteer.objects.create(
                organisation=organisation,
                name=name,
                email=email,
                phone=phone,
                language=language,
                languages=languages,
                applied_on=timezone.localdate(now),
            )
            volunteer.subjects.set(subjects)
            _set_availability(volunteer, availability)
    except IntegrityError:
        # Another coordinator registered the address a moment before (the constraint).
        raise AssignmentError(email_taken_message()) from None
    return volunteer


def email_taken_message() -> str:
    return _("The organisation already has a volunteer with this e-mail address.")


def email_taken(
    *, organisation: PartnerOrganisation | int, email: str, volunteer: Volunteer | None = None
) -> bool:
    """Whether another volunteer of the organisation has the address (in any case): one
    person, one row, or two people get each other's invitations. The database holds the
    same rule (unique_volunteer_email_per_organisation); the forms ask here first to show
    it next to the field."""
    others = Volunteer.objects.filter(
        organisation=organisation, email__iexact=email.strip(), anonymised_at__isnull=True
    )
    if volunteer is not None:
        others = others.exclude(pk=volunteer.pk)
    return others.exists()


def _refuse_taken_email(
    *, organisation: PartnerOrganisation | int, email: str, volunteer: Volunteer | None = None
) -> None:
    if email_taken(organisation=organisation, email=email, volunteer=volunteer):
        raise AssignmentError(email_taken_message())


def _set_availability(volunteer: Volunteer, availability: Iterable[WeeklyTime]) -> None:
    volunteer.availability.all().delete()
    Availability.objects.bulk_create(
        Availability(
            volunteer=volunteer, weekday=t.weekday, starts_at=t.starts_at, ends_at=t.ends_at
        )
        for t in availability
    )


def _weekly_times(volunteer: Volunteer) -> list[WeeklyTime]:
    return [
        WeeklyTime(weekday=a.weekday, starts_at=a.starts_at, ends_at=a.ends_at)
        for a in volunteer.availability.order_by("weekday", "starts_at", "ends_at")
    ]


# What a coordinator changes of a volunteer (volunteer_update); the status, its dates and
# certificates change through their own services.
VOLUNTEER_FIELDS = ("name", "email", "phone", "language", "languages", "applied_on", "notes")
# What a volunteer keeps up to date on their own page (volunteer_update_own).
OWN_FIELDS = ("email", "phone", "language")


def _volunteer_change(
    volunteer: Volunteer,
    *,
    fields: Mapping[str, object],
    subjects: Iterable[Subject] | None,
    availability: Iterable[WeeklyTime] | None,
) -> list[str]:
    """Write the changes; returns the names (verbose, in the active language) of what
    changed, for the record."""
    changed = []
    if "email" in fields:
        _refuse_taken_email(
            organisation=volunteer.organisation_id, email=str(fields["email"]), volunteer=volunteer
        )
    for name, value in fields.items():
        if str(getattr(volunteer, name) or "") != str(value or ""):
            setattr(volunteer, name, value)
            changed.append(name)
    # The fields changed here are columns, not relations.
    labels = [str(cast(Field, Volunteer._meta.get_field(name)).verbose_name) for name in changed]
    if subjects is not None:
        subjects = list(subjects)
        if {s.pk for s in subjects} != set(volunteer.subjects.values_list("pk", flat=True)):
            volunteer.subjects.set(subjects)
            labels.append(str(Volunteer._meta.get_field("subjects").verbose_name))
    if availability is not None:
        availability = sorted(availability, key=lambda t: (t.weekday, t.starts_at, t.ends_at))
        if availability != _weekly_times(volunteer):
            _set_availability(volunteer, availability)
            labels.append(_("availability"))
    if changed:
        volunteer.save(update_fields=changed)
    return labels


def volunteer_update(
    *,
    volunteer: Volunteer,
    fields: Mapping[str, object],
    subjects: Iterable[Subject] | None = None,
    availability: Iterable[WeeklyTime] | None = None,
) -> list[str]:
    """A coordinator corrects a volunteer of their organisation: any of VOLUNTEER_FIELDS,
    what they help with and when they can come. One address per person in the
    organisation. Returns what changed."""
    unknown = set(fields) - set(VOLUNTEER_FIELDS)
    if unknown:
        raise ValueError(f"Not changed here: {sorted(unknown)}")
    try:
        with transaction.atomic():
            volunteer = _lock_volunteer(volunteer.pk)
            return _volunteer_change(
                volunteer, fields=fields, subjects=subjects, availability=availability
            )
    except IntegrityError:
        raise AssignmentError(email_taken_message()) from None


def volunteer_update_own(
    *,
    volunteer: Volunteer,
    fields: Mapping[str, object],
    availability: Iterable[WeeklyTime] | None = None,
    now: datetime | None = None,
) -> list[str]:
    """The volunteer keeps their contact details (OWN_FIELDS) and their weekly times up to
    date on their own page. The record says what they changed and when, so the
    coordinator sees it. Returns what changed."""
    now = now or timezone.now()
    unknown = set(fields) - set(OWN_FIELDS)
    if unknown:
        raise ValueError(f"Not changed by the volunteer: {sorted(unknown)}")
    try:
        with transaction.atomic():
            volunteer = _lock_volunteer(volunteer.pk)
            # Named in the coordinator's language, as they read it on the record.
            with translation.override(settings.LANGUAGE_CODE):
                labels = _volunteer_change(
                    volunteer, fields=fields, subjects=None, availability=availability
                )
            if labels:
                volunteer.changed_by_volunteer_at = now
                volunteer.changed_by_volunteer = ", ".join(labels)[:200]
                volunteer.save(update_fields=["changed_by_volunteer_at", "changed_by_volunteer"])
            return labels
    except IntegrityError:
        raise AssignmentError(email_taken_message()) from None


def volunteer_send_page_link(
    *, volunteer: Volunteer, renew: bool = False, now: datetime | None = None
) -> Volunteer:
    """E-mail the volunteer the link to their own page (and its calendar feed). With
    ``renew`` every link to the page and feed given out before stops working first: for
    a link that went astray."""
    now = now or timezone.now()
    with transaction.atomic():
        volunteer = _lock_volunteer(volunteer.pk)
        if renew:
            volunteer.link_version += 1
            volunteer.save(update_fields=["link_version"])
        notify_page_link(volunteer=volunteer, occasion=now)
    return volunteer


def certificate_record(
    *,
    volunteer: Volunteer,
    kind: str,
    checked_on: date,
    valid_until: date,
    notes: str = "",
    by,
) -> Certificate:
    """The partner has seen a volunteer's child-safety record. Every welcome checklist of
    theirs still waiting for it is ticked on the day it was checked (the last step makes
    the volunteer active)."""
    if valid_until < checked_on:
        raise AssignmentError(_("A certificate cannot expire before it was checked."))
    with transaction.atomic():
        certificate = Certificate.objects.create(
            volunteer=volunteer,
            kind=kind,
            checked_on=checked_on,
            valid_until=valid_until,
            notes=notes,
            checked_by=by,
        )
        _tick_certificate_steps(volunteer, by=by, today=timezone.localdate())
    return certificate


def _tick_certificate_steps(
    volunteer: Volunteer, *, by, today: date, onboardings: Iterable[Onboarding] | None = None
) -> None:
    """Every welcome checklist of the volunteer still waiting for the certificate step is
    ticked on the day their certificate valid today was checked (the last step makes
    the volunteer active). Whichever comes first, the certificate or the welcome."""
    valid = [c for c in volunteer.certificates.all() if c.is_valid_on(today)]
    if not valid:
        return
    checked_on = max(valid, key=lambda c: c.valid_until).checked_on
    waiting = (
        volunteer.onboardings.filter(certificate_checked_on__isnull=True)
        if onboardings is None
        else [o for o in onboardings if o.certificate_checked_on is None]
    )
    for onboarding in waiting:
        onboarding_tick(onboarding=onboarding, step="certificate_checked_on", on=checked_on, by=by)


def certificates_saved(*, volunteer: Volunteer, by) -> None:
    """Certificates written outside certificate_record (a superuser's admin inline) tick
    the welcome checklists as recording does."""
    _tick_certificate_steps(volunteer, by=by, today=timezone.localdate())


def volunteer_set_status(
    *,
    volunteer: Volunteer,
    status: str,
    by,
    now: datetime | None = None,
    on: date | None = None,
) -> Volunteer:
    """Move a volunteer along STATUS_TRANSITIONS, keeping the dates in step.

    Pausing or leaving takes them off their coming shifts, each through
    assignment_cancel by ``by``: recorded, the volunteer told, the coordinators too when
    ``by`` is not one of them. A volunteer who left and returns starts afresh: "active
    since" becomes the day they return and "left on" is cleared, so the turnover counts
    them as joining again and their tenure from the return; their earlier shifts stay on
    their record.
    """
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    with transaction.atomic():
        volunteer = _lock_volunteer(volunteer.pk)
        was = volunteer.status
        if status == was:
            return volunteer
        if status not in STATUS_TRANSITIONS.get(was, ()):
            raise AssignmentError(
                _("%(name)s cannot go from “%(was)s” to “%(status)s”.")
                % {
                    "name": volunteer.name,
                    "was": Volunteer.Status(was).label,
                    "status": Volunteer.Status(status).label,
                }
            )
        volunteer.status = status
        if status == Volunteer.Status.ACTIVE:
            if was == Volunteer.Status.LEFT:
                volunteer.joined_on, volunteer.left_on = on, None
            volunteer.joined_on = volunteer.joined_on or on
            volunteer.paused_on = None
        elif status == Volunteer.Status.PAUSED:
            volunteer.paused_on = on
        elif status == Volunteer.Status.LEFT:
            volunteer.left_on = max(on, volunteer.joined_on or on)
        volunteer.save()
        if status in (Volunteer.Status.PAUSED, Volunteer.Status.LEFT):
            if by is None:
                # assignment_cancel would take None for the volunteer's own link.
                raise ValueError("Pausing or leaving is done by a user.")
            coming = Assignment.objects.filter(
                volunteer=volunteer,
                status__in=ASKED_OR_CONFIRMED,
                shift__session__status=Session.Status.SCHEDULED,
                shift__session__starts_at__gt=now,
            )
            for assignment in coming:
                assignment_cancel(assignment=assignment, by=by, now=now)
    return volunteer


def volunteer_join(
    *,
    volunteer: Volunteer,
    partnership: Partnership,
    by=None,
    now: datetime | None = None,
) -> Onboarding:
    """A volunteer starts with a partnership: the checklist opens and a welcome is sent."""
    now = now or timezone.now()
    if volunteer.organisation_id != partnership.organisation_id:
        raise AssignmentError(
            _("%(name)s is not a volunteer of %(organisation)s.")
            % {"name": volunteer.name, "organisation": partnership.organisation.name}
        )
    with transaction.atomic():
        onboarding, created = Onboarding.objects.get_or_create(
            volunteer=volunteer, partnership=partnership, defaults={"started_at": now}
        )
        if volunteer.status == Volunteer.Status.APPLICANT:
            volunteer_set_status(
                volunteer=volunteer, status=Volunteer.Status.ONBOARDING, by=by, now=now
            )
        # A certificate recorded before the welcome ticks its step now: it was checked.
        _tick_certificate_steps(
            volunteer, by=by, today=timezone.localdate(now), onboardings=[onboarding]
        )
        if created:
            notify_welcome(onboarding=onboarding)
    return onboarding


def _refuse_unknown_steps(steps: Iterable[str]) -> None:
    if any(step not in Onboarding.STEPS for step in steps):
        raise AssignmentError(_("There is no such step on the checklist."))


def _activate_when_welcomed(onboarding: Onboarding, *, on: date | None, by) -> None:
    """The last step ticked makes a volunteer being welcomed active, from ``on``."""
    volunteer = onboarding.volunteer
    if onboarding.is_complete and volunteer.status == Volunteer.Status.ONBOARDING:
        volunteer_set_status(volunteer=volunteer, status=Volunteer.Status.ACTIVE, by=by, on=on)


def onboarding_tick(
    *,
    onboarding: Onboarding,
    step: str,
    on: date | None = None,
    mentor: Volunteer | None = None,
    by=None,
) -> Onboarding:
    """Tick a step of the checklist; the last one makes the volunteer active."""
    _refuse_unknown_steps([step])
    with transaction.atomic():
        setattr(onboarding, step, on or timezone.localdate())
        if mentor is not None:
            onboarding.mentor = mentor
        onboarding.save()
        _activate_when_welcomed(onboarding, on=on, by=by)
    return onboarding


def onboarding_update(
    *,
    onboarding: Onboarding,
    steps: Mapping[str, date | None],
    mentor: Volunteer | None,
    by,
) -> Onboarding:
    """The checklist as edited on the library's page: each of ``steps`` ticked on its day
    or cleared (None), and the experienced volunteer. When the steps ticked complete the
    checklist, the volunteer becomes active from the day of the first of them."""
    _refuse_unknown_steps(steps)
    with transaction.atomic():
        for step, on in steps.items():
            setattr(onboarding, step, on)
        onboarding.mentor = mentor
        onboarding.save()
        ticked = [steps[step] for step in Onboarding.STEPS if steps.get(step) is not None]
        if ticked:
            _activate_when_welcomed(onboarding, on=ticked[0], by=by)
    return onboarding
