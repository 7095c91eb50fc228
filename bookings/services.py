"""Booking rules: the only place that books, cancels and promotes from the waitlist.

Every change to a session's places happens with the session row locked, inside one
transaction, so two requests can never both take the last place. Views, the admin and
any API call these functions and show the ``BookingError`` they raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.eligibility import age_eligibility
from programmes.models import Programme, Session

from .messages import notify_booking
from .models import Attendance, Booking, Child, Household
from .selectors import expected_households


class BookingError(Exception):
    """A booking that cannot be made or changed; the message is safe to show a parent."""


@dataclass(frozen=True)
class ChildInput:
    first_name: str
    birth_month: date  # the first day of the month


def normalise_email(email: str) -> str:
    return email.strip().lower()


def places_needed(*, programme: Programme, children: int) -> int:
    if programme.capacity_unit == Programme.CapacityUnit.FAMILIES:
        return 1
    return children


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Call this inside transaction.atomic(), with the session locked.")


def _lock_session(session_id: int) -> Session:
    try:
        return (
            Session.objects.select_for_update(of=("self",))
            .select_related("programme", "room__branch")
            .get(pk=session_id)
        )
    except Session.DoesNotExist as exc:
        raise BookingError(_("This session does not exist (any more).")) from exc


def confirmed_places(*, session: Session) -> int:
    total = session.bookings.filter(status=Booking.Status.CONFIRMED).aggregate(total=Sum("places"))[
        "total"
    ]
    return total or 0


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
    if session.programme.audience_basis != Programme.AudienceBasis.AGE_MONTHS:
        return
    on = session.local_start.date()
    for child in children:
        result = age_eligibility(programme=session.programme, birth_date=child.birth_month, on=on)
        if not result.eligible:
            raise BookingError(f"{child.first_name}: {result.reason}")


def household_get_or_create(
    *,
    email: str,
    name: str,
    phone: str,
    language: str,
    consents_to_followups: bool,
    now: datetime,
) -> Household:
    """The household of the e-mail, made on its first booking.

    Anyone can type an e-mail address into the form, so a booking never changes a household
    that already exists: its name, language and consent change only through its own signed
    link (household_update_preferences).
    """
    household, _ = Household.objects.get_or_create(
        email=normalise_email(email),
        defaults={
            "name": name,
            "phone": phone,
            "language": language,
            "consents_to_followups": consents_to_followups,
            "privacy_accepted_at": now,
        },
    )
    return household


def children_get_or_create(*, household: Household, children: list[ChildInput]) -> list[Child]:
    return [
        Child.objects.get_or_create(
            household=household, first_name=child.first_name.strip(), birth_month=child.birth_month
        )[0]
        for child in children
    ]


def household_update_preferences(
    *, household: Household, language: str, consents_to_followups: bool
) -> Household:
    household.language = language
    household.consents_to_followups = consents_to_followups
    household.save(update_fields=["language", "consents_to_followups"])
    return household


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
    """Book the session for a household: a place if there is one, else the waitlist."""
    with transaction.atomic():
        session = _lock_session(session_id)
        # Taken once the lock is held, so the line's order is the order of arrival.
        now = now or timezone.now()
        _check_bookable(session, now)
        _check_children(session, children)
        household = household_get_or_create(
            email=email,
            name=name,
            phone=phone,
            language=language,
            consents_to_followups=consents_to_followups,
            now=now,
        )
        if (
            session.bookings.filter(household=household)
            .exclude(status=Booking.Status.CANCELLED)
            .exists()
        ):
            raise BookingError(
                _("You have already booked this session. Your booking is in the link we e-mailed.")
            )
        places = places_needed(programme=session.programme, children=len(children))
        if places > session.capacity:
            raise BookingError(
                _(
                    "This session has %(capacity)s places, so it cannot take %(places)s "
                    "children at once. Please ask the library."
                )
                % {"capacity": session.capacity, "places": places}
            )
        # Places freed by a raised capacity go to those already waiting, not to newcomers.
        waitlist_promote(session=session, now=now)
        fits = confirmed_places(session=session) + places <= session.capacity
        status = Booking.Status.CONFIRMED if fits else Booking.Status.WAITLISTED
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    session=session,
                    household=household,
                    adults=adults,
                    places=places,
                    status=status,
                    created_at=now,
                    confirmed_at=now if fits else None,
                    waitlisted_at=None if fits else now,
                )
        except IntegrityError as exc:  # the same household, racing itself
            raise BookingError(_("You have already booked this session.")) from exc
        booking.children.set(children_get_or_create(household=household, children=children))
        notify_booking(booking=booking, kind="booking_confirmed" if fits else "booking_waitlisted")
    return booking


def waitlist_promote(*, session: Session, now: datetime | None = None) -> list[Booking]:
    """Give free places to the first families in line whose whole party fits.

    A family waits and moves as one party: it is never split. A party too big for the
    places free keeps its place in line, and a smaller one behind it may go first.
    """
    _require_atomic()
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
        return waitlist_promote(session=_lock_session(session_id))


def booking_cancel(*, booking_id: int, now: datetime | None = None) -> list[Booking]:
    """Cancel a booking or leave the waitlist; returns the bookings promoted in its place."""
    now = now or timezone.now()
    with transaction.atomic():
        session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
        session = _lock_session(session_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status == Booking.Status.CANCELLED:
            return []
        if booking.status == Booking.Status.CONFIRMED and session.starts_at <= now:
            raise BookingError(_("This session has already started."))
        booking.status, booking.cancelled_at = Booking.Status.CANCELLED, now
        booking.save(update_fields=["status", "cancelled_at"])
        return waitlist_promote(session=session, now=now)


def session_cancel(*, session_id: int, reason: str = "") -> int:
    """Cancel a session and tell every household booked or waiting; returns how many.

    Safe to call again: each household is told once (the outbox key names the booking).
    """
    with transaction.atomic():
        session = _lock_session(session_id)
        if session.status != Session.Status.CANCELLED or reason != session.cancellation_reason:
            session.status = Session.Status.CANCELLED
            session.cancellation_reason = reason
            session.save(update_fields=["status", "cancellation_reason"])
        live = session.bookings.exclude(status=Booking.Status.CANCELLED).select_related("household")
        told = 0
        for booking in live:
            notify_booking(booking=booking, kind="session_cancelled")
            told += 1
    return told


def household_stop_invitations(*, household: Household) -> None:
    """The unsubscribe link: no more follow-ups or invitations (bookings are still told)."""
    if household.consents_to_followups:
        household.consents_to_followups = False
        household.save(update_fields=["consents_to_followups"])


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


def attendance_record(
    *, session: Session, household: Household, attended: bool, by=None, now=None
) -> Attendance:
    """Record whether a household came to a session; recording again corrects it."""
    attendance, _ = Attendance.objects.update_or_create(
        session=session,
        household=household,
        defaults={"attended": attended, "recorded_at": now or timezone.now(), "recorded_by": by},
    )
    return attendance


def check_on_the_day(session: Session, now: datetime, *, not_yet: str) -> None:
    """Who came is recorded on the session's day or later (corrections), never before."""
    if session.status != Session.Status.SCHEDULED:
        raise BookingError(_("This session has been cancelled."))
    if session.local_start.date() > timezone.localtime(now, session.room.branch.zone).date():
        raise BookingError(not_yet)


def attendance_check_in(
    *, session: Session, household_id: int, attended: bool, by=None, now: datetime | None = None
) -> Attendance:
    """A helper ticks a family on the session's check-in list (or corrects the tick)."""
    now = now or timezone.now()
    check_on_the_day(
        session, now, not_yet=_("This session has not started yet: check families in on the day.")
    )
    household = expected_households(session=session).filter(pk=household_id).first()
    if household is None:
        raise BookingError(_("This family is not on the list for this session."))
    return attendance_record(
        session=session, household=household, attended=attended, by=by, now=now
    )
