"""The librarian's start page, at the top of the admin's index: today's sessions and the
next seven days' at their branches (places booked, the waitlist, links to the check-in and
the participant list), and what needs them:

- a coming session with more places booked than it has (its capacity or room was
  lowered after families booked);
- a message to a family that could not be sent (the outbox gave up on it);
- families referred to a course, waiting for the librarian to offer a place.

Scoped to the librarian's branches like every admin list (common.admin_scoping); a
superuser sees every branch. Seven queries whatever the branches hold: the branches, the
sessions, the sessions over capacity, the failed messages, the waiting referrals and
their count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest
from django.utils import timezone

from bookings.models import Booking
from bookings.selectors import with_places
from courses.models import Enrolment
from notifications.models import Outbox
from operations.week import calendar_sessions
from programmes.models import Branch, Places, Programme, Session
from programmes.selectors import branches_for_user

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

COMING_DAYS = 7
# Enough to act on; the page links to the full list.
LISTED = 10
# A message that failed longer ago than this was dealt with, or no longer matters.
FAILED_SINCE = timedelta(days=30)


@dataclass
class DaySessions:
    day: date
    sessions: list[WithAnnotations[Session, Places]] = field(default_factory=list)


@dataclass
class FailedMessage:
    message: Outbox
    # What it was about: ("booking", 42) or ("enrolment", 7).
    about: str
    about_id: int


@dataclass
class StartPage:
    branches: list[Branch]
    today: date
    today_sessions: list[WithAnnotations[Session, Places]]
    coming_days: list[DaySessions]
    over_capacity: list[WithAnnotations[Session, Places]]
    failed_messages: list[FailedMessage]
    referrals: list[Enrolment]
    referral_count: int

    @property
    def several_branches(self) -> bool:
        return len(self.branches) > 1

    @property
    def needs_attention(self) -> bool:
        return bool(self.over_capacity or self.failed_messages or self.referrals)


def _at_branches(queryset: QuerySet, path: str, branches: list[Branch], everything: bool):
    return queryset if everything else queryset.filter(**{f"{path}__in": branches})


def _reference(prefix: str):
    """A row's outbox reference, "booking:42", spelled by the database."""
    return Concat(Value(f"{prefix}:"), Cast("pk", output_field=CharField()))


def start_page(*, user: User | AnonymousUser, now: datetime) -> StartPage:
    branches = list(branches_for_user(user=user).order_by("name", "pk"))
    everything = user.is_superuser
    zone = branches[0].zone if branches else timezone.get_current_timezone()
    today = timezone.localdate(now, timezone=zone)
    if not branches:
        return StartPage(branches, today, [], [], [], [], [], 0)

    days = {
        today + timedelta(days=n): DaySessions(day=today + timedelta(days=n))
        for n in range(COMING_DAYS + 1)
    }
    for session in calendar_sessions(branches=branches, first=today, days=COMING_DAYS + 1):
        local = session.starts_at.astimezone(session.room.branch.zone).date()
        if local in days:
            days[local].sessions.append(session)
    ordered = list(days.values())

    over_capacity = list(
        with_places(
            _at_branches(
                Session.objects.filter(
                    status=Session.Status.SCHEDULED,
                    starts_at__gte=now,
                    programme__booking_mode=Programme.BookingMode.BOOKING,
                ),
                "room__branch",
                branches,
                everything,
            )
        )
        .filter(taken__gt=F("capacity"))
        .select_related("programme", "room__branch")
        .order_by("starts_at", "pk")[:LISTED]
    )

    bookings = _at_branches(Booking.objects.all(), "session__room__branch", branches, everything)
    enrolments = _at_branches(
        Enrolment.objects.all(), "course__series__room__branch", branches, everything
    )
    failed = (
        Outbox.objects.filter(status=Outbox.Status.FAILED, created_at__gte=now - FAILED_SINCE)
        .filter(
            Q(reference__in=bookings.annotate(ref=_reference("booking")).values("ref"))
            | Q(reference__in=enrolments.annotate(ref=_reference("enrolment")).values("ref"))
        )
        .order_by("-created_at", "-pk")[:LISTED]
    )
    failed_messages = []
    for message in failed:
        about, _colon, number = message.reference.partition(":")
        failed_messages.append(FailedMessage(message=message, about=about, about_id=int(number)))

    waiting = enrolments.filter(status=Enrolment.Status.REFERRED)
    referrals = list(
        waiting.select_related(
            "household", "course__series__programme", "course__series__room__branch"
        ).order_by("created_at", "pk")[:LISTED]
    )
    referral_count = len(referrals) if len(referrals) < LISTED else waiting.count()

    return StartPage(
        branches=branches,
        today=today,
        today_sessions=ordered[0].sessions,
        coming_days=[day for day in ordered[1:] if day.sessions],
        over_capacity=over_capacity,
        failed_messages=failed_messages,
        referrals=referrals,
        referral_count=referral_count,
    )


def start_page_context(request: HttpRequest) -> dict:
    """What the admin's index adds (settings.ADMIN_START_PAGE): the start page, for staff
    who may see sessions."""
    if not request.user.has_perm("programmes.view_session"):
        return {}
    return {"start": start_page(user=request.user, now=timezone.now())}
