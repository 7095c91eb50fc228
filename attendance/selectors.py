from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bookings.models import Booking
from courses.selectors import TAKING_PART, session_course
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
            enrolments__course=course, enrolments__status__in=TAKING_PART
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
            course.enrolments.filter(status__in=TAKING_PART)
            .select_related("household")
            .prefetch_related("children")
            .order_by("household__name")
        )
        rows = [(e.household, e.children.all(), 1) for e in enrolments]
    else:
        bookings = (
            session.bookings.filter(status=Booking.Status.CONFIRMED)
            .select_related("household")
            .prefetch_related("children")
            .order_by("household__name")
        )
        rows = [(b.household, b.children.all(), b.places) for b in bookings]
    return [
        CheckInRow(
            household_id=household.pk,
            name=household.name,
            children=[child.first_name for child in children],
            party=party,
            attended=marks.get(household.pk),
        )
        for household, children, party in rows
    ]


# The helpers' window: sessions from this many days ago up to today. The helper pages list
# them, open only them (any other is not found), and record who came only in them
# (attendance.services.check_in_window); older corrections are the library's, in the admin.
HELPER_DAYS_BACK = 6


def helper_window(*, branches, today: date):
    """Sessions at the branches from HELPER_DAYS_BACK days ago up to today, cancelled ones
    too (their page says so)."""
    return Session.objects.filter(
        room__branch__in=branches,
        starts_at__date__gte=today - timedelta(days=HELPER_DAYS_BACK),
        starts_at__date__lte=today,
    ).select_related("programme", "room__branch")


def helper_sessions(*, branches, today: date):
    """The helpers' list: the window's scheduled sessions, the latest first."""
    return (
        helper_window(branches=branches, today=today)
        .filter(status=Session.Status.SCHEDULED)
        .order_by("-starts_at")
    )
