from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import (
    Max,
    Q,
)
from django.utils import timezone

from courses.messages import COURSE_END_KEY, course_end_message
from courses.models import Course, Enrolment
from courses.selectors import TAKING_PART
from courses.services import course_complete, enrolment_expire_offer, offer_has_expired
from households.selectors import PathOffers
from notifications.planning import write_all
from programmes.models import Session

COURSE_END_WINDOW = timedelta(days=14)


def _courses_ended(now: datetime):
    """Courses whose last meeting (not cancelled) ended within the window."""
    return Course.objects.annotate(
        last_end=Max(
            "series__sessions__ends_at",
            filter=Q(series__sessions__status=Session.Status.SCHEDULED),
        )
    ).filter(last_end__lte=now, last_end__gt=now - COURSE_END_WINDOW)


def course_completions_due(*, now: datetime | None = None) -> int:
    """Mark who completed the courses that just ended, before their end-of-course message."""
    now = now or timezone.now()
    ended = _courses_ended(now).filter(enrolments__status=Enrolment.Status.ENROLLED).distinct()
    return sum(course_complete(course_id=pk, now=now) for pk in ended.values_list("pk", flat=True))


def course_ends_due(*, now: datetime | None = None) -> int:
    """Courses whose last meeting ended lately: thanks, and where the family can go next."""
    now = now or timezone.now()
    ended = _courses_ended(now)
    enrolments = (
        Enrolment.objects.filter(
            course__in=ended,
            status__in=TAKING_PART,
            household__consents_to_followups=True,
        )
        .filter(COURSE_END_KEY.not_written())
        .select_related("household", "course__series__programme", "course__series__room__branch")
        .prefetch_related("children")
    )
    offers = PathOffers(now)
    messages = []
    for e in enrolments:
        found = offers.next_or_at_branch(
            programme=e.course.series.programme,
            branch=e.course.series.room.branch,
            children=list(e.children.all()),
        )
        if found:  # nothing to invite to yet: a later run in the window may find sessions
            messages.append(course_end_message(enrolment=e, offers=found))
    return write_all(messages)


def offers_expired_due(*, now: datetime | None = None) -> int:
    """Offers not answered in their course's time: the place moves on (and the family is
    told, by the service)."""
    now = now or timezone.now()
    # At least a day old; each course's own offer_days is the service's rule.
    open_offers = Enrolment.objects.filter(
        status=Enrolment.Status.OFFERED, offered_at__lte=now - timedelta(days=1)
    ).select_related("course")
    expired = [e.pk for e in open_offers if offer_has_expired(e, now)]
    for pk in expired:
        enrolment_expire_offer(enrolment_id=pk, now=now)
    return len(expired)


def plan_course_messages(*, now: datetime | None = None) -> dict[str, int]:
    """Every course planner once, completions before the end-of-course message; the
    periodic task's body."""
    now = now or timezone.now()
    return {
        "course_offers_expired": offers_expired_due(now=now),
        "course_completions": course_completions_due(now=now),
        "course_ends": course_ends_due(now=now),
    }
