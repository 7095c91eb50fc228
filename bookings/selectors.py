"""Reads about bookings that are more than one line."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from bookings.models import Booking


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
