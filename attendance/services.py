from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Attendance
from attendance.selectors import expected_households, in_helper_window, takes_walk_ins
from bookings.models import Booking
from bookings.services import places_needed
from common.errors import DomainError
from households.models import Household
from households.services import (
    ChildInput,
    household_get_or_create,
    normalise_email,
    party_children,
)
from programmes.locks import lock_session
from programmes.models import Session


class AttendanceError(DomainError):
    """Who came cannot be recorded so; the message is safe to show a helper."""


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
    """Who came is recorded on the session's day or, as a correction, in the helpers'
    window after it (HELPER_DAYS_BACK days); never before, and older ones only by the
    library in the admin."""
    if session.status != Session.Status.SCHEDULED:
        raise AttendanceError(_("This session has been cancelled."))
    if session.local_start.date() > timezone.localtime(now, session.room.branch.zone).date():
        raise AttendanceError(not_yet)
    if not in_helper_window(session, now=now):
        raise AttendanceError(
            _("This session is too long ago to change here. Please ask the library.")
        )


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
        raise AttendanceError(_("This family is not on the list for this session."))
    return attendance_record(
        session=session, household=household, attended=attended, by=by, now=now
    )


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
    came; an e-mail the library already knows, without a booking here, gets a walk-in
    booking with the party typed, and the household is left as it was
    (households.services.party_children). Whoever typed the address is told the same in
    every case.
    """
    now = now or timezone.now()
    if not children:
        raise AttendanceError(_("Tell us which child is coming."))
    with transaction.atomic():
        session = lock_session(session.pk)
        if not takes_walk_ins(session):
            raise AttendanceError(
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
            # Anyone at the door can say any e-mail: a known family is neither renamed nor
            # given children by it, nor shown who it is; the walk-in carries its own party.
            household, is_new = household_get_or_create(
                email=email,
                name=name,
                phone="",
                language=language,
                consents_to_followups=consents_to_followups,
                now=now,
            )
            kids = party_children(household=household, children=children, household_is_new=is_new)
            booking = Booking.objects.create(
                session=session,
                household=household,
                adults=adults,
                places=places_needed(programme=session.programme, children=len(kids)),
                status=Booking.Status.CONFIRMED,
                created_at=now,
                confirmed_at=now,
                walk_in=True,
                name_given="" if is_new or name.strip() == household.name else name.strip(),
            )
            booking.children.set(kids)
        attendance_record(session=session, household=household, attended=True, by=by, now=now)
    return booking
