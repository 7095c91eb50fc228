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

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from notifications.planning import not_written, write_all
from programmes.eligibility import age_eligibility, months_before
from programmes.models import Branch, Course, Programme, Session

from .enrolments import course_complete
from .messages import age_out_message, course_end_message, followup_message, reminder_message
from .models import Attendance, Booking, Child, Enrolment
from .selectors import TAKING_PART

# Longest reminder lead a programme may set (the field's validator): bounds the scan.
MAX_REMINDER_LEAD = timedelta(days=14)
# After a session ends, time to finish the check-in list before the follow-up goes.
FOLLOWUP_DELAY = timedelta(hours=1)
# Older sessions, courses and birthdays are not followed up any more (e.g. after an outage
# longer than this, or when attendance is recorded weeks late).
FOLLOWUP_WINDOW = timedelta(days=7)
AGE_OUT_WINDOW = timedelta(days=60)
COURSE_END_WINDOW = timedelta(days=14)
# How far ahead an invitation looks for sessions, and how many it shows per programme.
INVITATION_HORIZON = timedelta(days=90)
SESSIONS_PER_OFFER = 3


@dataclass(frozen=True)
class Offer:
    programme: Programme
    sessions: list[Session]


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
        .filter(not_written("reminder:booking:"))
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


def _children_may_join(children: list[Child], session: Session) -> bool:
    programme = session.programme
    if programme.audience_basis != Programme.AudienceBasis.AGE_MONTHS or not children:
        return True
    on = session.local_start.date()
    return any(
        age_eligibility(programme=programme, birth_date=c.birth_month, on=on).eligible
        for c in children
    )


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
        .filter(not_written("followup:booking:"))
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
            (s for s in upcoming[booking.session_id] if _children_may_join(children, s)), None
        )
        messages.append(
            followup_message(booking=booking, came=booking.came, next_session=next_session)
        )
    return write_all(messages)


# -- invitations along the family path -----------------------------------------------------


class PathOffers:
    """The programmes after a programme on the family path, each with the next sessions a
    child of the family may join, at the branch first, then elsewhere in the municipality.

    One per planner run: the sessions near a branch are read once, whatever the families.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._sessions: dict[tuple[int, int], list[Session]] = {}

    def _near(self, programme: Programme, branch: Branch) -> list[Session]:
        key = (programme.pk, branch.pk)
        if key not in self._sessions:
            sessions = (
                Session.objects.filter(
                    programme__in=programme.next_programmes.filter(is_published=True),
                    status=Session.Status.SCHEDULED,
                    starts_at__gt=self.now,
                    starts_at__lte=self.now + INVITATION_HORIZON,
                    room__branch__municipality=branch.municipality,
                )
                .select_related("programme", "room__branch")
                .order_by("starts_at")
            )
            # The branch's own sessions first; sorted() keeps the time order within each.
            self._sessions[key] = sorted(sessions, key=lambda s: s.room.branch_id != branch.pk)
        return self._sessions[key]

    def for_family(
        self, *, programme: Programme, branch: Branch, children: list[Child]
    ) -> list[Offer]:
        found: dict[Programme, list[Session]] = {}
        for session in self._near(programme, branch):
            chosen = found.setdefault(session.programme, [])
            if len(chosen) < SESSIONS_PER_OFFER and _children_may_join(children, session):
                chosen.append(session)
        return [
            Offer(programme=p, sessions=sorted(s, key=lambda x: x.starts_at))
            for p, s in sorted(found.items(), key=lambda item: item[0].name)
            if s
        ]


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
        children = (
            Child.objects.filter(
                birth_month__lte=grown_by,
                birth_month__gt=grown_after,
                household__consents_to_followups=True,
            )
            .filter(Exists(took_part))
            .filter(not_written("age_out:child:", f":programme:{programme.pk}"))
            .annotate(
                last_branch=Subquery(
                    took_part.order_by("-session__starts_at").values("session__room__branch")[:1]
                )
            )
            .select_related("household")
        )
        children = list(children)
        branches = Branch.objects.in_bulk({child.last_branch for child in children})
        for child in children:
            branch = branches[child.last_branch]
            found = offers.for_family(programme=programme, branch=branch, children=[child])
            if found:  # nothing to invite to yet: a later run may find sessions
                messages.append(
                    age_out_message(child=child, programme=programme, branch=branch, offers=found)
                )
    return write_all(messages)


def _courses_ended(now: datetime):
    """Courses whose last meeting (not cancelled) ended within the window."""
    return Course.objects.annotate(
        last_end=Max(
            "series__sessions__ends_at",
            filter=Q(series__sessions__status=Session.Status.SCHEDULED),
        )
    ).filter(last_end__lte=now, last_end__gt=now - COURSE_END_WINDOW)


def course_completions_due(*, now: datetime | None = None) -> int:
    """Mark who completed the courses that just ended, before their end-of-course message."""
    now = now or timezone.now()
    ended = _courses_ended(now).filter(enrolments__status=Enrolment.Status.ENROLLED).distinct()
    return sum(course_complete(course_id=pk, now=now) for pk in ended.values_list("pk", flat=True))


def course_ends_due(*, now: datetime | None = None) -> int:
    """Courses whose last meeting ended lately: thanks, and where the family can go next."""
    now = now or timezone.now()
    ended = _courses_ended(now)
    enrolments = (
        Enrolment.objects.filter(
            course__in=ended,
            status__in=TAKING_PART,
            household__consents_to_followups=True,
        )
        .filter(not_written("course_end:enrolment:"))
        .select_related("household", "course__series__programme", "course__series__room__branch")
        .prefetch_related("children")
    )
    offers = PathOffers(now)
    return write_all(
        course_end_message(
            enrolment=e,
            offers=offers.for_family(
                programme=e.course.series.programme,
                branch=e.course.series.room.branch,
                children=list(e.children.all()),
            ),
        )
        for e in enrolments
    )


def plan_messages(*, now: datetime | None = None) -> dict[str, int]:
    """Every planner once; the periodic task's body."""
    now = now or timezone.now()
    return {
        "reminders": reminders_due(now=now),
        "followups": followups_due(now=now),
        "age_outs": age_outs_due(now=now),
        "course_completions": course_completions_due(now=now),
        "course_ends": course_ends_due(now=now),
    }
