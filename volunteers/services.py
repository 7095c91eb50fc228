"""The rules of staffing sessions with volunteers, each in one place.

- A volunteer is put on a shift only when they can take it: of the partnership's
  organisation, welcomed or active, holding a child-safety certificate valid on the day
  where children under 15 come, and not on another shift at the same time.
- A shift gets no more volunteers than it needs unless the coordinator says so.
- A volunteer cancels through their link until the partnership's cut-off; the coordinator
  is told of every decline and cancellation at once.
- After the session staff mark who came: no-shows are known and hours follow.

Changes that count places lock the shift row; changes that could double-book a volunteer
lock the volunteer row. Every change records who made it (None: the volunteer's link).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Partnership
from programmes.models import Programme, Series, Session

from .messages import notify_assignment, notify_coordinators, notify_welcome
from .models import Assignment, Certificate, Onboarding, Shift, Subject, Volunteer

# Below this age a child-safety certificate is required of everyone who meets the child.
CERTIFICATE_AGE_YEARS = 15
# Pupils in this grade or lower may be under 15.
CERTIFICATE_MAX_GRADE = 9

LIVE = (Assignment.Status.PROPOSED, Assignment.Status.CONFIRMED)
COUNTS_AS_STAFF = (Assignment.Status.PROPOSED, Assignment.Status.CONFIRMED)
AFTER_THE_SESSION = (Assignment.Status.DONE, Assignment.Status.NO_SHOW)


class AssignmentError(Exception):
    """A change that breaks a rule; the message is translated and safe to show."""


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("This service must run inside transaction.atomic().")


# -- rules read by the service and by the suitable-volunteer list --------------------------


def needs_certificate(programme: Programme) -> bool:
    """Whether children under 15 may come to the programme's sessions."""
    if programme.audience_basis == Programme.AudienceBasis.SCHOOL_GRADE:
        return programme.min_grade is None or programme.min_grade <= CERTIFICATE_MAX_GRADE
    return programme.min_age_months is None or programme.min_age_months < (
        CERTIFICATE_AGE_YEARS * 12
    )


def certificate_valid_on(certificates, day: date) -> bool:
    return any(c.is_valid_on(day) for c in certificates)


def live_assignments_between(*, starts_at: datetime, ends_at: datetime) -> QuerySet[Assignment]:
    """Everyone's live assignments on sessions overlapping [starts_at, ends_at)."""
    return Assignment.objects.filter(
        status__in=LIVE,
        shift__session__status=Session.Status.SCHEDULED,
        shift__session__starts_at__lt=ends_at,
        shift__session__ends_at__gt=starts_at,
    )


def overlapping_assignments(
    *, volunteer: Volunteer, starts_at: datetime, ends_at: datetime
) -> QuerySet[Assignment]:
    """The volunteer's live assignments on sessions overlapping [starts_at, ends_at)."""
    return live_assignments_between(starts_at=starts_at, ends_at=ends_at).filter(
        volunteer=volunteer
    )


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
    if volunteer.organisation_id != shift.partnership.organisation_id:
        return _("%(name)s is not a volunteer of %(organisation)s.") % {
            "name": volunteer.name,
            "organisation": shift.partnership.organisation.name,
        }
    if not volunteer.can_take_shifts:
        return _("%(name)s is %(status)s and cannot take shifts.") % {
            "name": volunteer.name,
            "status": volunteer.get_status_display().lower(),
        }
    if needs_certificate(session.programme) and not certificate_valid_on(
        certificates, session.local_start.date()
    ):
        return _(
            "%(name)s has no child-safety certificate valid on %(day)s, and children under "
            "15 come to this session."
        ) % {"name": volunteer.name, "day": session.local_start.date().isoformat()}
    if busy:
        return _("%(name)s is on another shift at the same time.") % {"name": volunteer.name}
    if staffed >= shift.required_count and not above_required:
        return _(
            "This shift already has the %(count)d volunteers it needs. Tick “more than "
            "needed” to add one more."
        ) % {"count": shift.required_count}
    return ""


# -- shifts --------------------------------------------------------------------------------


def shifts_create_for_series(
    *,
    series: Series,
    partnership: Partnership,
    role: str = Shift.Role.HOMEWORK_HELPER,
    required_count: int = 2,
    subjects: list[Subject] | tuple = (),
) -> int:
    """A shift on every scheduled session of the series (a whole term at once).

    Sessions that already have a shift in this role are left as they are; returns how
    many shifts were made.
    """
    if partnership.programme_id != series.programme_id:
        raise AssignmentError(_("The partnership is for another programme than this series."))
    if partnership.branch_id != series.room.branch_id:
        raise AssignmentError(_("The partnership is at another branch than this series."))
    sessions = series.sessions.filter(status=Session.Status.SCHEDULED)
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


def _lock_shift(shift_id: int) -> Shift:
    _require_atomic()
    return (
        Shift.objects.select_for_update(of=("self",))
        .select_related("session__programme", "session__room__branch", "partnership__organisation")
        .get(pk=shift_id)
    )


def _lock_volunteer(volunteer_id: int) -> Volunteer:
    _require_atomic()
    return Volunteer.objects.select_for_update().get(pk=volunteer_id)


def _stamp(assignment: Assignment, status: str, by, now: datetime) -> None:
    assignment.status, assignment.changed_by, assignment.changed_at = status, by, now


# -- assignments ---------------------------------------------------------------------------


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
        shift = _lock_shift(shift.pk)
        volunteer = _lock_volunteer(volunteer.pk)
        session = shift.session
        if session.status != Session.Status.SCHEDULED:
            raise AssignmentError(_("This session has been cancelled."))
        if session.starts_at <= now:
            raise AssignmentError(_("This session has already started."))
        existing = Assignment.objects.filter(shift=shift, volunteer=volunteer).first()
        if existing is not None and existing.status in LIVE:
            return existing
        reason = refusal(
            shift=shift,
            volunteer=volunteer,
            certificates=list(volunteer.certificates.all()),
            busy=overlapping_assignments(
                volunteer=volunteer, starts_at=session.starts_at, ends_at=session.ends_at
            ).exists(),
            staffed=shift.assignments.filter(status__in=COUNTS_AS_STAFF).count(),
            above_required=above_required,
        )
        if reason:
            raise AssignmentError(reason)
        assignment = existing or Assignment(shift=shift, volunteer=volunteer)
        _stamp(assignment, Assignment.Status.PROPOSED, by, now)
        assignment.above_required = above_required
        assignment.told_starts_at = session.starts_at
        assignment.save()
        # A second ask after a decline is a new invitation, so its key names the time.
        notify_assignment(assignment=assignment, kind="shift_invitation", occasion=now)
    return assignment


@dataclass(frozen=True)
class TermResult:
    assigned: list[Assignment]
    skipped: list[tuple[Shift, str]]


def recurring_shifts(*, shift: Shift, now: datetime) -> QuerySet[Shift]:
    """The coming shifts like this one: same series, role, weekday and time of day."""
    session = shift.session
    local = session.local_start
    same = Shift.objects.filter(
        partnership=shift.partnership,
        role=shift.role,
        session__status=Session.Status.SCHEDULED,
        session__starts_at__gt=now,
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
    ]


def assignment_propose_for_term(
    *, shift: Shift, volunteer: Volunteer, by=None, now: datetime | None = None
) -> TermResult:
    """Ask a volunteer to take this shift every week for the rest of the term.

    Each week is checked on its own: a week the volunteer cannot take is skipped with
    its reason, the others are asked.
    """
    now = now or timezone.now()
    assigned, skipped = [], []
    for each in recurring_shifts(shift=shift, now=now):
        try:
            assigned.append(assignment_propose(shift=each, volunteer=volunteer, by=by, now=now))
        except AssignmentError as exc:
            skipped.append((each, str(exc)))
    return TermResult(assigned=assigned, skipped=skipped)


def _lock_assignment(assignment_id: int) -> Assignment:
    _require_atomic()
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


def assignment_confirm(*, assignment: Assignment, now: datetime | None = None) -> Assignment:
    """The volunteer says yes through their link."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        if assignment.status == Assignment.Status.CONFIRMED:
            return assignment
        if assignment.status != Assignment.Status.PROPOSED:
            raise AssignmentError(
                _("This shift is no longer waiting for your answer: ask your coordinator.")
            )
        if assignment.shift.session.starts_at <= now:
            raise AssignmentError(_("This session has already started."))
        _stamp(assignment, Assignment.Status.CONFIRMED, None, now)
        assignment.save(update_fields=["status", "changed_by", "changed_at"])
    return assignment


def assignment_decline(*, assignment: Assignment, now: datetime | None = None) -> Assignment:
    """The volunteer says no to an invitation; the coordinator is told at once."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        if assignment.status == Assignment.Status.DECLINED:
            return assignment
        if assignment.status != Assignment.Status.PROPOSED:
            raise AssignmentError(
                _("This shift is no longer waiting for your answer: ask your coordinator.")
            )
        _stamp(assignment, Assignment.Status.DECLINED, None, now)
        assignment.save(update_fields=["status", "changed_by", "changed_at"])
        notify_coordinators(assignment=assignment, kind="shift_declined", occasion=now)
    return assignment


def cancel_deadline(assignment: Assignment) -> datetime:
    hours = assignment.shift.partnership.cancel_cutoff_hours
    return assignment.shift.session.starts_at - timedelta(hours=hours)


def assignment_cancel(
    *, assignment: Assignment, by=None, now: datetime | None = None
) -> Assignment:
    """Take a volunteer off a shift; the coordinator is told at once.

    Through the volunteer's own link (``by`` None) only until the cut-off: later, the
    volunteer calls the coordinator, who can still cancel for them.
    """
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        if assignment.status == Assignment.Status.CANCELLED:
            return assignment
        if assignment.status not in LIVE:
            raise AssignmentError(_("Only a shift that is asked or confirmed can be cancelled."))
        if assignment.shift.session.starts_at <= now:
            raise AssignmentError(_("This session has already started."))
        if by is None and now > cancel_deadline(assignment):
            raise AssignmentError(_("It is too late to cancel here: please call your coordinator."))
        was_confirmed = assignment.status == Assignment.Status.CONFIRMED
        _stamp(assignment, Assignment.Status.CANCELLED, by, now)
        assignment.save(update_fields=["status", "changed_by", "changed_at"])
        if by is None:
            notify_coordinators(assignment=assignment, kind="shift_cancelled", occasion=now)
        elif was_confirmed:
            notify_assignment(assignment=assignment, kind="shift_withdrawn", occasion=now)
    return assignment


def assignment_mark(
    *, assignment: Assignment, came: bool, by, now: datetime | None = None
) -> Assignment:
    """After the session starts, staff record whether the volunteer came (or correct it)."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _lock_assignment(assignment.pk)
        if assignment.shift.session.starts_at > now:
            raise AssignmentError(_("Who came can be marked once the session has started."))
        if assignment.status not in (Assignment.Status.CONFIRMED, *AFTER_THE_SESSION):
            raise AssignmentError(_("Only a confirmed volunteer can be marked as came or not."))
        status = Assignment.Status.DONE if came else Assignment.Status.NO_SHOW
        _stamp(assignment, status, by, now)
        assignment.save(update_fields=["status", "changed_by", "changed_at"])
    return assignment


# -- volunteers ----------------------------------------------------------------------------


def volunteer_set_status(*, volunteer: Volunteer, status: str, on: date | None = None) -> Volunteer:
    """Move a volunteer between applicant, onboarding, active, paused and left, with dates.

    Leaving withdraws their coming shifts (the coordinator sees the gaps in the grid).
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        volunteer = _lock_volunteer(volunteer.pk)
        volunteer.status = status
        if status == Volunteer.Status.ACTIVE:
            volunteer.joined_on = volunteer.joined_on or on
            volunteer.paused_on = volunteer.left_on = None
        elif status == Volunteer.Status.PAUSED:
            volunteer.paused_on = on
        elif status == Volunteer.Status.LEFT:
            volunteer.left_on = max(on, volunteer.joined_on or on)
        volunteer.save()
        if status in (Volunteer.Status.PAUSED, Volunteer.Status.LEFT):
            Assignment.objects.filter(
                volunteer=volunteer,
                status__in=LIVE,
                shift__session__starts_at__gt=timezone.now(),
            ).update(status=Assignment.Status.CANCELLED, changed_at=timezone.now())
    return volunteer


def volunteer_join(
    *, volunteer: Volunteer, partnership: Partnership, now: datetime | None = None
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
            volunteer_set_status(volunteer=volunteer, status=Volunteer.Status.ONBOARDING)
        if created:
            notify_welcome(onboarding=onboarding)
    return onboarding


def onboarding_tick(
    *, onboarding: Onboarding, step: str, on: date | None = None, mentor: Volunteer | None = None
) -> Onboarding:
    """Tick a step of the checklist; the last one makes the volunteer active."""
    if step not in Onboarding.STEPS:
        raise AssignmentError(_("There is no such step on the checklist."))
    with transaction.atomic():
        setattr(onboarding, step, on or timezone.localdate())
        if mentor is not None:
            onboarding.mentor = mentor
        onboarding.save()
        volunteer = onboarding.volunteer
        if onboarding.is_complete and volunteer.status == Volunteer.Status.ONBOARDING:
            volunteer_set_status(volunteer=volunteer, status=Volunteer.Status.ACTIVE, on=on)
    return onboarding
