"""Reads about schedules that are more than one line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import caches
from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    Coalesce,
    ExtractMonth,
    ExtractYear,
    RowNumber,
    TruncDate,
)
from django.utils import timezone

from programmes.models import NORDIC_TIME_ZONES, Branch, Programme, Room, Session


def room_conflicts(
    *, room: Room, starts_at: datetime, ends_at: datetime, exclude_pk: int | None = None
) -> QuerySet[Session]:
    """Scheduled sessions in the room whose time overlaps [starts_at, ends_at).

    Back-to-back sessions (one ends when the next starts) do not conflict, and a
    cancelled session frees its room.
    """
    qs = Session.objects.filter(
        room=room,
        status=Session.Status.SCHEDULED,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).select_related("programme", "room__branch")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("starts_at")


def branches_for_user(*, user: AbstractBaseUser) -> QuerySet[Branch]:
    """The branches a user works at (staff, or a helper at the sessions); a superuser: all."""
    if user.is_superuser:
        return Branch.objects.all()
    if not user.is_active:
        return Branch.objects.none()
    return Branch.objects.filter(memberships__user=user)


@dataclass
class ProgrammeAtBranch:
    programme: Programme
    next_sessions: list[Session] = field(default_factory=list)


@dataclass
class BranchListing:
    branch: Branch
    programmes: list[ProgrammeAtBranch] = field(default_factory=list)


def upcoming_sessions_by_branch(
    *, now: datetime | None = None, per_programme: int = 3
) -> list[BranchListing]:
    """Each branch with its published programmes and their next few sessions.

    Two queries whatever the number of sessions: a window function numbers each programme's
    sessions per branch and only the first few ids leave the database; then those sessions
    with their places.
    """
    now = now or timezone.now()
    rank = Window(
        RowNumber(),
        partition_by=[F("programme_id"), F("room__branch_id")],
        order_by=F("starts_at").asc(),
    )
    # First the few sessions to show (ids only), then those with their places.
    first_few = (
        upcoming_sessions(now=now)
        .annotate(rank=rank)
        .filter(rank__lte=per_programme)
        .values_list("pk", flat=True)
    )
    sessions = with_places(upcoming_sessions(now=now).filter(pk__in=list(first_few))).order_by(
        "room__branch__municipality", "room__branch__name", "programme__name", "starts_at"
    )
    listings: dict[int, BranchListing] = {}
    for session in sessions:
        branch = session.room.branch
        listing = listings.setdefault(branch.pk, BranchListing(branch=branch))
        if not listing.programmes or listing.programmes[-1].programme.pk != session.programme_id:
            listing.programmes.append(ProgrammeAtBranch(programme=session.programme))
        listing.programmes[-1].next_sessions.append(session)
    return list(listings.values())


def with_places(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate places taken (confirmed, in the programme's unit) and households waiting.

    Correlated subqueries, not a join and GROUP BY: the database then counts only the rows
    a page shows, not every upcoming session before LIMIT. The booking model is reached
    through the relation, so programmes does not import bookings.
    """
    booking = Session._meta.get_field("bookings").related_model
    of_session = booking.objects.filter(session=OuterRef("pk")).order_by().values("session")
    taken = of_session.filter(status="confirmed").annotate(total=Sum("places")).values("total")
    waiting = of_session.filter(status="waitlisted").annotate(total=Count("pk")).values("total")
    return sessions.annotate(
        taken=Coalesce(Subquery(taken), Value(0)),
        waiting=Coalesce(Subquery(waiting), Value(0)),
    )


def upcoming_sessions(*, now: datetime) -> QuerySet[Session]:
    return Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__gte=now, programme__is_published=True
    ).select_related("programme", "room__branch")


def _at_branch(expression_class, field: str = "starts_at"):
    """A date part of ``field`` as the wall clock at the session's branch shows it."""
    return Case(
        *[
            When(room__branch__time_zone=zone, then=expression_class(field, tzinfo=ZoneInfo(zone)))
            for zone, _ in NORDIC_TIME_ZONES
        ],
        default=expression_class(field),
    )


def sessions_from_date(sessions: QuerySet[Session], *, day: date) -> QuerySet[Session]:
    """Sessions on or after ``day`` at their own branch."""
    return sessions.annotate(local_day=_at_branch(TruncDate)).filter(local_day__gte=day)


def sessions_for_child_born(sessions: QuerySet[Session], *, birth_month: date) -> QuerySet[Session]:
    """Sessions a child born in ``birth_month`` may join, by their age in months that day.

    The age is counted in whole calendar months at the branch's own date, as the booking
    check does (programmes.eligibility); programmes by school grade are left out.
    """
    age = (
        _at_branch(ExtractYear) * 12
        + _at_branch(ExtractMonth)
        - Value(birth_month.year * 12 + birth_month.month)
    )
    return (
        sessions.annotate(child_age=age)
        .filter(programme__audience_basis="age", child_age__gte=0)
        .filter(
            Q(programme__min_age_months__isnull=True)
            | Q(programme__min_age_months__lte=F("child_age"))
        )
        .filter(
            Q(programme__max_age_months__isnull=True)
            | Q(programme__max_age_months__gte=F("child_age"))
        )
    )


def published_programme(*, slug: str) -> Programme | None:
    """The programme of a public page, kept as briefly as the listings are."""
    return caches["local"].get_or_set(
        f"programme:{slug}",
        lambda: Programme.objects.filter(slug=slug, is_published=True).first(),
        settings.LISTING_CACHE_SECONDS,
    )
