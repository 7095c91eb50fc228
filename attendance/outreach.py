"""Follow-ups after a session whose attendance was recorded: thanks and a rating to those
who came, "we missed you" to those who did not (households that consented only). Written
to the outbox by Celery beat's planner, like every message the library sends by itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import (
    Exists,
    OuterRef,
)
from django.utils import timezone

from attendance.models import Attendance
from bookings.messages import FOLLOWUP_KEY, followup_message
from bookings.models import Booking
from households.selectors import children_may_join
from notifications.planning import write_all
from programmes.models import Session

# After a session ends, time to finish the check-in list before the follow-up goes.
FOLLOWUP_DELAY = timedelta(hours=1)


# Older sessions, courses and birthdays are not followed up any more (e.g. after an outage
# longer than this, or when attendance is recorded weeks late).
FOLLOWUP_WINDOW = timedelta(days=7)


def _upcoming_after(session: Session, now: datetime) -> list[Session]:
    """The next sessions of the same series (or the programme at the branch)."""
    upcoming = Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__gt=now
    ).select_related("programme", "room__branch")
    if session.series_id:
        upcoming = upcoming.filter(series_id=session.series_id)
    else:
        upcoming = upcoming.filter(programme_id=session.programme_id, room__branch=session.branch)
    return list(upcoming.order_by("starts_at")[:10])


def due_followups(*, now: datetime):
    recorded = Attendance.objects.filter(session=OuterRef("session_id"))
    came = recorded.filter(household=OuterRef("household_id"), attended=True)
    return (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            session__status=Session.Status.SCHEDULED,
            session__ends_at__lte=now - FOLLOWUP_DELAY,
            session__ends_at__gt=now - FOLLOWUP_WINDOW,
            household__consents_to_followups=True,
        )
        # Only where staff took attendance: otherwise "came" and "missed" are guesses.
        .filter(Exists(recorded))
        .annotate(came=Exists(came))
        .filter(FOLLOWUP_KEY.not_written())
    )


def followups_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    bookings = (
        due_followups(now=now)
        .select_related("household", "session__programme", "session__room__branch")
        .prefetch_related("children")
    )
    upcoming: dict[int, list[Session]] = {}  # read once per session, not per booking
    messages = []
    for booking in bookings:
        if booking.session_id not in upcoming:
            upcoming[booking.session_id] = _upcoming_after(booking.session, now)
        children = list(booking.children.all())
        next_session = next(
            (s for s in upcoming[booking.session_id] if children_may_join(children, s)), None
        )
        messages.append(
            followup_message(booking=booking, came=booking.came, next_session=next_session)
        )
    return write_all(messages)


def plan_attendance_messages(*, now: datetime | None = None) -> dict[str, int]:
    """The follow-up planner; the periodic task's body."""
    return {"followups": followups_due(now=now or timezone.now())}
