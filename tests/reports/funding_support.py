"""Builders for the funder-report and questionnaire tests: rows written by hand; bookings
are ``tests.bookings.support.book(..., direct=True)``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from attendance.models import Attendance
from courses.models import Course, Enrolment
from households.models import Child, Household
from partners.models import PartnerOrganisation, Partnership
from programmes.models import Branch, Programme, Room, Series, Session
from reports.models import FunderProject, Questionnaire
from tests.factories import (
    AssignmentFactory,
    AttendanceFactory,
    BranchFactory,
    ChildFactory,
    CourseFactory,
    EnrolmentFactory,
    FunderProjectFactory,
    HouseholdFactory,
    ProgrammeFactory,
    ProjectTargetFactory,
    QuestionnaireFactory,
    QuestionnaireItemFactory,
    RoomFactory,
    SeriesFactory,
    SessionFactory,
    ShiftFactory,
)
from volunteers.models import Assignment

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
_numbers = count(1)


def at(day: date, hour: int = 10) -> datetime:
    """A wall-clock time at the (Copenhagen) branches."""
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


def branch(name: str) -> Branch:
    return BranchFactory(name=name, time_zone="Europe/Copenhagen", municipality="Ballerup")


def room(of: Branch) -> Room:
    return RoomFactory(branch=of)


def programme(name: str, mode: str = Programme.BookingMode.BOOKING) -> Programme:
    return ProgrammeFactory(
        name=name,
        booking_mode=mode,
        capacity_unit=Programme.CapacityUnit.FAMILIES,
        min_age_months=0,
        max_age_months=83,
    )


def session(
    of: Programme,
    where: Room,
    day: date,
    *,
    hours: int = 2,
    status: str = Session.Status.SCHEDULED,
    series: Series | None = None,
) -> Session:
    starts_at = at(day)
    return SessionFactory(
        programme=of,
        room=where,
        series=series,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=20,
        status=status,
    )


def course(of: Programme, where: Room, first: date, last: date) -> Course:
    series = SeriesFactory(
        programme=of,
        room=where,
        title=f"Hold {next(_numbers)}",
        weekdays=[first.weekday()],
        start_time=time(10),
        end_time=time(12),
        start_date=first,
        end_date=last,
    )
    return CourseFactory(series=series)


def household(name: str = "") -> Household:
    named = {"name": name} if name else {}
    return HouseholdFactory(privacy_accepted_at=datetime(2025, 1, 1, tzinfo=COPENHAGEN), **named)


def child(of: Household, first_name: str) -> Child:
    return ChildFactory(household=of, first_name=first_name, birth_month=date(2024, 5, 1))


def came(on: Session, who: Household, attended: bool = True) -> Attendance:
    """Attendance recorded at the end of the session."""
    return AttendanceFactory(session=on, household=who, attended=attended)


def enrol(
    on: Course,
    who: Household,
    children: list[Child],
    status: str = Enrolment.Status.ENROLLED,
) -> Enrolment:
    return EnrolmentFactory(course=on, household=who, status=status, children=children)


def volunteers_on(on: Session, *statuses: str) -> list[Assignment]:
    """A shift at the session, one volunteer of Red Barnet on it per status."""
    organisation, _ = PartnerOrganisation.objects.get_or_create(
        slug="red-barnet", defaults={"name": "Red Barnet"}
    )
    partnership, _ = Partnership.objects.get_or_create(
        organisation=organisation,
        programme=on.programme,
        branch=on.room.branch,
        defaults={"starts_on": date(2025, 1, 1)},
    )
    shift = ShiftFactory(session=on, partnership=partnership, required_count=2)
    return [AssignmentFactory(shift=shift, status=status) for status in statuses]


def project(
    *,
    programmes: list[Programme],
    branches: list[Branch],
    starts_on: date = date(2026, 1, 1),
    ends_on: date = date(2026, 12, 31),
    targets: dict[str, int] | None = None,
    name: str = "Sammen om Børn",
) -> FunderProject:
    made = FunderProjectFactory(
        name=name,
        funder="Nordea-fonden",
        starts_on=starts_on,
        ends_on=ends_on,
        programmes=programmes,
        branches=branches,
    )
    for measure, target in (targets or {}).items():
        ProjectTargetFactory(project=made, measure=measure, target=target)
    return made


def questionnaire(of: Programme, *statements: str) -> tuple[Questionnaire, list]:
    made = QuestionnaireFactory(programme=of, title="Trivsel og samspil")
    items = [
        QuestionnaireItemFactory(questionnaire=made, text=text, position=n)
        for n, text in enumerate(statements, start=1)
    ]
    return made, items
