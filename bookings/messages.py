"""What a household is told about its bookings, written to the outbox."""

from __future__ import annotations

from notifications.services import Attachment, notify

from .calendar import booking_ics
from .links import manage_url
from .models import Booking
from .selectors import waitlist_position

# The cancellation carries the same event with STATUS:CANCELLED, so calendars drop it.
KINDS_WITH_CALENDAR = {"booking_confirmed", "waitlist_promoted", "session_cancelled"}


def notify_booking(*, booking: Booking, kind: str) -> None:
    household = booking.household
    link = manage_url(household=household)
    attachments = ()
    if kind in KINDS_WITH_CALENDAR:
        attachments = (
            Attachment(
                filename="familieliv.ics",
                content=booking_ics(booking=booking, link=link),
                mimetype="text/calendar",
            ),
        )
    notify(
        key=f"{kind}:booking:{booking.pk}",
        kind=kind,
        recipient=household.email,
        language=household.language,
        reference=f"booking:{booking.pk}",
        context={
            "booking": booking,
            "session": booking.session,
            "programme": booking.session.programme,
            "branch": booking.session.room.branch,
            "household": household,
            "manage_url": link,
            # A count under the session lock: only the message that shows it pays for it.
            "position": waitlist_position(booking=booking)
            if kind == "booking_waitlisted"
            else None,
        },
        attachments=attachments,
    )
