"""Reads about bookings that are more than one line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from programmes.models import Course, Session

from .models import Booking, Enrolment, Household

# An offered place is held for the family until it answers; an enrolled one is theirs.
HOLDING_PLACE = (Enrolment.Status.OFFERED, Enrolment.Status.ENROLLED)
# Families who come to the meetings (and are followed up after the course).
TAKING_PART = (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED)


def coming_series_sessions(*, series, now):
    """The scheduled sessions still to come of a series (or a queryset of series): what
    cancelling a series cancels."""
    lookup = "series__in" if hasattr(series, "model") else "series"
    return Session.objects.filter(
        **{lookup: series}, status=Session.Status.SCHEDULED, starts_at__gt=now
    )


def takes_walk_ins(session: Session) -> bool:
    """Families who came without booking are added at sessions with booking only (drop-in
    sessions count heads; course meetings are for the enrolled families)."""
    return session.programme.booking_mode == session.programme.BookingMode.BOOKING


def waitlist_position(*, booking: Booking) -> int | None:
    """1 for the first in line; None when the booking is not waiting."""
    if booking.status != Booking.Status.WAITLISTED:
        return None
    ahead = booking.session.bookings.filter(status=Booking.Status.WAITLISTED).filter(
        Q(waitlisted_at__lt=booking.waitlisted_at)
        | Q(waitlisted_at=booking.waitlisted_at, pk__lt=booking.pk)
    )
    return ahead.count() + 1


def household_bookings(*, household, now=None) -> tuple[list[Booking], list[Booking]]:
    """The household's live bookings still to come, and its bookings of the past."""
    now = now or timezone.now()
    bookings = list(
        household.bookings.select_related("session__programme", "session__room__branch")
        .prefetch_related("children")
        .order_by("session__starts_at")
    )
    upcoming = [
        b for b in bookings if b.session.ends_at >= now and b.status != Booking.Status.CANCELLED
    ]
    past = [b for b in bookings if b.session.ends_at < now]
    return upcoming, past


def enrolment_waitlist_position(*, enrolment: Enrolment) -> int | None:
    """1 for the first family in the course's line; None when the family is not waiting."""
    if enrolment.status != Enrolment.Status.WAITLISTED:
        return None
    ahead = Enrolment.objects.filter(
        course_id=enrolment.course_id, status=Enrolment.Status.WAITLISTED
    ).filter(
        Q(waitlisted_at__lt=enrolment.waitlisted_at)
        | Q(waitlisted_at=enrolment.waitlisted_at, pk__lt=enrolment.pk)
    )
    return ahead.count() + 1


def course_places_taken(*, course: Course) -> int:
    return Enrolment.objects.filter(course=course, status__in=HOLDING_PLACE).count()


def course_meetings(*, course: Course, now=None) -> list[Session]:
    """The course's meetings still to come (not cancelled), first first."""
    return list(
        course.series.sessions.filter(
            status=Session.Status.SCHEDULED, ends_at__gte=now or timezone.now()
        ).select_related("programme", "room__branch")
    )


def courses_open_for_referral(*, programme, branch, today=None):
    """Courses of the programme at the branch that have not ended yet, the soonest first."""
    return (
        Course.objects.filter(
            series__programme=programme,
            series__room__branch=branch,
            series__end_date__gte=today or timezone.localdate(),
        )
        .select_related("series__programme", "series__room__branch")
        .order_by("series__start_date", "pk")
    )


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


def session_course(session: Session) -> Course | None:
    """The course a session is a meeting of, if its series is one."""
    return Course.objects.filter(series_id=session.series_id).first() if session.series_id else None


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


def helper_sessions(*, branches, today: date, days_back: int = 6):
    """Sessions at the branches from a few days ago up to today, the latest first."""
    return (
        Session.objects.filter(
            room__branch__in=branches,
            status=Session.Status.SCHEDULED,
            starts_at__date__gte=today - timedelta(days=days_back),
            starts_at__date__lte=today,
        )
        .select_related("programme", "room__branch")
        .order_by("-starts_at")
    )
