from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from courses.models import Course, Enrolment
from programmes.models import Session

# An offered place is held for the family until it answers; an enrolled one is theirs.
HOLDING_PLACE = (Enrolment.Status.OFFERED, Enrolment.Status.ENROLLED)


# Families who come to the meetings (and are followed up after the course).
TAKING_PART = (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED)


def taking_part_at(*, course: Course, session: Session):
    """The families expected at one of the course's meetings: enrolled before it ended.

    A family that joins in February is not on December's lists, cannot be marked as having
    come to them, and its completion counts only the meetings since (meetings_since).
    """
    return course.enrolments.filter(status__in=TAKING_PART, enrolled_at__lt=session.ends_at)


def meetings_since(meetings: list[Session], enrolment: Enrolment) -> list[Session]:
    """The meetings a family could come to: those that ended after it joined."""
    joined = enrolment.enrolled_at
    return [m for m in meetings if joined is not None and m.ends_at > joined]


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


def session_course(session: Session) -> Course | None:
    """The course a session is a meeting of, if its series is one."""
    return Course.objects.filter(series_id=session.series_id).first() if session.series_id else None
