from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
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
from operations.selectors import coming_series_sessions, households_to_tell
from programmes.locks import lock_session
from programmes.models import Room, Series, Session, room_conflict_message, session_slot_problem
from programmes.services import (
    SchedulingError,
    SeriesPlan,
    Slot,
    series_generate_sessions,
    slot_clashes,
)


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
    """Cancel a series: every coming session, each as session_cancel does (booked and
    waiting households told; volunteers are told by their planner), and the series makes
    no new sessions from now on. Sessions held, under way or with families checked in
    already stay as they were (operations.selectors.coming_series_sessions)."""
    # session_cancel holds the rule; checked first so a bad reason cancels nothing.
    reason = cancellation_reason_check(reason)
    now = now or timezone.now()
    with transaction.atomic():
        Series.objects.filter(pk=series_id, cancelled_at__isnull=True).update(cancelled_at=now)
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
    zone = session.room.branch.zone
    day = starts_at.astimezone(zone).date()
    if (
        session.series_id is not None
        and day != session.local_start.date()
        and series_live_days(series_id=session.series_id, exclude_pk=session.pk, zone=zone) & {day}
    ):
        # One series meets once a day: families and the series' own dates rely on it.
        raise SessionChangeError(
            _("The series already has a session on %(date)s.")
            % {"date": formats.date_format(day, "SHORT_DATE_FORMAT")}
        )


def series_live_days(*, series_id: int, exclude_pk: int, zone) -> set[date]:
    """The days (at the branch) a series' scheduled sessions are on, but one."""
    starts = (
        Session.objects.filter(series_id=series_id, status=Session.Status.SCHEDULED)
        .exclude(pk=exclude_pk)
        .values_list("starts_at", flat=True)
    )
    return {moment.astimezone(zone).date() for moment in starts}


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


# -- changing a series' schedule -------------------------------------------------------------


@dataclass(frozen=True)
class PlannedMove:
    """A coming session the change moves: from its time and room now to the new ones."""

    day: date  # its series date
    session: Session
    starts_at: datetime
    ends_at: datetime
    room: Room
    told: int  # households told the new time


@dataclass(frozen=True)
class PlannedDrop:
    """A coming session whose date is no longer in the series: cancelled, its families told."""

    session: Session
    why: str  # the reason a left-out date has (an excluded date's or a holiday's name)
    told: int


@dataclass(frozen=True)
class SeriesChange:
    """What saving a series' new plan does to its sessions, for the librarian to see before
    anything is saved (series_change_preview) and for series_change_apply to carry out.

    Only coming sessions change (operations.selectors.coming_series_sessions): sessions
    held, under way or with families checked in stay as they were."""

    moves: tuple[PlannedMove, ...] = ()
    drops: tuple[PlannedDrop, ...] = ()
    new_dates: tuple[date, ...] = ()
    # coming sessions moved on their own page: they keep their own time and room
    kept: tuple[Session, ...] = ()
    # new dates without a session of their own: another of the series was moved to that day
    served_by_moved: tuple[date, ...] = ()
    # dates of the new plan left out, with why (excluded dates, public holidays)
    left_out: tuple[tuple[date, str], ...] = ()
    # (date, why the change cannot be made on it): the room is taken, the time has passed
    problems: tuple[tuple[date, str], ...] = ()

    @property
    def told(self) -> int:
        return sum(m.told for m in self.moves) + sum(d.told for d in self.drops)

    @property
    def needs_confirmation(self) -> bool:
        """Whether it changes sessions families may have booked: then the librarian sees it
        first. Only adding new dates needs no confirmation."""
        return bool(self.moves or self.drops)

    @property
    def token(self) -> str:
        """Names this change: a confirmation of an older preview does not confirm it."""
        described = repr(
            (
                [
                    (m.session.pk, m.starts_at.isoformat(), m.ends_at.isoformat(), m.room.pk)
                    for m in self.moves
                ],
                [d.session.pk for d in self.drops],
                [d.isoformat() for d in self.new_dates],
            )
        )
        return hashlib.sha256(described.encode()).hexdigest()[:24]

    def refusal(self) -> str:
        """Why the change cannot be made, every date named."""
        return _("Nothing was saved: %(problems)s") % {
            "problems": " ".join(why for _day, why in self.problems)
        }


def series_change_preview(*, series: Series, plan: SeriesPlan, now: datetime) -> SeriesChange:
    """What giving ``series`` the plan ``plan`` would do, written nowhere: which coming
    sessions move (old → new time and room), which are cancelled because their date is no
    longer in the series (a weekday, a date range or an excluded date taken away), which new
    dates get a session, how many households are told, and the dates it cannot be made on.

    ``series`` may hold unsaved values (a form's) or be new; its saved row decides which
    sessions follow the series: a session moved on its own page keeps its time. A
    cancelled series changes nothing."""
    if series.cancelled_at is not None:
        return SeriesChange()
    saved = (
        Series.objects.select_related("room__branch").filter(pk=series.pk).first()
        if series.pk
        else None
    )
    slots = plan.slots()
    left_out = plan.left_out()
    own: list[Session] = []
    coming: list[Session] = []
    old_plan = SeriesPlan.of(saved) if saved is not None else None
    if saved is not None:
        own = list(saved.sessions.select_related("room__branch", "programme"))
        coming_pks = set(
            coming_series_sessions(series=saved.pk, now=now).values_list("pk", flat=True)
        )
        coming = sorted((s for s in own if s.pk in coming_pks), key=lambda s: s.starts_at)
    told = households_to_tell(sessions=coming)

    moves: list[PlannedMove] = []
    drops: list[PlannedDrop] = []
    kept: list[Session] = []
    problems: list[tuple[date, str]] = []
    for session in coming:
        day = session.series_date
        if day is None:
            continue  # a duplicate the old generation made: left for a librarian to cancel
        if day not in slots:
            drops.append(
                PlannedDrop(session=session, why=left_out.get(day, ""), told=told[session.pk])
            )
        elif old_plan is not None and not old_plan.holds(session):
            kept.append(session)
        else:
            slot = slots[day]
            if (slot.starts_at, slot.ends_at, plan.room.pk) == (
                session.starts_at,
                session.ends_at,
                session.room_id,
            ):
                continue
            if slot.starts_at <= now:
                problems.append(
                    (
                        day,
                        _("The session of %(date)s cannot move to %(time)s: that time has passed.")
                        % {
                            "date": formats.date_format(day, "SHORT_DATE_FORMAT"),
                            "time": formats.time_format(
                                slot.starts_at.astimezone(plan.room.branch.zone), "H:i"
                            ),
                        },
                    )
                )
                continue
            moves.append(
                PlannedMove(
                    day=day,
                    session=session,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    room=plan.room,
                    told=told[session.pk],
                )
            )

    taken_dates = {s.series_date for s in own if s.series_date is not None}
    dropped = {d.session.pk for d in drops}
    live_days = {
        s.local_start.date()
        for s in own
        if s.status == Session.Status.SCHEDULED and s.pk not in dropped
    }
    new_dates: list[date] = []
    served: list[date] = []
    for day, slot in slots.items():
        if day in taken_dates or slot.starts_at <= now:
            continue
        if day in live_days:
            served.append(day)
        else:
            new_dates.append(day)

    targets = {m.day: Slot(m.starts_at, m.ends_at) for m in moves}
    targets.update({day: slots[day] for day in new_dates})
    leaving = [m.session.pk for m in moves] + list(dropped)
    clashes = slot_clashes(room=plan.room, slots=targets, leaving=leaving)
    problems += [(day, room_conflict_message(clash)) for day, clash in clashes.items()]
    return SeriesChange(
        moves=tuple(moves),
        drops=tuple(drops),
        new_dates=tuple(new_dates),
        kept=tuple(kept),
        served_by_moved=tuple(served),
        left_out=tuple(
            (day, why) for day, why in left_out.items() if plan.slot(day).starts_at > now
        ),
        problems=tuple(sorted(problems, key=lambda p: p[0])),
    )


@dataclass(frozen=True)
class SeriesChangeResult:
    moved: int = 0
    cancelled: int = 0
    created: int = 0
    told: int = 0


def series_change_apply(
    *, series_id: int, change: SeriesChange, reason: str = "", now: datetime | None = None
) -> SeriesChangeResult:
    """Carry out a previewed change once the series' new plan is saved (in the same
    transaction): cancel the sessions of dates no longer in the series (session_cancel, with
    ``reason``: their families are told), move the coming sessions to the new time and room
    (session_move, the session page's own move: their families are told), then make the
    new dates' sessions (programmes.services.series_generate_sessions).

    Refuses, changing nothing, when the preview found a problem, when sessions would be
    cancelled without a reason, or when a session has begun since the preview."""
    now = now or timezone.now()
    if change.problems:
        raise SessionChangeError(change.refusal())
    if change.drops:
        reason = cancellation_reason_check(reason)
    with transaction.atomic():
        series = (
            Series.objects.select_for_update()
            .select_related("room__branch", "programme")
            .get(pk=series_id)
        )
        still_coming = set(
            coming_series_sessions(series=series_id, now=now).values_list("pk", flat=True)
        )
        planned = [d.session.pk for d in change.drops] + [m.session.pk for m in change.moves]
        if not still_coming.issuperset(planned):
            raise SessionChangeError(
                _("A session of this series has begun or changed since the preview. Check again.")
            )
        told = 0
        for drop in change.drops:
            told += session_cancel(session_id=drop.session.pk, reason=reason)
        for move in change.moves:
            told += session_move(
                session_id=move.session.pk,
                starts_at=move.starts_at,
                ends_at=move.ends_at,
                room=move.room,
                now=now,
            )
        try:
            created = series_generate_sessions(series=series, after=now).created
        except SchedulingError as exc:
            raise SessionChangeError(str(exc)) from exc
    return SeriesChangeResult(
        moved=len(change.moves), cancelled=len(change.drops), created=len(created), told=told
    )
