"""Messages the library sends on its own initiative, found in the database by Celery beat.

Each planner finds what is due at ``now``, writes it to the outbox under a key naming its
reason, so running it again (or twice at once) writes nothing twice, and returns how many
messages it wrote. Nothing waits in the broker: a planner that missed a run finds the same
work on the next.

- reminder: before a session, ``Programme.reminder_lead_hours`` ahead (none if booked later)
- follow-up: after a session whose attendance was recorded, to households that consented
- age-out invitation: a child has grown past a programme with next steps on the family path
- end-of-course invitation: a course has ended; to enrolled families that consented
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import (
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from bookings.messages import REMINDER_KEY, age_out_key, age_out_message, reminder_message
from bookings.models import Booking
from households.models import Child
from households.selectors import PathOffers
from notifications.planning import write_all
from programmes.eligibility import months_before
from programmes.models import Branch, Programme, Session

# Longest reminder lead a programme may set (the field's validator): bounds the scan.
MAX_REMINDER_LEAD = timedelta(days=14)
AGE_OUT_WINDOW = timedelta(days=60)


# -- reminders -----------------------------------------------------------------------------


def due_reminders(*, now: datetime):
    lead = ExpressionWrapper(
        Cast("session__programme__reminder_lead_hours", IntegerField()) * Value(timedelta(hours=1)),
        output_field=DurationField(),
    )
    return (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + MAX_REMINDER_LEAD,
            session__programme__reminder_lead_hours__gt=0,
        )
        .annotate(
            remind_at=ExpressionWrapper(
                F("session__starts_at") - lead, output_field=DateTimeField()
            )
        )
        # Booked after the reminder's time: the booking itself was reminder enough.
        .filter(remind_at__lte=now, created_at__lte=F("remind_at"))
        .filter(REMINDER_KEY.not_written())
    )


def reminders_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    bookings = (
        due_reminders(now=now)
        .select_related("household", "session__programme", "session__room__branch")
        .prefetch_related("children")
        .order_by("session__starts_at", "pk")
    )
    return write_all(reminder_message(booking=b) for b in bookings)


# -- follow-ups ----------------------------------------------------------------------------


# -- invitations along the family path -----------------------------------------------------


def age_outs_due(*, now: datetime | None = None) -> int:
    """Children who grew past a programme with next steps, in the last AGE_OUT_WINDOW."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    messages = []
    offers = PathOffers(now)
    programmes = Programme.objects.filter(
        audience_basis=Programme.AudienceBasis.AGE_MONTHS,
        max_age_months__isnull=False,
        next_programmes__isnull=False,
    ).distinct()
    for programme in programmes:
        if programme.max_age_months is None:  # the query leaves these out; narrows the type
            continue
        # Too old from the day they turn max + 1 months.
        grown_by = months_before(today, programme.max_age_months + 1)
        grown_after = months_before(today - AGE_OUT_WINDOW, programme.max_age_months + 1)
        took_part = Booking.objects.filter(
            children=OuterRef("pk"),
            status=Booking.Status.CONFIRMED,
            session__programme=programme,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__lte=now,
        )
        children = list(
            Child.objects.filter(
                birth_month__lte=grown_by,
                birth_month__gt=grown_after,
                household__consents_to_followups=True,
            )
            .filter(Exists(took_part))
            .filter(age_out_key(programme).not_written())
            .annotate(
                last_branch=Subquery(
                    took_part.order_by("-session__starts_at").values("session__room__branch")[:1]
                )
            )
            .select_related("household")
        )
        branches = Branch.objects.in_bulk({child.last_branch for child in children})
        for child in children:
            branch = branches[child.last_branch]
            found = offers.for_family(programme=programme, branch=branch, children=[child])
            if found:  # nothing to invite to yet: a later run may find sessions
                messages.append(
                    age_out_message(child=child, programme=programme, branch=branch, offers=found)
                )
    return write_all(messages)


def plan_messages(*, now: datetime | None = None) -> dict[str, int]:
    """Every planner once; the periodic task's body."""
    now = now or timezone.now()
    return {
        "reminders": reminders_due(now=now),
        "age_outs": age_outs_due(now=now),
    }
