"""Signed, unguessable links that stand in for a password: the household's manage page."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Booking, Household

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


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


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
    try:
        pk = signing.loads(token, salt=BOOKING_SALT, max_age=BOOKING_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Booking.objects.select_related("session__programme", "session__room__branch", "household")
        .filter(pk=pk)
        .first()
    )
