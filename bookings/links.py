"""Signed, unguessable links that stand in for a password: the household's manage page,
a booking's confirmation, and the one-purpose links in reminders and follow-ups."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from programmes.links import absolute

from .models import Booking, Enrolment, Household

MANAGE_SALT = "bookings.manage"


def manage_token(*, household: Household) -> str:
    return signing.dumps(household.pk, salt=MANAGE_SALT, compress=True)


def household_from_token(token: str) -> Household | None:
    """The household a manage token was made for; None for a forged or broken token."""
    try:
        pk = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None
    return Household.objects.filter(pk=pk).first()


def manage_url(*, household: Household) -> str:
    return absolute(reverse("bookings:manage", args=[manage_token(household=household)]))


BOOKING_SALT = "bookings.booking"
# The confirmation page and its calendar file are for the moment of booking: a link left in
# a shared computer's history stops working.
BOOKING_LINK_MAX_AGE = timedelta(days=1)


def booking_token(*, booking: Booking) -> str:
    """For the confirmation page and calendar file of one booking."""
    return signing.dumps(booking.pk, salt=BOOKING_SALT, compress=True)


def booking_from_token(token: str) -> Booking | None:
    return _booking_with_session(_pk_from(token, BOOKING_SALT, BOOKING_LINK_MAX_AGE))


# Links in reminders and follow-ups. They change one booking or one preference, so a
# link forwarded or found later can do no more than that.
CANT_COME_SALT = "bookings.cant_come"
RATING_SALT = "bookings.rating"
RATING_LINK_MAX_AGE = timedelta(days=30)
UNSUBSCRIBE_SALT = "bookings.unsubscribe"


def _signed_pk(pk: int, salt: str) -> str:
    return signing.dumps(pk, salt=salt, compress=True)


def _pk_from(token: str, salt: str, max_age: timedelta | None = None) -> int | None:
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None


def cant_come_url(*, booking: Booking) -> str:
    """Gives the booking's place away (after one confirming tap); works until it starts."""
    token = _signed_pk(booking.pk, CANT_COME_SALT)
    return absolute(reverse("bookings:cant_come", args=[token]))


def booking_from_cant_come_token(token: str) -> Booking | None:
    pk = _pk_from(token, CANT_COME_SALT)
    return _booking_with_session(pk)


def rating_url(*, booking: Booking, rating: int) -> str:
    token = _signed_pk(booking.pk, RATING_SALT)
    return absolute(reverse("bookings:rate", args=[token, rating]))


def booking_from_rating_token(token: str) -> Booking | None:
    return _booking_with_session(_pk_from(token, RATING_SALT, RATING_LINK_MAX_AGE))


def unsubscribe_url(*, household: Household) -> str:
    token = _signed_pk(household.pk, UNSUBSCRIBE_SALT)
    return absolute(reverse("bookings:unsubscribe", args=[token]))


def household_from_unsubscribe_token(token: str) -> Household | None:
    pk = _pk_from(token, UNSUBSCRIBE_SALT)
    return None if pk is None else Household.objects.filter(pk=pk).first()


ENROLMENT_SALT = "bookings.enrolment"


def enrolment_url(*, enrolment: Enrolment) -> str:
    """The family's page for one course: accept or decline an offer, leave the course.

    It lives as long as the course does, so it has no expiry of its own.
    """
    token = _signed_pk(enrolment.pk, ENROLMENT_SALT)
    return absolute(reverse("bookings:enrolment", args=[token]))


def enrolment_from_token(token: str) -> Enrolment | None:
    pk = _pk_from(token, ENROLMENT_SALT)
    if pk is None:
        return None
    return (
        Enrolment.objects.select_related(
            "household", "course__series__programme", "course__series__room__branch"
        )
        .filter(pk=pk)
        .first()
    )


def _booking_with_session(pk: int | None) -> Booking | None:
    if pk is None:
        return None
    return (
        Booking.objects.select_related("session__programme", "session__room__branch", "household")
        .filter(pk=pk)
        .first()
    )
