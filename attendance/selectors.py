from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from bookings.models import Booking
from courses.selectors import session_course, taking_part_at
from households.models import Household
from programmes.models import Session


def takes_walk_ins(session: Session) -> bool:
    """Families who came without booking are added at sessions with booking only (drop-in
    sessions count heads; course meetings are for the enrolled families)."""
    return session.programme.booking_mode == session.programme.BookingMode.BOOKING


def expected_households(*, session: Session):
    """Who is expected at a session: its confirmed bookings, or its course's families."""
    course = session_course(session)
    if course is not None:
        return Household.objects.filter(
            enrolments__in=taking_part_at(course=course, session=session)
        )
    return Household.objects.filter(
        bookings__session=session, bookings__status=Booking.Status.CONFIRMED
    )


@dataclass(frozen=True)
class CheckInRow:
    household_id: int
    name: str
    children: list[str]
    party: int  # places booked; 1 family on a course
    attended: bool | None  # None: not ticked yet


def check_in_list(*, session: Session) -> list[CheckInRow]:
    """The families expected at a session, as a helper sees them: names, no more."""
    marks = dict(session.attendances.values_list("household_id", "attended"))
    course = session_course(session)
    if course is not None:
        enrolments = (
            taking_part_at(course=course, session=session)
            .select_related("household")
            .prefetch_related("children")
            .order_by("household__name")
        )
        rows = [(e.household, "", e.children.all(), 1) for e in enrolments]
    else:
        bookings = (
            session.bookings.filter(status=Booking.Status.CONFIRMED)
            .select_related("household")
            .prefetch_related("children")
            .order_by("household__name")
        )
        rows = [(b.household, b.name_given, b.children.all(), b.places) for b in bookings]
    return [
        CheckInRow(
            household_id=household.pk,
            # The name typed with the booking, when its address was already known.
            name=name_given or household.name,
            children=[child.first_name for child in children],
            party=party,
            attended=marks.get(household.pk),
        )
        for household, name_given, children, party in rows
    ]


# The helpers' window: sessions from this many days ago up to today, each by its own
# branch's date. The helper pages list them, open only them (any other is not found), and
# record who came only in them (attendance.services.check_on_the_day); older corrections
# are the library's, in the admin.
HELPER_DAYS_BACK = 6


def in_helper_window(session: Session, *, now: datetime) -> bool:
    """Whether the session's day, at its branch, is today there or up to HELPER_DAYS_BACK
    days before: the one rule for reading and writing on the helper pages."""
    today = timezone.localtime(now, session.room.branch.zone).date()
    return today - timedelta(days=HELPER_DAYS_BACK) <= session.local_start.date() <= today


def _around_the_window(*, branches, now: datetime):
    # A day more on each side in absolute time covers every branch's time zone; the exact
    # rule, by the branch's own date, is in_helper_window.
    return Session.objects.filter(
        room__branch__in=branches,
        starts_at__gte=now - timedelta(days=HELPER_DAYS_BACK + 2),
        starts_at__lte=now + timedelta(days=2),
    ).select_related("programme", "room__branch")


def helper_session(*, branches, pk: int, now: datetime) -> Session | None:
    """A session of the helpers' window at the branches (cancelled ones too: their page
    says so); None for any other."""
    session = _around_the_window(branches=branches, now=now).filter(pk=pk).first()
    return session if session is not None and in_helper_window(session, now=now) else None


def helper_sessions(*, branches, now: datetime) -> list[Session]:
    """The helpers' list: the window's scheduled sessions, the latest first."""
    around = _around_the_window(branches=branches, now=now).filter(status=Session.Status.SCHEDULED)
    return [s for s in around.order_by("-starts_at") if in_helper_window(s, now=now)]
