"""Calendar files (.ics) for a booked session: one event per booking, whose UID stays the
same from the confirmation through every move to the cancellation."""

from __future__ import annotations

from datetime import datetime

from icalendar import Event

from bookings.models import Booking
from notifications.services import Attachment
from programmes.calendar import Attendee, EventStatus, calendar_attachment, calendar_event
from programmes.models import Session


def booking_uid(booking: Booking) -> str:
    return f"session-{booking.session_id}-booking-{booking.pk}@familieliv"


def booking_sequence(booking: Booking) -> int:
    """The changes the booking's event has had, from stored history alone: every move or
    cancellation of the session (``Session.sequence``), a place given from the waitlist,
    and the booking's own cancellation. Each only ever adds, so a later file always has a
    higher SEQUENCE than an earlier one about the same booking."""
    promoted = booking.waitlisted_at is not None and booking.confirmed_at is not None
    cancelled = booking.status == Booking.Status.CANCELLED
    return booking.session.sequence + int(promoted) + int(cancelled)


def booking_event_status(booking: Booking) -> EventStatus:
    if (
        booking.status == Booking.Status.CANCELLED
        or booking.session.status == Session.Status.CANCELLED
    ):
        return EventStatus.CANCELLED
    if booking.status == Booking.Status.WAITLISTED:
        return EventStatus.TENTATIVE
    return EventStatus.CONFIRMED


def booking_event(*, booking: Booking, link: str, stamp: datetime) -> Event:
    """``link`` goes in the event: the family's manage link. ``stamp``: when it is written."""
    household = booking.household
    return calendar_event(
        session=booking.session,
        uid=booking_uid(booking),
        stamp=stamp,
        link=link,
        status=booking_event_status(booking),
        sequence=booking_sequence(booking),
        attendee=Attendee(name=household.name, email=household.email),
    )


def booking_calendar_attachment(*, booking: Booking, link: str, stamp: datetime) -> Attachment:
    """The booking's event as an e-mail attachment: a REQUEST, or a CANCEL once cancelled."""
    return calendar_attachment(
        filename="familieliv.ics",
        events=[booking_event(booking=booking, link=link, stamp=stamp)],
        zone=booking.session.room.branch.time_zone,
    )
