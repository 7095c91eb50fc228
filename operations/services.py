from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.messages import notify_booking
from bookings.models import Booking
from bookings.services import waitlist_refill
from common.errors import DomainError
from courses.links import enrolment_url
from courses.models import Enrolment
from courses.selectors import TAKING_PART, session_course
from households.links import manage_url
from households.models import Household
from notifications.planning import write_all
from notifications.services import notify
from operations.messages import (
    meeting_cancelled_message,
    meeting_moved_message,
    session_moved_message,
    session_note_message,
)
from operations.selectors import coming_series_sessions
from programmes.locks import lock_session
from programmes.models import Room, Session, session_slot_problem


class SessionChangeError(DomainError):
    """A session or series that cannot be changed so; safe to show a librarian."""


# The longest reason a cancellation may give (the field's length); forms use it too.
# (The stubs allow a CharField without a length; this one has one.)
CANCELLATION_REASON_MAX_LENGTH = cast(
    int, Session._meta.get_field("cancellation_reason").max_length
)


def cancellation_reason_check(reason: str) -> str:
    """The reason a session is cancelled is told to every family: required, and short."""
    reason = reason.strip()
    if not reason:
        raise SessionChangeError(_("Give a reason: the families are told it."))
    if len(reason) > CANCELLATION_REASON_MAX_LENGTH:
        raise SessionChangeError(
            _("Keep the reason to %(count)d characters.")
            % {"count": CANCELLATION_REASON_MAX_LENGTH}
        )
    return reason


def session_cancel(*, session_id: int, reason: str) -> int:
    """Cancel a session and tell every household booked, waiting or enrolled on its
    course; returns how many were told.

    Safe to call again: each household is told once (the outbox key names the booking or
    the enrolment and the meeting).
    """
    reason = cancellation_reason_check(reason)
    with transaction.atomic():
        session = lock_session(session_id)
        if session.status != Session.Status.CANCELLED:
            # A change the families are told of: their calendar files supersede the last.
            session.sequence += 1
            session.status = Session.Status.CANCELLED
            session.cancellation_reason = reason
            session.save(update_fields=["status", "cancellation_reason", "sequence"])
        elif reason != session.cancellation_reason:
            session.cancellation_reason = reason
            session.save(update_fields=["cancellation_reason"])
        live = session.bookings.exclude(status=Booking.Status.CANCELLED).select_related("household")
        told = 0
        for booking in live:
            notify_booking(booking=booking, kind="session_cancelled")
            told += 1
        course = session_course(session)
        if course is not None:
            for enrolment in course.enrolments.filter(status__in=TAKING_PART).select_related(
                "household", "course__series__room__branch"
            ):
                notify(meeting_cancelled_message(enrolment=enrolment, session=session))
                told += 1
    return told


@dataclass(frozen=True)
class SeriesCancellation:
    sessions: int  # coming sessions cancelled
    told: int  # messages to households (one per booking on each session)


def series_cancel(
    *, series_id: int, reason: str, now: datetime | None = None
) -> SeriesCancellation:
    """Cancel every coming session of a series, each as session_cancel does (booked and
    waiting households told; volunteers are told by their planner). Sessions already held
    stay as they were."""
    # session_cancel holds the rule; checked first so a bad reason cancels nothing.
    reason = cancellation_reason_check(reason)
    now = now or timezone.now()
    with transaction.atomic():
        coming = list(
            coming_series_sessions(series=series_id, now=now)
            .order_by("starts_at")
            .values_list("pk", flat=True)
        )
        told = sum(session_cancel(session_id=pk, reason=reason) for pk in coming)
    return SeriesCancellation(sessions=len(coming), told=told)


def session_move_check(
    *, session: Session, starts_at: datetime, ends_at: datetime, room: Room, now: datetime
) -> None:
    """Why a scheduled session cannot move to this time and room, if it cannot.

    The session admin's form asks this before saving, so a refused move is a form error
    and never a saved page saying it was not moved; session_move asks again under the lock.
    """
    if session.status != Session.Status.SCHEDULED:
        raise SessionChangeError(_("This session has been cancelled."))
    if session.starts_at <= now:
        # Families are in the room or have been: what they booked is what happened.
        raise SessionChangeError(_("A session that has started cannot be moved."))
    if ends_at > starts_at and starts_at <= now:
        raise SessionChangeError(_("A session cannot be moved to a time that has passed."))
    problem = session_slot_problem(
        room=room, starts_at=starts_at, ends_at=ends_at, exclude_pk=session.pk
    )
    if problem is not None:
        raise SessionChangeError(problem.message)


def session_move(
    *,
    session_id: int,
    starts_at: datetime,
    ends_at: datetime,
    room: Room | None = None,
    now: datetime | None = None,
) -> int:
    """Move a session to a new time (and room); its bookings stay, and every household
    booked, waiting or enrolled is told the new time with its calendar event moved.
    Returns how many were told. Volunteers on it are told by their planner."""
    now = now or timezone.now()
    with transaction.atomic():
        session = lock_session(session_id)
        room = room or session.room
        if session.status != Session.Status.SCHEDULED:
            raise SessionChangeError(_("This session has been cancelled."))
        if (starts_at, ends_at, room.pk) == (session.starts_at, session.ends_at, session.room_id):
            return 0
        session_move_check(
            session=session, starts_at=starts_at, ends_at=ends_at, room=room, now=now
        )
        was_starts_at, was_room = session.starts_at, session.room
        session.starts_at, session.ends_at, session.room = starts_at, ends_at, room
        session.sequence += 1  # told to the families: their calendars move the event
        try:
            with transaction.atomic():
                session.save(update_fields=["starts_at", "ends_at", "room", "sequence"])
        except IntegrityError as exc:
            # A concurrent change to the room (the exclusion constraint on PostgreSQL), or
            # the series already has a session at that time.
            raise SessionChangeError(
                _("The room or the series already has a session at that time. Try another.")
            ) from exc
        told = 0
        for booking in session.bookings.exclude(status=Booking.Status.CANCELLED).select_related(
            "household"
        ):
            notify(
                session_moved_message(
                    booking=booking, was_starts_at=was_starts_at, was_room=was_room, now=now
                )
            )
            told += 1
        course = session_course(session)
        if course is not None:
            for enrolment in course.enrolments.filter(status__in=TAKING_PART).select_related(
                "household"
            ):
                notify(
                    meeting_moved_message(
                        enrolment=enrolment,
                        session=session,
                        was_starts_at=was_starts_at,
                        was_room=was_room,
                        now=now,
                    )
                )
                told += 1
    return told


# Changing one of these on a scheduled session moves it: the families are told.
MOVING_FIELDS = ("starts_at", "ends_at", "room")


def _to_the_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def is_move(session: Session, *, starts_at: datetime, ends_at: datetime, room: Room) -> bool:
    """A new room, or a new time to the minute: seconds dropped by a form are no move."""
    return session.room_id != room.pk or any(
        _to_the_minute(old) != _to_the_minute(new)
        for old, new in ((session.starts_at, starts_at), (session.ends_at, ends_at))
    )


@dataclass(frozen=True)
class SessionUpdate:
    """What a librarian's edit of a session did, for the page to say."""

    moved: bool = False
    told_of_move: int = 0
    cancelled: bool = False
    told_of_cancellation: int = 0
    promoted: int = 0  # families moved up from the waitlist into new places


def session_update(
    *, session: Session, changed: Iterable[str], now: datetime | None = None
) -> SessionUpdate:
    """Save a librarian's edit of a session (``session`` holds the new values, ``changed``
    names the fields edited), all or nothing: a new time or room of a scheduled session is
    a move (session_move: checked, families told), a change to cancelled is a cancellation
    (session_cancel: a reason, families told), more places let the waitlist move up;
    anything else is saved as it is."""
    now = now or timezone.now()
    changed = set(changed)
    with transaction.atomic():
        before = lock_session(session.pk)
        moving = (
            before.status == Session.Status.SCHEDULED
            and session.status == Session.Status.SCHEDULED
            and bool(changed & set(MOVING_FIELDS))
            and is_move(
                before, starts_at=session.starts_at, ends_at=session.ends_at, room=session.room
            )
        )
        cancelling = (
            session.status == Session.Status.CANCELLED and before.status != Session.Status.CANCELLED
        )
        plain = changed - (set(MOVING_FIELDS) if moving else set())
        if cancelling:
            plain -= {"status", "cancellation_reason"}
        if plain:
            for name in plain:
                setattr(before, name, getattr(session, name))
            before.save(update_fields=sorted(plain))
        told_of_move = told_of_cancellation = promoted = 0
        if moving:
            told_of_move = session_move(
                session_id=before.pk,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                room=session.room,
                now=now,
            )
        if cancelling:
            told_of_cancellation = session_cancel(
                session_id=before.pk, reason=session.cancellation_reason
            )
        if "capacity" in changed:
            promoted = len(waitlist_refill(session_id=before.pk))
    return SessionUpdate(
        moved=moving,
        told_of_move=told_of_move,
        cancelled=cancelling,
        told_of_cancellation=told_of_cancellation,
        promoted=promoted,
    )


SUBJECT_MAX_LENGTH = 150


TEXT_MAX_LENGTH = 5000


def session_message_all(
    *,
    session: Session,
    subject: str,
    text: str,
    token: str,
    include_waitlist: bool = False,
    by=None,
) -> int:
    """A librarian's message to every household booked on a session (or enrolled on its
    course), and to the waitlist if asked: one outbox message each. Returns how many new.

    ``token`` names this one message (made when the form was shown): its outbox keys hold
    it, so a form sent twice (a double click, a reload) writes nothing the second time,
    while the next message, from a fresh form, is new.
    """
    subject, text, token = subject.strip(), text.strip(), token.strip()
    if not token:
        raise SessionChangeError(_("This form has expired: open the message page again."))
    if not subject or not text:
        raise SessionChangeError(_("Write a subject and a message."))
    if len(subject) > SUBJECT_MAX_LENGTH or len(text) > TEXT_MAX_LENGTH:
        raise SessionChangeError(_("The subject or the message is too long."))
    session = Session.objects.select_related("programme", "room__branch").get(pk=session.pk)
    statuses = [Booking.Status.CONFIRMED]
    if include_waitlist:
        statuses.append(Booking.Status.WAITLISTED)
    recipients: list[tuple[Household, str, str, Enrolment | None]] = [
        (b.household, f"booking:{b.pk}", manage_url(household=b.household), None)
        for b in session.bookings.filter(status__in=statuses).select_related("household")
    ]
    course = session_course(session)
    if course is not None:
        enrolled = Enrolment.objects.filter(course=course, status__in=TAKING_PART)
        recipients += [
            (e.household, f"enrolment:{e.pk}", enrolment_url(enrolment=e), e)
            for e in enrolled.select_related("household")
        ]
    if not recipients:
        raise SessionChangeError(
            _("Nobody is booked on this session, so there is nobody to write to.")
        )
    sender = by.get_full_name() if by is not None else ""
    return write_all(
        session_note_message(
            household=household,
            session=session,
            reference=reference,
            link=link,
            subject=subject,
            text=text,
            sender=sender,
            token=token,
            enrolment=enrolment,
        )
        for household, reference, link, enrolment in recipients
    )
