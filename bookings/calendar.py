"""Calendar files (.ics) for a booked session and for the meetings of a course."""

from __future__ import annotations

from datetime import datetime

from bookings.models import Booking
from programmes.calendar import calendar_event, calendar_text, revised
from programmes.models import Session


def booking_ics(*, booking: Booking, link: str, changed_at: datetime | None = None) -> str:
    """``link`` goes in the event: the manage link in e-mails, the session page on the web.

    ``changed_at``: the file tells of a change (a moved or cancelled session) made then.
    """
    session = booking.session
    if booking.status == Booking.Status.CANCELLED or session.status == Session.Status.CANCELLED:
        status = "CANCELLED"
    elif booking.status == Booking.Status.WAITLISTED:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    event = calendar_event(
        session=session,
        uid=f"session-{session.pk}-booking-{booking.pk}@familieliv",
        stamp=booking.created_at,
        link=link,
        status=status,
    )
    revised(event, created_at=booking.created_at, changed_at=changed_at)
    return calendar_text([event], session.room.branch.time_zone)
