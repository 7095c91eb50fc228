"""Reads about bookings that are more than one line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import (
    Coalesce,
    RowNumber,
)
from django.utils import timezone

from bookings.models import Booking
from programmes.models import Branch, Places, Programme, Session
from programmes.selectors import upcoming_sessions

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def waitlist_position(*, booking: Booking) -> int | None:
    """1 for the first in line; None when the booking is not waiting."""
    if booking.status != Booking.Status.WAITLISTED:
        return None
    ahead = booking.session.bookings.filter(status=Booking.Status.WAITLISTED).filter(
        Q(waitlisted_at__lt=booking.waitlisted_at)
        | Q(waitlisted_at=booking.waitlisted_at, pk__lt=booking.pk)
    )
    return ahead.count() + 1


def household_bookings(*, household, now=None) -> tuple[list[Booking], list[Booking]]:
    """The household's live bookings still to come, and its bookings of the past."""
    now = now or timezone.now()
    bookings = list(
        household.bookings.select_related("session__programme", "session__room__branch")
        .prefetch_related("children")
        .order_by("session__starts_at")
    )
    upcoming = [
        b for b in bookings if b.session.ends_at >= now and b.status != Booking.Status.CANCELLED
    ]
    past = [b for b in bookings if b.session.ends_at < now]
    return upcoming, past


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


# "Places taken", once: the places (in the programme's unit) of a session's confirmed
# bookings; the waitlist counts households. Session.places_left reads ``taken`` from
# with_places; the booking reads the same under the session lock (session_places).
CONFIRMED = Q(status=Booking.Status.CONFIRMED)
WAITLISTED = Q(status=Booking.Status.WAITLISTED)
CONFIRMED_PLACES = Coalesce(Sum("places", filter=CONFIRMED), 0)
WAITING = Count("pk", filter=WAITLISTED)


def with_places(sessions: QuerySet[Session]) -> QuerySet[WithAnnotations[Session, Places]]:
    """Annotate places taken (``taken``) and households waiting (``waiting``).

    Correlated subqueries, not a join and GROUP BY: the database then counts only the rows
    a page shows, not every upcoming session before LIMIT.
    """
    of_session = Booking.objects.filter(session=OuterRef("pk")).order_by().values("session")
    taken = of_session.filter(CONFIRMED).annotate(total=Sum("places")).values("total")
    waiting = of_session.filter(WAITLISTED).annotate(total=Count("pk")).values("total")
    return sessions.annotate(
        taken=Coalesce(Subquery(taken), Value(0)),
        waiting=Coalesce(Subquery(waiting), Value(0)),
    )


def confirmed_places(*, session: Session) -> int:
    return session.bookings.aggregate(total=CONFIRMED_PLACES)["total"]
