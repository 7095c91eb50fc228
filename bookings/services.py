"""Booking rules: the only place that books, cancels and promotes from the waitlist.

Every change to a session's places happens with the session row locked, inside one
transaction, so two requests can never both take the last place. Views, the admin and
any API call these functions and show the ``BookingError`` they raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.planning import write_all
from notifications.services import notify
from programmes.eligibility import age_eligibility
from programmes.models import Programme, Room, Session
from programmes.selectors import room_conflicts
from programmes.services import room_conflict_message

from .links import enrolment_url, manage_url
from .messages import (
    meeting_cancelled_message,
    meeting_moved_message,
    notify_booking,
    session_moved_message,
    session_note_message,
)
from .models import Attendance, Booking, Child, Enrolment, Household
from .selectors import (
    TAKING_PART,
    coming_series_sessions,
    expected_households,
    session_course,
    takes_walk_ins,
)


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


# The places a session's confirmed bookings take: over ``session.bookings``.
CONFIRMED_PLACES = Coalesce(Sum("places", filter=Q(status=Booking.Status.CONFIRMED)), 0)


def confirmed_places(*, session: Session) -> int:
    return session.bookings.aggregate(total=CONFIRMED_PLACES)["total"]


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


@dataclass(frozen=True)
class Places:
    """A session's places as one booking sees them, read under the session lock."""

    confirmed: int  # places taken by confirmed bookings
    waiting: int  # bookings on the waitlist
    already_booked: bool  # the household has a live booking here


def session_places(*, session: Session, household: Household) -> Places:
    """Everything booking_create needs to know about the session's bookings, in one read."""
    live = ~Q(status=Booking.Status.CANCELLED)
    figures = session.bookings.aggregate(
        confirmed=CONFIRMED_PLACES,
        waiting=Count("pk", filter=Q(status=Booking.Status.WAITLISTED)),
        already=Count("pk", filter=live & Q(household=household)),
    )
    return Places(
        confirmed=figures["confirmed"],
        waiting=figures["waiting"],
        already_booked=figures["already"] > 0,
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

    The session is locked first, before the household and its children are written: every
    path that writes a household for a session (the walk-in at the door too) takes the
    locks in that order, so they can never wait for each other in a circle.
    """
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
        kids = children_get_or_create(household=household, children=children)
        places = places_needed(programme=session.programme, children=len(children))
        booking = _booking_insert(
            session=session, household=household, places=places, adults=adults, now=now
        )
        booking.children.add(*kids)
        confirmed = booking.status == Booking.Status.CONFIRMED
        notify_booking(
            booking=booking, kind="booking_confirmed" if confirmed else "booking_waitlisted"
        )
    return booking


def _booking_insert(
    *, session: Session, household: Household, places: int, adults: int, now: datetime
) -> Booking:
    """The booking itself, under the session lock: a place if the party fits, else the line."""
    seen = session_places(session=session, household=household)
    if seen.already_booked:
        raise BookingError(
            _("You have already booked this session. Your booking is in the link we e-mailed.")
        )
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
        )
    except IntegrityError as exc:  # the same household, racing itself past the check
        # The transaction is spoilt, and the error leaves it: booking_create rolls back.
        raise BookingError(_("You have already booked this session.")) from exc


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


def cancellation_reason_check(reason: str) -> str:
    """The reason a session is cancelled is told to every family: required, and short."""
    reason = reason.strip()
    if not reason:
        raise BookingError(_("Give a reason: the families are told it."))
    if len(reason) > Session._meta.get_field("cancellation_reason").max_length:
        raise BookingError(_("Keep the reason to 200 characters."))
    return reason


def session_cancel(*, session_id: int, reason: str) -> int:
    """Cancel a session and tell every household booked, waiting or enrolled on its
    course; returns how many were told.

    Safe to call again: each household is told once (the outbox key names the booking or
    the enrolment and the meeting).
    """
    reason = cancellation_reason_check(reason)
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
        course = session_course(session)
        if course is not None:
            for enrolment in course.enrolments.filter(status__in=TAKING_PART).select_related(
                "household", "course__series__room__branch"
            ):
                notify(meeting_cancelled_message(enrolment=enrolment, session=session))
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


# -- running the week: walk-ins, a series cancelled, a session moved, a word to everyone ---


def attendance_walk_in(
    *,
    session: Session,
    name: str,
    email: str,
    language: str,
    children: list[ChildInput],
    adults: int = 1,
    consents_to_followups: bool = False,
    by=None,
    now: datetime | None = None,
) -> Booking:
    """A family came without booking: staff add them at the door, and they came.

    The family is in the room, so the session's capacity is not checked and no age rule
    turns them away; the booking (marked as a walk-in) takes its places all the same, so
    the figures show who was there. A family already booked (or waiting) is ticked as
    came; an e-mail the library already knows, without a booking here, is refused.
    """
    now = now or timezone.now()
    if not children:
        raise BookingError(_("Tell us which child is coming."))
    with transaction.atomic():
        session = _lock_session(session.pk)
        if not takes_walk_ins(session):
            raise BookingError(
                _("Families who came without booking can be added at sessions with booking only.")
            )
        check_on_the_day(
            session,
            now,
            not_yet=_("This session has not started yet: check families in on the day."),
        )
        booking = (
            session.bookings.filter(household__email=normalise_email(email))
            .exclude(status=Booking.Status.CANCELLED)
            .select_related("household")
            .first()
        )
        if booking is not None:
            household = booking.household
            if booking.status == Booking.Status.WAITLISTED:
                # Still waiting, and came anyway: they are in the room, so the place is
                # theirs; marked as a walk-in, since they came without a place.
                booking.status, booking.confirmed_at = Booking.Status.CONFIRMED, now
                booking.walk_in = True
                booking.save(update_fields=["status", "confirmed_at", "walk_in"])
        else:
            if Household.objects.filter(email=normalise_email(email)).exists():
                # Anyone at the door can say any e-mail: a known family is neither renamed
                # nor given children by it, nor shown who it is.
                raise BookingError(
                    _(
                        "This e-mail is already known to the library: ask the family to show "
                        "their booking or use another e-mail."
                    )
                )
            household = household_get_or_create(
                email=email,
                name=name,
                phone="",
                language=language,
                consents_to_followups=consents_to_followups,
                now=now,
            )
            kids = children_get_or_create(household=household, children=children)
            booking = Booking.objects.create(
                session=session,
                household=household,
                adults=adults,
                places=places_needed(programme=session.programme, children=len(kids)),
                status=Booking.Status.CONFIRMED,
                created_at=now,
                confirmed_at=now,
                walk_in=True,
            )
            booking.children.set(kids)
        attendance_record(session=session, household=household, attended=True, by=by, now=now)
    return booking


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
        raise BookingError(_("This session has been cancelled."))
    if session.starts_at <= now:
        # Families are in the room or have been: what they booked is what happened.
        raise BookingError(_("A session that has started cannot be moved."))
    if ends_at <= starts_at:
        raise BookingError(_("The session must end after it starts."))
    if starts_at <= now:
        raise BookingError(_("A session cannot be moved to a time that has passed."))
    clash = room_conflicts(
        room=room, starts_at=starts_at, ends_at=ends_at, exclude_pk=session.pk
    ).first()
    if clash is not None:
        raise BookingError(room_conflict_message(clash))


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
        session = _lock_session(session_id)
        room = room or session.room
        if session.status != Session.Status.SCHEDULED:
            raise BookingError(_("This session has been cancelled."))
        if (starts_at, ends_at, room.pk) == (session.starts_at, session.ends_at, session.room_id):
            return 0
        session_move_check(
            session=session, starts_at=starts_at, ends_at=ends_at, room=room, now=now
        )
        was_starts_at, was_room = session.starts_at, session.room
        session.starts_at, session.ends_at, session.room = starts_at, ends_at, room
        try:
            with transaction.atomic():
                session.save(update_fields=["starts_at", "ends_at", "room"])
        except IntegrityError as exc:
            # A concurrent change to the room (the exclusion constraint on PostgreSQL), or
            # the series already has a session at that time.
            raise BookingError(
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
        raise BookingError(_("This form has expired: open the message page again."))
    if not subject or not text:
        raise BookingError(_("Write a subject and a message."))
    if len(subject) > SUBJECT_MAX_LENGTH or len(text) > TEXT_MAX_LENGTH:
        raise BookingError(_("The subject or the message is too long."))
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
        raise BookingError(_("Nobody is booked on this session, so there is nobody to write to."))
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
