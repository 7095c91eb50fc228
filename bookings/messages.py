"""What a household is told about its bookings and courses, as outbox messages.

Each function builds one message; the services and the planners (outreach.py) write them.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from bookings.calendar import booking_ics
from bookings.links import cant_come_url, rating_url
from bookings.models import Booking
from bookings.selectors import waitlist_position
from households.links import unsubscribe_url
from households.messages import household_context, household_invitation
from notifications.planning import OutboxKey
from notifications.services import Attachment, Message, notify
from programmes.models import Programme

# The cancellation carries the same event with STATUS:CANCELLED, so calendars drop it; a
# move carries it at the new time (the same UID), so calendars move it.
KINDS_WITH_CALENDAR = {
    "booking_confirmed",
    "waitlist_promoted",
    "session_cancelled",
    "session_moved",
}
# Messages about a change to an event the family may already have in its calendar.
KINDS_REVISING_CALENDAR = {"session_cancelled", "session_moved"}
RATINGS = (1, 2, 3, 4, 5)

# The keys of the messages the planners write (bookings.outreach, attendance.outreach).
REMINDER_KEY = OutboxKey("reminder:booking:")
FOLLOWUP_KEY = OutboxKey("followup:booking:")


def age_out_key(programme: Programme) -> OutboxKey:
    """One age-out invitation per child and programme grown out of."""
    return OutboxKey("age_out:child:", f":programme:{programme.pk}")


def booking_message(
    *,
    booking: Booking,
    kind: str,
    key: str = "",
    unsubscribe: bool = False,
    changed_at: datetime | None = None,
    **context,
) -> Message:
    """A message about one booking; its key names the kind and the booking unless given.

    ``unsubscribe``: an invitation-like message, with the household's unsubscribe link.
    ``changed_at``: when the change the message tells of was made (calendar files).
    """
    household = booking.household
    session = booking.session
    base = {
        **household_context(household),
        "booking": booking,
        "session": session,
        "programme": session.programme,
        "branch": session.room.branch,
    }
    if unsubscribe:
        base["unsubscribe_url"] = unsubscribe_url(household=household)
    attachments: tuple[Attachment, ...] = ()
    if kind in KINDS_WITH_CALENDAR:
        attachments = (
            Attachment(
                filename="familieliv.ics",
                content=booking_ics(
                    booking=booking,
                    link=base["manage_url"],
                    changed_at=changed_at
                    or (timezone.now() if kind in KINDS_REVISING_CALENDAR else None),
                ),
                mimetype="text/calendar",
            ),
        )
    return Message(
        key=key or f"{kind}:booking:{booking.pk}",
        kind=kind,
        recipient=household.email,
        language=household.language,
        reference=f"booking:{booking.pk}",
        context={**base, **context},
        attachments=attachments,
        unsubscribe_url=base.get("unsubscribe_url", ""),
    )


def notify_booking(*, booking: Booking, kind: str, now: datetime | None = None) -> None:
    """Confirmation, waitlist, promotion and cancellation: told at once, in the transaction.

    "booking_repeated": the booking form was sent again for a booking the household already
    has (by the family, or by someone who typed its address); at most one a day.
    """
    # A count under the session lock: only the messages that show it pay for it.
    waiting = booking.status == Booking.Status.WAITLISTED
    position = (
        waitlist_position(booking=booking)
        if kind == "booking_waitlisted" or (kind == "booking_repeated" and waiting)
        else None
    )
    key = ""
    if kind == "booking_repeated":
        day = timezone.localdate(now or timezone.now())
        key = f"{kind}:booking:{booking.pk}:{day.isoformat()}"
    notify(booking_message(booking=booking, kind=kind, key=key, position=position))


def reminder_message(*, booking: Booking) -> Message:
    return booking_message(
        booking=booking,
        kind="reminder",
        key=REMINDER_KEY.for_row(booking.pk),
        cant_come_url=cant_come_url(booking=booking),
    )


def followup_message(*, booking: Booking, came: bool, next_session) -> Message:
    """Thanks and a rating for those who came; "we missed you" for those who did not."""
    context = {"next_session": next_session}
    if came:
        context["rating_urls"] = [(n, rating_url(booking=booking, rating=n)) for n in RATINGS]
    return booking_message(
        booking=booking,
        kind="followup_came" if came else "followup_missed",
        key=FOLLOWUP_KEY.for_row(booking.pk),
        unsubscribe=True,
        **context,
    )


def age_out_message(*, child, programme, branch, offers) -> Message:
    """A child has grown past ``programme``: the next steps on the family path."""
    household = child.household
    return household_invitation(
        household=household,
        key=age_out_key(programme).for_row(child.pk),
        kind="age_out_invitation",
        reference=f"household:{household.pk}",
        child=child,
        programme=programme,
        branch=branch,
        offers=offers,
    )


# -- a session moved, a librarian's message to those booked --------------------------------
