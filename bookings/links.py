"""Signed, unguessable links that stand in for a password: the page after the booking
form, and the one-purpose links in reminders and follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse

from bookings.models import Booking
from common.links import absolute, link_row, signed_link
from programmes.models import Session

DONE_SALT = "bookings.done"
# The page after the booking form is for that moment: a link left in a shared computer's
# history stops working.
DONE_LINK_MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class Sent:
    """What the page after the booking form shows: the session, and the address typed."""

    session: Session
    email: str


def done_token(*, session: Session, email: str) -> str:
    """For the page after the booking form. It names no booking and no household: whoever
    sent the form may have typed somebody else's address, so the page says the same either
    way (bookings.services.booking_create)."""
    return signing.dumps({"s": session.pk, "e": email}, salt=DONE_SALT, compress=True)


def sent_from_done_token(token: str) -> Sent | None:
    try:
        data = signing.loads(token, salt=DONE_SALT, max_age=DONE_LINK_MAX_AGE)
        session_pk, email = int(data["s"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    session = (
        Session.objects.select_related("programme", "room__branch").filter(pk=session_pk).first()
    )
    return None if session is None else Sent(session=session, email=email)


# Links in reminders and follow-ups. They change one booking or one preference, so a
# link forwarded or found later can do no more than that. Both carry the household's link
# version (common.links): "send me a new link" ends them.
CANT_COME_SALT = "bookings.cant_come"
RATING_SALT = "bookings.rating"
# After the session ends the rating link still works this long: the follow-up goes out
# an hour after it.
RATING_LINK_VALIDITY = timedelta(days=30)


def _version(booking: Booking) -> int:
    return booking.household.link_version


def cant_come_url(*, booking: Booking) -> str:
    """Gives the booking's place away (after one confirming tap), until the session starts
    (booking_cancel refuses after that). The link works until the session ends, so a tap
    during it says "already started" rather than "expired"."""
    token = signed_link(
        booking.pk,
        salt=CANT_COME_SALT,
        version=booking.household.link_version,
        valid_until=booking.session.ends_at,
    )
    return absolute(reverse("bookings:cant_come", args=[token]))


def booking_from_cant_come_token(token: str) -> Booking | None:
    return link_row(_with_session(), token, salt=CANT_COME_SALT, version_of=_version)


def rating_url(*, booking: Booking, rating: int) -> str:
    token = signed_link(
        booking.pk,
        salt=RATING_SALT,
        version=booking.household.link_version,
        valid_until=booking.session.ends_at + RATING_LINK_VALIDITY,
    )
    return absolute(reverse("bookings:rate", args=[token, rating]))


def booking_from_rating_token(token: str) -> Booking | None:
    return link_row(_with_session(), token, salt=RATING_SALT, version_of=_version)


def _with_session() -> QuerySet[Booking]:
    return Booking.objects.select_related(
        "session__programme", "session__room__branch", "household"
    )
