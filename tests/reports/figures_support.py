"""Builders for the impact-report tests: sessions and visits written by hand; bookings are
``tests.bookings.support.book(..., direct=True)``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from attendance.models import Attendance
from households.models import Child, Household
from programmes.models import Branch, Programme, Room, Session
from reports.selectors import Scope, report_scope
from tests.factories import (
    AttendanceFactory,
    BranchFactory,
    ChildFactory,
    HouseholdFactory,
    ProgrammeFactory,
    RoomFactory,
    SessionFactory,
)

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2025, 12, 15, 12, tzinfo=UTC)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A wall-clock time at the (Oslo) branches."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


def branch(name: str) -> Branch:
    return BranchFactory(name=name, time_zone="Europe/Oslo")


def room(of: Branch) -> Room:
    return RoomFactory(branch=of)


def programme(name: str, mode: str = Programme.BookingMode.BOOKING, **kwargs) -> Programme:
    return ProgrammeFactory(name=name, booking_mode=mode, **kwargs)


def session(
    of: Programme,
    where: Room,
    start: datetime,
    *,
    hours: float = 1,
    capacity: int = 10,
    status: str = Session.Status.SCHEDULED,
) -> Session:
    return SessionFactory(
        programme=of,
        room=where,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        capacity=capacity,
        status=status,
    )


def household(name: str = "") -> Household:
    named = {"name": name} if name else {}
    return HouseholdFactory(privacy_accepted_at=NOW - timedelta(days=400), **named)


def child(of: Household, first_name: str, birth_month: date = date(2024, 3, 1)) -> Child:
    return ChildFactory(household=of, first_name=first_name, birth_month=birth_month)


def came(on: Session, who: Household, attended: bool = True) -> Attendance:
    """Attendance recorded at the end of the session."""
    return AttendanceFactory(session=on, household=who, attended=attended)


def scope(
    *branches: Branch,
    starts_on: date = date(2025, 1, 1),
    ends_on: date = date(2025, 12, 31),
    programmes: list[Programme] | None = None,
    now: datetime = NOW,
) -> Scope:
    return report_scope(
        branches=branches,
        programme_ids=[p.pk for p in programmes] if programmes else None,
        starts_on=starts_on,
        ends_on=ends_on,
        now=now,
    )
