"""Builders for the privacy tests: rows dated in the past (first seen, enrolled, sent), and a
snapshot of every row the purge may touch, to show what changed and what did not."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from attendance.models import Attendance
from bookings.models import Booking
from courses.models import Course, Enrolment
from households.models import Child, Household
from notifications.models import Outbox
from programmes.models import Programme, Room, Series, Session
from tests.factories import (
    AttendanceFactory,
    CourseFactory,
    EnrolmentFactory,
    HouseholdFactory,
    OutboxFactory,
    SeriesFactory,
    SessionFactory,
)
from volunteers.models import Availability, Certificate, Volunteer

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def at(day: date, hour: int = 10) -> datetime:
    """A wall-clock time at the (Copenhagen) branches."""
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


def household(first_seen: datetime, **kwargs) -> Household:
    """A household first seen at ``first_seen`` (``created_at`` is set on insert)."""
    made = HouseholdFactory(privacy_accepted_at=first_seen, **kwargs)
    Household.objects.filter(pk=made.pk).update(created_at=first_seen)
    made.refresh_from_db()
    return made


def session(programme: Programme, room: Room, day: date, *, hours: int = 1, **kwargs) -> Session:
    start = at(day)
    return SessionFactory(
        programme=programme,
        room=room,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        **kwargs,
    )


def came(on: Session, who: Household, attended: bool = True) -> Attendance:
    return AttendanceFactory(session=on, household=who, attended=attended)


def course(programme: Programme, room: Room, days: list[date]) -> Course:
    """A course whose meetings are ``days`` (one a week, the series' own dates)."""
    series: Series = SeriesFactory(
        programme=programme,
        room=room,
        weekdays=[days[0].weekday()],
        start_date=days[0],
        end_date=days[-1],
    )
    for day in days:
        session(programme, room, day, series=series, hours=2)
    return CourseFactory(series=series)


def enrol(on: Course, who: Household, when: datetime, **kwargs) -> Enrolment:
    """An enrolment made (and last changed) at ``when``."""
    made = EnrolmentFactory(course=on, household=who, **kwargs)
    Enrolment.objects.filter(pk=made.pk).update(created_at=when, status_changed_at=when)
    made.refresh_from_db()
    return made


def sent_message(*, sent_at: datetime, **kwargs) -> Outbox:
    row = OutboxFactory(
        status=Outbox.Status.SENT,
        sent_at=sent_at,
        body_html="<p>Hello.</p>",
        attachments=[{"filename": "x.ics", "content": "BEGIN", "mimetype": "text/calendar"}],
        **kwargs,
    )
    Outbox.objects.filter(pk=row.pk).update(created_at=sent_at)
    row.refresh_from_db()
    return row


SNAPSHOT_MODELS = [
    Household,
    Child,
    Booking,
    Enrolment,
    Attendance,
    Outbox,
    Volunteer,
    Certificate,
    Availability,
]


def snapshot() -> dict[str, list[dict]]:
    """Every field of every row the purge may touch, by model."""
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS
    }
