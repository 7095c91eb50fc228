"""Booking rules: the only place that books, cancels and promotes from the waitlist.

Every change to a session's places happens with the session row locked, inside one
transaction, so two requests can never both take the last place. Views, the admin and
any API call these functions and show the ``BookingError`` they raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.messages import notify_booking
from bookings.models import CANCELLATION_REASON_MAX_LENGTH, Booking
from bookings.selectors import CONFIRMED_PLACES, WAITING, confirmed_places
from common.errors import DomainError
from common.transactions import require_atomic
from households.models import Household
from households.services import ChildInput, household_get_or_create, party_children
from programmes.eligibility import party_eligibility
from programmes.locks import lock_session
from programmes.models import Programme, Session


class BookingError(DomainError):
    """A booking that cannot be made or changed; the message is safe to show a parent."""


def places_needed(*, programme: Programme, children: int) -> int:
    if programme.capacity_unit == Programme.CapacityUnit.FAMILIES:
        return 1
    return children


def _check_bookable(session: Session, now: datetime) -> None:
    if session.programme.booking_mode != Programme.BookingMode.BOOKING:
        raise BookingError(_("This activity has no booking: just come along."))
    if session.status != Session.Status.SCHEDULED:
        raise BookingError(_("This session has been cancelled."))
    if session.starts_at <= now:
        raise BookingError(_("This session has already started, so it can no longer be booked."))


def _check_children(session: Session, children: list[ChildInput]) -> None:
    if not children:
        raise BookingError(_("Tell us which child is coming."))
    result = party_eligibility(
        programme=session.programme,
        children=children,
        on=session.local_start.date(),
        every_child=True,
    )
    if not result.eligible:
        raise BookingError(result.reason)


@dataclass(frozen=True)
class Places:
    """A session's places as one booking sees them, read under the session lock."""

    confirmed: int  # places taken by confirmed bookings
    waiting: int  # bookings on the waitlist


def session_places(*, session: Session) -> Places:
    """Everything booking_create needs to know about the session's places, in one read."""
    figures = session.bookings.aggregate(confirmed=CONFIRMED_PLACES, waiting=WAITING)
    return Places(confirmed=figures["confirmed"], waiting=figures["waiting"])


def live_booking(*, session: Session, household: Household) -> Booking | None:
    """The household's booking or waitlist place at the session, if it has one."""
    return (
        session.bookings.exclude(status=Booking.Status.CANCELLED)
        .filter(household=household)
        .first()
    )


def booking_create(
    *,
    session_id: int,
    name: str,
    email: str,
    language: str,
    children: list[ChildInput],
    adults: int = 1,
    phone: str = "",
    consents_to_followups: bool = False,
    now: datetime | None = None,
) -> Booking:
    """Book the session for a household: a place if there is one, else the waitlist.

    Whoever fills in the form may have typed somebody else's address, so the answer is the
    same whether the address is known or not (the view shows no status; the e-mail does).
    A known household gets a booking that carries the party typed (households.services.
    party_children); one that already has this session keeps it unchanged, is told so by
    e-mail ("booking_repeated"), and that booking is returned.

    The session is locked first, before the household and its children are written: every
    path that writes a household for a session (the walk-in at the door too) takes the
    locks in that order, so they can never wait for each other in a circle.
    """
    with transaction.atomic():
        session = lock_session(session_id)
        # Taken once the lock is held, so the line's order is the order of arrival.
        now = now or timezone.now()
        _check_bookable(session, now)
        _check_children(session, children)
        household, is_new = household_get_or_create(
            email=email,
            name=name,
            phone=phone,
            language=language,
            consents_to_followups=consents_to_followups,
            now=now,
        )
        already = None if is_new else live_booking(session=session, household=household)
        if already is not None:
            notify_booking(booking=already, kind="booking_repeated", now=now)
            return already
        kids = party_children(household=household, children=children, household_is_new=is_new)
        places = places_needed(programme=session.programme, children=len(children))
        booking = _booking_insert(
            session=session,
            household=household,
            places=places,
            adults=adults,
            now=now,
            name_given="" if is_new or name.strip() == household.name else name.strip(),
        )
        booking.children.add(*kids)
        confirmed = booking.status == Booking.Status.CONFIRMED
        notify_booking(
            booking=booking, kind="booking_confirmed" if confirmed else "booking_waitlisted"
        )
    return booking


def _booking_insert(
    *,
    session: Session,
    household: Household,
    places: int,
    adults: int,
    now: datetime,
    name_given: str = "",
) -> Booking:
    """The booking itself, under the session lock: a place if the party fits, else the line."""
    seen = session_places(session=session)
    if places > session.capacity:
        raise BookingError(
            _(
                "This session has %(capacity)s places, so it cannot take %(places)s "
                "children at once. Please ask the library."
            )
            % {"capacity": session.capacity, "places": places}
        )
    confirmed = seen.confirmed
    if seen.waiting and confirmed < session.capacity:
        # Places freed by a raised capacity go to those already waiting, not to newcomers.
        confirmed += sum(b.places for b in waitlist_promote(session=session, now=now))
    fits = confirmed + places <= session.capacity
    try:
        return Booking.objects.create(
            session=session,
            household=household,
            adults=adults,
            places=places,
            status=Booking.Status.CONFIRMED if fits else Booking.Status.WAITLISTED,
            created_at=now,
            confirmed_at=now if fits else None,
            waitlisted_at=None if fits else now,
            name_given=name_given,
        )
    except IntegrityError as exc:  # the same household, racing itself past the check
        # The transaction is spoilt, and the error leaves it: booking_create rolls back.
        raise BookingError(_("This booking is being made just now. Please try again.")) from exc


def waitlist_promote(*, session: Session, now: datetime | None = None) -> list[Booking]:
    """Give free places to the first families in line whose whole party fits.

    A family waits and moves as one party: it is never split. A party too big for the
    places free keeps its place in line, and a smaller one behind it may go first.
    """
    require_atomic()
    now = now or timezone.now()
    if session.status != Session.Status.SCHEDULED or session.starts_at <= now:
        return []  # nobody is promoted into a cancelled or running session
    free = session.capacity - confirmed_places(session=session)
    promoted: list[Booking] = []
    if free <= 0:
        return promoted  # the common case in a rush: read nothing more under the lock
    waiting = session.bookings.filter(status=Booking.Status.WAITLISTED, places__lte=free).order_by(
        "waitlisted_at", "pk"
    )
    for booking in waiting.select_related("household"):
        if free <= 0:
            break
        if booking.places <= free:
            booking.status, booking.confirmed_at = Booking.Status.CONFIRMED, now
            booking.save(update_fields=["status", "confirmed_at"])
            free -= booking.places
            promoted.append(booking)
            notify_booking(booking=booking, kind="waitlist_promoted")
    return promoted


def waitlist_refill(*, session_id: int) -> list[Booking]:
    """After a session's capacity grows: promote whoever now fits, under the lock."""
    with transaction.atomic():
        return waitlist_promote(session=lock_session(session_id))


def booking_cancel(*, booking_id: int, now: datetime | None = None) -> list[Booking]:
    """The family cancels its booking or leaves the waitlist (the family page, the
    reminder's "we can't come" link), and is told so; a booking's calendar event is
    cancelled in the family's calendar. Returns the bookings promoted in its place."""
    return _cancel(booking_id=booking_id, reason="", now=now)


def booking_cancel_by_library(
    *, booking_id: int, reason: str, now: datetime | None = None
) -> list[Booking]:
    """The library cancels a booking or a waitlist place; the family is told the reason
    (required), with its calendar event cancelled. Returns the bookings promoted."""
    reason = reason.strip()
    if not reason:
        raise BookingError(_("Give a reason: the family is told it."))
    if len(reason) > CANCELLATION_REASON_MAX_LENGTH:
        raise BookingError(
            _("Keep the reason to %(count)d characters.")
            % {"count": CANCELLATION_REASON_MAX_LENGTH}
        )
    return _cancel(booking_id=booking_id, reason=reason, now=now)


def _cancel(*, booking_id: int, reason: str, now: datetime | None) -> list[Booking]:
    now = now or timezone.now()
    with transaction.atomic():
        session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
        session = lock_session(session_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status == Booking.Status.CANCELLED:
            return []  # told when it was cancelled
        was_waiting = booking.status == Booking.Status.WAITLISTED
        if not was_waiting and session.starts_at <= now:
            raise BookingError(_("This session has already started."))
        booking.status, booking.cancelled_at = Booking.Status.CANCELLED, now
        booking.cancellation_reason = reason
        booking.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
        booking.session = session
        if reason:
            kind = "booking_cancelled_by_library"
        else:
            kind = "waitlist_left" if was_waiting else "booking_cancelled"
        notify_booking(booking=booking, kind=kind, now=now)
        return waitlist_promote(session=session, now=now)


def booking_rate(*, booking: Booking, rating: int, now: datetime | None = None) -> Booking:
    """The household's 1–5 answer to a follow-up; a later click replaces an earlier one."""
    now = now or timezone.now()
    if rating not in range(1, 6):
        raise BookingError(_("Choose a rating from 1 to 5."))
    if booking.status != Booking.Status.CONFIRMED or booking.session.ends_at > now:
        raise BookingError(_("This session can be rated once you have been there."))
    booking.rating, booking.rated_at = rating, now
    booking.save(update_fields=["rating", "rated_at"])
    return booking


# -- running the week: walk-ins, a series cancelled, a session moved, a word to everyone ---
