"""Builders for the course and drop-in tests: a Småbørnsklub course, a Lektiecafé session."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from courses.models import Course
from courses.services import Referral, enrolment_refer
from households.services import ChildInput
from partners.models import Partnership
from programmes.models import Session
from programmes.services import series_generate_sessions
from tests.factories import (
    CourseFactory,
    PartnershipFactory,
    ProgrammeFactory,
    RoomFactory,
    SeriesFactory,
    SessionFactory,
)


def months_ago(months: int) -> date:
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, 1)


TODDLER = ChildInput(first_name="Amina", birth_month=months_ago(24))


def make_course(*, capacity: int = 2, weeks_before: int = 3, weeks_after: int = 10, room=None):
    """A weekly club meeting on today's weekday, from ``weeks_before`` to ``weeks_after``."""
    programme = ProgrammeFactory(name="Småbørnsklub", course=True)
    today = timezone.localdate()
    series = SeriesFactory(
        programme=programme,
        room=room or RoomFactory(),
        weekdays=[today.weekday()],
        start_date=today - timedelta(weeks=weeks_before),
        end_date=today + timedelta(weeks=weeks_after),
        start_time=time(0, 30),
        end_time=time(1, 30),
    )
    series_generate_sessions(series=series)
    return CourseFactory(series=series, capacity=capacity)


def make_partnership(course: Course) -> Partnership:
    return PartnershipFactory(
        organisation__name="Red Barnet",
        organisation__slug="red-barnet",
        programme=course.series.programme,
        branch=course.series.room.branch,
        starts_on=timezone.localdate() - timedelta(days=365),
    )


def refer(course: Course, email: str = "fatima@example.com", *, children=None, **kwargs):
    return enrolment_refer(
        course_id=course.pk,
        referral=Referral(
            name=email.split("@")[0].title(),
            email=email,
            language="en",
            children=children or [TODDLER],
            referrer_name="Lene Holm",
            referrer_role="health_visitor",
            wants_followups=kwargs.pop("wants_followups", True),
        ),
        **kwargs,
    )


def lektiecafe_session(*, starts_at: datetime | None = None, room=None) -> Session:
    programme = ProgrammeFactory(name="Lektiecafé", drop_in=True)
    start = starts_at or timezone.now() - timedelta(minutes=30)
    kwargs = {"room": room} if room else {}
    return SessionFactory(
        programme=programme, starts_at=start, ends_at=start + timedelta(hours=3), **kwargs
    )
