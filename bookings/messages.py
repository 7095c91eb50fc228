"""What a household is told about its bookings and courses, as outbox messages.

Each function builds one message; the services and the planners (outreach.py) write them.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from notifications.services import Attachment, Message, notify

from .calendar import booking_ics, course_ics
from .links import cant_come_url, enrolment_url, manage_url, rating_url, unsubscribe_url
from .models import Booking, Enrolment, Household
from .selectors import course_meetings, enrolment_waitlist_position, waitlist_position

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


def _household_context(household: Household) -> dict:
    return {"household": household, "manage_url": manage_url(household=household)}


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
        **_household_context(household),
        "booking": booking,
        "session": session,
        "programme": session.programme,
        "branch": session.room.branch,
    }
    if unsubscribe:
        base["unsubscribe_url"] = unsubscribe_url(household=household)
    attachments = ()
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


def notify_booking(*, booking: Booking, kind: str) -> None:
    """Confirmation, waitlist, promotion and cancellation: told at once, in the transaction."""
    # A count under the session lock: only the message that shows it pays for it.
    position = waitlist_position(booking=booking) if kind == "booking_waitlisted" else None
    notify(booking_message(booking=booking, kind=kind, position=position))


def reminder_message(*, booking: Booking) -> Message:
    return booking_message(
        booking=booking, kind="reminder", cant_come_url=cant_come_url(booking=booking)
    )


def followup_message(*, booking: Booking, came: bool, next_session) -> Message:
    """Thanks and a rating for those who came; "we missed you" for those who did not."""
    context = {"next_session": next_session}
    if came:
        context["rating_urls"] = [(n, rating_url(booking=booking, rating=n)) for n in RATINGS]
    return booking_message(
        booking=booking,
        kind="followup_came" if came else "followup_missed",
        key=f"followup:booking:{booking.pk}",
        unsubscribe=True,
        **context,
    )


def _invitation(*, household: Household, key: str, kind: str, reference: str, **context):
    """Follow-up invitations: only to consenting households, always with an unsubscribe link."""
    link = unsubscribe_url(household=household)
    return Message(
        key=key,
        kind=kind,
        recipient=household.email,
        language=household.language,
        reference=reference,
        context={**_household_context(household), **context, "unsubscribe_url": link},
        unsubscribe_url=link,
    )


def age_out_message(*, child, programme, branch, offers) -> Message:
    """A child has grown past ``programme``: the next steps on the family path."""
    household = child.household
    return _invitation(
        household=household,
        key=f"age_out:child:{child.pk}:programme:{programme.pk}",
        kind="age_out_invitation",
        reference=f"household:{household.pk}",
        child=child,
        programme=programme,
        branch=branch,
        offers=offers,
    )


def course_end_message(*, enrolment: Enrolment, offers) -> Message:
    """A course has ended: thanks, and what the family can join next (bridging)."""
    series = enrolment.course.series
    return _invitation(
        household=enrolment.household,
        key=f"course_end:enrolment:{enrolment.pk}",
        kind="course_end_invitation",
        reference=f"enrolment:{enrolment.pk}",
        course=enrolment.course,
        programme=series.programme,
        branch=series.room.branch,
        offers=offers,
    )


def enrolment_message(*, enrolment: Enrolment, kind: str) -> Message:
    """What a family is told when its place on a course changes, one message per change.

    Each carries the family's course page (accept, decline, leave); the enrolment's welcome
    carries the coming meetings as a calendar file too.
    """
    household = enrolment.household
    course = enrolment.course
    link = enrolment_url(enrolment=enrolment)
    meetings = course_meetings(course=course)
    context = {
        **_household_context(household),
        "enrolment": enrolment,
        "course": course,
        "programme": course.series.programme,
        "branch": course.series.room.branch,
        "enrolment_url": link,
        "meetings": meetings,
    }
    if kind == "course_waitlisted":
        context["position"] = enrolment_waitlist_position(enrolment=enrolment)
    attachments = ()
    if kind == "course_enrolled" and meetings:
        attachments = (
            Attachment(
                filename="familieliv.ics",
                content=course_ics(enrolment=enrolment, meetings=meetings, link=link),
                mimetype="text/calendar",
            ),
        )
    return Message(
        key=f"{kind}:enrolment:{enrolment.pk}",
        kind=kind,
        recipient=household.email,
        language=household.language,
        reference=f"enrolment:{enrolment.pk}",
        context=context,
        attachments=attachments,
    )


def notify_enrolment(*, enrolment: Enrolment, kind: str) -> None:
    notify(enrolment_message(enrolment=enrolment, kind=kind))


# -- a session moved, a librarian's message to those booked --------------------------------


def _occasion(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%f")


def session_moved_message(
    *, booking: Booking, was_starts_at: datetime, was_room, now: datetime
) -> Message:
    """The new time (and room) of a booked session, with its calendar event moved."""
    session = booking.session
    return booking_message(
        booking=booking,
        kind="session_moved",
        # A session may move more than once: each move is news.
        key=f"session_moved:booking:{booking.pk}:{session.starts_at:%Y%m%dT%H%M}:{_occasion(now)}",
        changed_at=now,
        link=manage_url(household=booking.household),
        was_starts_at=was_starts_at,
        was_room=was_room if was_room != session.room else None,
    )


def meeting_moved_message(
    *, enrolment: Enrolment, session, was_starts_at: datetime, was_room, now: datetime
) -> Message:
    """A course's meeting moved: the family's course link, and that meeting's event moved."""
    household = enrolment.household
    link = enrolment_url(enrolment=enrolment)
    return Message(
        key=(
            f"session_moved:enrolment:{enrolment.pk}:session:{session.pk}:"
            f"{session.starts_at:%Y%m%dT%H%M}:{_occasion(now)}"
        ),
        kind="session_moved",
        recipient=household.email,
        language=household.language,
        reference=f"enrolment:{enrolment.pk}",
        context={
            **_household_context(household),
            "enrolment": enrolment,
            "session": session,
            "programme": session.programme,
            "branch": session.room.branch,
            "link": link,
            "was_starts_at": was_starts_at,
            "was_room": was_room if was_room != session.room else None,
        },
        attachments=(
            Attachment(
                filename="familieliv.ics",
                content=course_ics(
                    enrolment=enrolment, meetings=[session], link=link, changed_at=now
                ),
                mimetype="text/calendar",
            ),
        ),
    )


def meeting_cancelled_message(*, enrolment: Enrolment, session) -> Message:
    """A course's meeting cancelled: the family's course link, and that meeting's event
    with STATUS:CANCELLED so calendars drop it. Told once per enrolment and meeting."""
    household = enrolment.household
    link = enrolment_url(enrolment=enrolment)
    return Message(
        key=f"session_cancelled:enrolment:{enrolment.pk}:session:{session.pk}",
        kind="session_cancelled",
        recipient=household.email,
        language=household.language,
        reference=f"enrolment:{enrolment.pk}",
        context={
            **_household_context(household),
            "enrolment": enrolment,
            "session": session,
            "programme": session.programme,
            "branch": session.room.branch,
            "link": link,
        },
        attachments=(
            Attachment(
                filename="familieliv.ics",
                content=course_ics(
                    enrolment=enrolment, meetings=[session], link=link, changed_at=timezone.now()
                ),
                mimetype="text/calendar",
            ),
        ),
    )


def session_note_message(
    *,
    household: Household,
    session,
    reference: str,
    link: str,
    subject: str,
    text: str,
    sender: str,
    token: str,
    enrolment: Enrolment | None = None,
) -> Message:
    """A librarian's own words to a family booked on a session, in the family's language
    around them (greeting, the session, the footer); the words themselves as typed.

    ``token`` names the message the librarian wrote, so sending the same form again is
    the same message (the outbox writes each key once)."""
    return Message(
        key=f"session_message:session:{session.pk}:household:{household.pk}:{token}",
        kind="session_message",
        recipient=household.email,
        language=household.language,
        reference=reference,
        context={
            **_household_context(household),
            "session": session,
            "programme": session.programme,
            "branch": session.room.branch,
            "link": link,
            "subject": subject,
            "text": text,
            "sender": sender,
            "enrolment": enrolment,
        },
    )
