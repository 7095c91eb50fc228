from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from bookings.messages import booking_message, session_change_key
from bookings.models import Booking
from courses.calendar import course_calendar_attachment
from courses.links import enrolment_url
from courses.models import Enrolment
from households.links import manage_url
from households.messages import household_context
from households.models import Household
from notifications.services import Message


def meeting_change_key(*, kind: str, enrolment: Enrolment, session) -> str:
    """A meeting moved or cancelled, told once per change of the session (its sequence)."""
    return f"{kind}:enrolment:{enrolment.pk}:session:{session.pk}:sequence:{session.sequence}"


def session_moved_message(
    *, booking: Booking, was_starts_at: datetime, was_room, now: datetime
) -> Message:
    """The new time (and room) of a booked session, with its calendar event moved."""
    session = booking.session
    return booking_message(
        booking=booking,
        kind="session_moved",
        # A session may move more than once: each move is news (its sequence names it).
        key=session_change_key(kind="session_moved", booking=booking),
        now=now,
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
        key=meeting_change_key(kind="session_moved", enrolment=enrolment, session=session),
        kind="session_moved",
        recipient=household.email,
        language=household.language,
        reference=f"enrolment:{enrolment.pk}",
        context={
            **household_context(household),
            "enrolment": enrolment,
            "session": session,
            "programme": session.programme,
            "branch": session.room.branch,
            "link": link,
            "was_starts_at": was_starts_at,
            "was_room": was_room if was_room != session.room else None,
        },
        attachments=(
            course_calendar_attachment(
                enrolment=enrolment, meetings=[session], link=link, stamp=now
            ),
        ),
    )


def meeting_cancelled_message(*, enrolment: Enrolment, session) -> Message:
    """A course's meeting cancelled: the family's course link, and that meeting's event
    with STATUS:CANCELLED so calendars drop it. Told once per enrolment and meeting."""
    household = enrolment.household
    link = enrolment_url(enrolment=enrolment)
    return Message(
        key=meeting_change_key(kind="session_cancelled", enrolment=enrolment, session=session),
        kind="session_cancelled",
        recipient=household.email,
        language=household.language,
        reference=f"enrolment:{enrolment.pk}",
        context={
            **household_context(household),
            "enrolment": enrolment,
            "session": session,
            "programme": session.programme,
            "branch": session.room.branch,
            "link": link,
        },
        attachments=(
            course_calendar_attachment(
                enrolment=enrolment, meetings=[session], link=link, stamp=timezone.now()
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
            **household_context(household),
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
