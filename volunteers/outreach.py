"""Messages about volunteers' shifts that nobody's click causes, found in the database by
Celery beat (like bookings.outreach).

Each planner finds what is due at ``now``, writes it to the outbox under a key naming its
reason, so running it again (or twice at once) writes nothing twice, and returns how many
messages it wrote. Each key is spelled once, in volunteers.messages, by the message's own
builder; the keys are looked up exactly (notify_many), never by prefix: a prefix search
cannot use the outbox's key index under every collation.

- shift reminder: to a confirmed volunteer, once per session time, in the last
  REMINDER_LEAD before the shift
- understaffed shift: to the coordinators and the library's contact, once, UNDERSTAFFED_LEAD
  before a shift that has fewer volunteers who said yes than it needs
- certificate renewal: to the organisation's coordinators, once per certificate, when a
  volunteer's latest certificate enters the organisation's renewal window, naming every
  shift the volunteer is asked or confirmed for after it ends (early enough to renew)
- certificate lapsed: to the same coordinators, once per certificate, from the day after
  it ended (looked for up to LAPSED_LOOKBACK), when the volunteer still works with no newer
  one, naming the shifts from then on. Those shifts are flagged on the coordinator's pages
  and count as not filled the whole time (volunteers.models: the certificate rule)
- session cancelled or moved: to the volunteers on it, once per cancellation or move; the
  assignment remembers what the volunteer was told, so a session cancelled, reinstated
  and cancelled again is told twice, and so is a session moved back and forth
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
)
from django.utils import timezone

from notifications.planning import write_all
from notifications.services import notify_many
from partners.models import PartnerOrganisation
from programmes.models import Session
from volunteers.messages import (
    certificate_lapsed_messages,
    certificate_renewal_messages,
    session_cancelled_message,
    session_moved_message,
    shift_reminder_message,
    understaffed_messages,
)
from volunteers.models import (
    ASKED_OR_CONFIRMED,
    FILLED_COUNT,
    UNANSWERED_COUNT,
    Assignment,
    Certificate,
    Shift,
    Volunteer,
)

REMINDER_LEAD = timedelta(hours=24)
UNDERSTAFFED_LEAD = timedelta(hours=48)
# How long after a certificate ended the lapsed alert is still sent (a planner that was
# down catches up; a certificate that ended long before this code ran is not announced).
LAPSED_LOOKBACK = timedelta(days=30)

ASSIGNMENT_RELATED = (
    "volunteer",
    "shift__session__programme",
    "shift__session__room__branch",
    "shift__partnership__organisation",
)


def _to_volunteers(assignments):
    return assignments.select_related(*ASSIGNMENT_RELATED).prefetch_related(
        "shift__partnership__coordinators"
    )


# -- reminders -----------------------------------------------------------------------------


def due_shift_reminders(*, now: datetime):
    """Confirmed volunteers whose shift starts within REMINDER_LEAD (told or not yet:
    the key, which names the session's time, decides)."""
    remind_at = ExpressionWrapper(
        F("shift__session__starts_at") - Value(REMINDER_LEAD), output_field=DateTimeField()
    )
    return (
        Assignment.objects.filter(
            status=Assignment.Status.CONFIRMED,
            shift__session__status=Session.Status.SCHEDULED,
            shift__session__starts_at__gt=now,
            shift__session__starts_at__lte=now + REMINDER_LEAD,
        )
        # Said yes after the reminder's time: that yes was reminder enough.
        .filter(changed_at__lte=remind_at)
    )


def shift_reminders_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    assignments = _to_volunteers(due_shift_reminders(now=now)).order_by(
        "shift__session__starts_at", "pk"
    )
    # Keyed on the session's start (shift_reminder_key): a session moved into the next
    # day is reminded again.
    return write_all(shift_reminder_message(assignment=a) for a in assignments)


# -- understaffed shifts -------------------------------------------------------------------


def due_understaffed(*, now: datetime):
    """Shifts within UNDERSTAFFED_LEAD with fewer yeses than places: short counting the
    places filled, as an unanswered invitation is not a volunteer the library can count on
    (volunteers.models)."""
    return Shift.objects.filter(
        session__status=Session.Status.SCHEDULED,
        session__starts_at__gt=now,
        session__starts_at__lte=now + UNDERSTAFFED_LEAD,
    ).short(counted=FILLED_COUNT)


def understaffed_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    shifts = (
        due_understaffed(now=now)
        .select_related(
            "session__programme",
            "session__room__branch",
            "partnership__organisation",
            "partnership__library_contact",
        )
        .prefetch_related("partnership__coordinators")
        .order_by("session__starts_at", "pk")
    )
    # Once per shift and contact: a later gap is a decline or cancellation, told at once.
    return write_all(
        message
        for shift in shifts
        for message in understaffed_messages(
            shift=shift,
            staffed=getattr(shift, FILLED_COUNT),
            unanswered=getattr(shift, UNANSWERED_COUNT),
        )
    )


# -- certificates --------------------------------------------------------------------------


def due_certificate_renewals(*, now: datetime):
    today = timezone.localdate(now)
    windows = PartnerOrganisation.objects.values_list(
        "certificate_renewal_days", flat=True
    ).distinct()
    in_window = [
        Q(
            volunteer__organisation__certificate_renewal_days=days,
            valid_until__lte=today + timedelta(days=days),
        )
        for days in windows
    ]
    if not in_window:
        return Certificate.objects.none()
    newer = Certificate.objects.filter(
        volunteer=OuterRef("volunteer"), valid_until__gt=OuterRef("valid_until")
    )
    return (
        Certificate.objects.filter(
            reduce(or_, in_window),
            valid_until__gte=today,
            volunteer__status__in=Volunteer.WORKING,
        )
        # A volunteer who already brought a newer certificate has nothing to renew.
        .filter(~Exists(newer))
    )


def certificate_renewals_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    certificates = list(
        due_certificate_renewals(now=now)
        .select_related("volunteer__organisation")
        .prefetch_related("volunteer__organisation__contacts")
        .order_by("valid_until", "pk")
    )
    affected = shifts_without_certificate(
        volunteers=[c.volunteer_id for c in certificates], now=now
    )
    return write_all(
        message
        for certificate in certificates
        for message in certificate_renewal_messages(
            certificate=certificate, assignments=affected.get(certificate.volunteer_id, [])
        )
    )


def shifts_without_certificate(*, volunteers: list[int], now: datetime) -> dict[int, list]:
    """Each volunteer's coming shifts they are asked or confirmed for and will hold no
    valid certificate on (Assignment.objects.lacking_certificate), in one query."""
    if not volunteers:
        return {}
    assignments = (
        Assignment.objects.lacking_certificate()
        .filter(
            volunteer_id__in=volunteers,
            shift__session__status=Session.Status.SCHEDULED,
            shift__session__starts_at__gt=now,
        )
        .select_related(*ASSIGNMENT_RELATED)
        .order_by("shift__session__starts_at", "pk")
    )
    found: dict[int, list] = {}
    for assignment in assignments:
        found.setdefault(assignment.volunteer_id, []).append(assignment)
    return found


def due_certificate_lapses(*, now: datetime):
    """The latest certificate of a volunteer who still works, ended (before today) within
    LAPSED_LOOKBACK."""
    today = timezone.localdate(now)
    newer = Certificate.objects.filter(
        volunteer=OuterRef("volunteer"), valid_until__gt=OuterRef("valid_until")
    )
    return Certificate.objects.filter(
        valid_until__lt=today,
        valid_until__gte=today - LAPSED_LOOKBACK,
        volunteer__status__in=Volunteer.WORKING,
    ).filter(~Exists(newer))


def certificate_lapses_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    certificates = list(
        due_certificate_lapses(now=now)
        .select_related("volunteer__organisation")
        .prefetch_related("volunteer__organisation__contacts")
        .order_by("valid_until", "pk")
    )
    affected = shifts_without_certificate(
        volunteers=[c.volunteer_id for c in certificates], now=now
    )
    return write_all(
        message
        for certificate in certificates
        for message in certificate_lapsed_messages(
            certificate=certificate, assignments=affected.get(certificate.volunteer_id, [])
        )
    )


# -- sessions cancelled or moved -----------------------------------------------------------


def due_session_cancellations(*, now: datetime):
    return Assignment.objects.filter(
        status__in=ASKED_OR_CONFIRMED,
        shift__session__status=Session.Status.CANCELLED,
        shift__session__starts_at__gt=now,
        told_session_cancelled=False,
    )


def session_cancellations_due(*, now: datetime | None = None) -> int:
    """Tell volunteers their session is cancelled, then remember it as told; a session
    reinstated since is forgotten as told, so cancelling it again is told again."""
    now = now or timezone.now()
    with transaction.atomic():
        Assignment.objects.filter(
            told_session_cancelled=True, shift__session__status=Session.Status.SCHEDULED
        ).update(told_session_cancelled=False)
        assignments = list(
            _to_volunteers(due_session_cancellations(now=now))
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("pk")
        )
        written = notify_many(
            [session_cancelled_message(assignment=a, now=now) for a in assignments]
        )
        Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(
            told_session_cancelled=True
        )
    return written


def due_session_moves(*, now: datetime):
    # An assignment made outside assignment_propose (no time told yet) has nothing to
    # correct; it is left out rather than told of a "move".
    return Assignment.objects.filter(
        status__in=ASKED_OR_CONFIRMED,
        shift__session__status=Session.Status.SCHEDULED,
        shift__session__starts_at__gt=now,
        told_starts_at__isnull=False,
    ).exclude(told_starts_at=F("shift__session__starts_at"))


def session_moves_due(*, now: datetime | None = None) -> int:
    """Tell volunteers the new time of a moved session, then remember it as told."""
    now = now or timezone.now()
    with transaction.atomic():
        assignments = list(
            _to_volunteers(due_session_moves(now=now))
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("pk")
        )
        # Rendered now, while told_starts_at still holds the time the volunteer knew; the
        # key names the move and when it was found (session_moved_key).
        written = notify_many([session_moved_message(assignment=a, now=now) for a in assignments])
        for a in assignments:
            a.told_starts_at = a.shift.session.starts_at
        Assignment.objects.bulk_update(assignments, ["told_starts_at"])
    return written


def plan_volunteer_messages(*, now: datetime | None = None) -> dict[str, int]:
    """Every volunteer planner once; the periodic task's body."""
    now = now or timezone.now()
    return {
        "shift_reminders": shift_reminders_due(now=now),
        "understaffed_shifts": understaffed_due(now=now),
        "certificate_renewals": certificate_renewals_due(now=now),
        "certificates_lapsed": certificate_lapses_due(now=now),
        "sessions_cancelled": session_cancellations_due(now=now),
        "sessions_moved": session_moves_due(now=now),
    }
