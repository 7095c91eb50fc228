"""What a household is told about its bookings and courses, as outbox messages.

Each function builds one message; the services and the planners (outreach.py) write them.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from bookings.calendar import booking_calendar_attachment
from bookings.links import cant_come_url, rating_url
from bookings.models import Booking
from bookings.selectors import waitlist_position
from households.links import unsubscribe_url
from households.messages import household_context, household_invitation
from notifications.models import Outbox
from notifications.planning import OutboxKey
from notifications.services import Attachment, Message, notify
from programmes.models import Programme

# Every file about one booking is one event (one UID): a move carries it at the new time, a
# cancellation carries it with STATUS:CANCELLED and METHOD:CANCEL, so calendars move or drop
# it by themselves (bookings.calendar).
KINDS_WITH_CALENDAR = {
    "booking_confirmed",
    "waitlist_promoted",
    "session_cancelled",
    "session_moved",
}
# The booking cancelled: by the family ("waitlist_left" when it was only waiting), or by the
# library with a reason. The event is cancelled in the family's calendar if it was ever sent.
CANCELLATION_KINDS = {"booking_cancelled", "waitlist_left", "booking_cancelled_by_library"}
# Changes to the session, which may happen more than once: told once per change.
SESSION_CHANGE_KINDS = {"session_cancelled", "session_moved"}
RATINGS = (1, 2, 3, 4, 5)

# The keys of the messages the planners write (bookings.outreach, attendance.outreach).
REMINDER_KEY = OutboxKey("reminder:booking:")
FOLLOWUP_KEY = OutboxKey("followup:booking:")


def age_out_key(programme: Programme) -> OutboxKey:
    """One age-out invitation per child and programme grown out of."""
    return OutboxKey("age_out:child:", f":programme:{programme.pk}")


def session_change_key(*, kind: str, booking: Booking) -> str:
    """A move or cancellation of the booking's session, told once per change: the session's
    sequence names the change, so a second move is told again and the same change saved
    twice is not."""
    sequence = booking.session.sequence
    return OutboxKey(f"{kind}:booking:", f":sequence:{sequence}").for_row(booking.pk)


def _calendar_sent(booking: Booking) -> bool:
    """Whether the household was ever sent the booking's event (a waitlist place has none
    until the session moves or a place is given)."""
    return Outbox.objects.filter(
        reference=f"booking:{booking.pk}", kind__in=KINDS_WITH_CALENDAR
    ).exists()


def booking_message(
    *,
    booking: Booking,
    kind: str,
    key: str = "",
    unsubscribe: bool = False,
    now: datetime | None = None,
    **context,
) -> Message:
    """A message about one booking; its key names the kind and the booking unless given.

    ``unsubscribe``: an invitation-like message, with the household's unsubscribe link.
    ``now``: when the message is written (the calendar file's DTSTAMP).
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
    if kind in KINDS_WITH_CALENDAR or (kind in CANCELLATION_KINDS and _calendar_sent(booking)):
        attachments = (
            booking_calendar_attachment(
                booking=booking, link=base["manage_url"], stamp=now or timezone.now()
            ),
        )
    return Message(
        key=key or f"{kind}:booking:{booking.pk}",
        kind=kind,
        recipient=household.email,
        language=household.language,
        reference=f"booking:{booking.pk}",
        context={**base, **context, "calendar": bool(attachments)},
        attachments=attachments,
        unsubscribe_url=base.get("unsubscribe_url", ""),
    )


def notify_booking(*, booking: Booking, kind: str, now: datetime | None = None) -> None:
    """Confirmation, waitlist, promotion and cancellation: told at once, in the transaction.

    "booking_repeated": the booking form was sent again for a booking the household already
    has (by the family, or by someone who typed its address); at most one a day.
    "session_cancelled": once per cancellation of the session (session_change_key).
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
    elif kind in SESSION_CHANGE_KINDS:
        key = session_change_key(kind=kind, booking=booking)
    notify(booking_message(booking=booking, kind=kind, key=key, now=now, position=position))


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
