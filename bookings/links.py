"""Signed, unguessable links that stand in for a password: the household's manage page,
a booking's confirmation, and the one-purpose links in reminders and follow-ups."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from bookings.models import Booking
from common.links import absolute, pk_from, signed_pk

BOOKING_SALT = "bookings.booking"
# The confirmation page and its calendar file are for the moment of booking: a link left in
# a shared computer's history stops working.
BOOKING_LINK_MAX_AGE = timedelta(days=1)


def booking_token(*, booking: Booking) -> str:
    """For the confirmation page and calendar file of one booking."""
    return signing.dumps(booking.pk, salt=BOOKING_SALT, compress=True)


def booking_from_token(token: str) -> Booking | None:
    return _booking_with_session(pk_from(token, BOOKING_SALT, BOOKING_LINK_MAX_AGE))


# Links in reminders and follow-ups. They change one booking or one preference, so a
# link forwarded or found later can do no more than that.
CANT_COME_SALT = "bookings.cant_come"
RATING_SALT = "bookings.rating"
RATING_LINK_MAX_AGE = timedelta(days=30)


def cant_come_url(*, booking: Booking) -> str:
    """Gives the booking's place away (after one confirming tap); works until it starts."""
    token = signed_pk(booking.pk, CANT_COME_SALT)
    return absolute(reverse("bookings:cant_come", args=[token]))


def booking_from_cant_come_token(token: str) -> Booking | None:
    pk = pk_from(token, CANT_COME_SALT)
    return _booking_with_session(pk)


def rating_url(*, booking: Booking, rating: int) -> str:
    token = signed_pk(booking.pk, RATING_SALT)
    return absolute(reverse("bookings:rate", args=[token, rating]))


def booking_from_rating_token(token: str) -> Booking | None:
    return _booking_with_session(pk_from(token, RATING_SALT, RATING_LINK_MAX_AGE))


def _booking_with_session(pk: int | None) -> Booking | None:
    if pk is None:
        return None
    return (
        Booking.objects.select_related("session__programme", "session__room__branch", "household")
        .filter(pk=pk)
        .first()
    )
