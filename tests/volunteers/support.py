"""Builders for the volunteer tests: a Lektiecafé term staffed by Red Barnet Ungdom."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from partners.models import ContactPerson, PartnerOrganisation, Partnership
from programmes.models import Programme, Series, Session
from programmes.services import series_generate_sessions
from tests.factories import (
    AvailabilityFactory,
    CertificateFactory,
    ContactPersonFactory,
    PartnershipFactory,
    ProgrammeFactory,
    RoomFactory,
    SeriesFactory,
    SubjectFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers.models import Shift, Volunteer


def lektiecafe_programme() -> Programme:
    return ProgrammeFactory(name="Lektiecafé", kind=Programme.Kind.HOMEWORK, drop_in=True)


def lektiecafe_series(
    *, weekdays=(0, 2, 3), weeks: int = 4, room=None, programme=None, first: date | None = None
) -> Series:
    """Afternoons 15–18 on the weekdays, from next Monday for ``weeks`` weeks."""
    today = timezone.localdate()
    first = first or today + timedelta(days=7 - today.weekday())
    series = SeriesFactory(
        programme=programme or lektiecafe_programme(),
        room=room or RoomFactory(),
        weekdays=list(weekdays),
        start_date=first,
        end_date=first + timedelta(weeks=weeks, days=-1),
        start_time=time(15),
        end_time=time(18),
    )
    series_generate_sessions(series=series)
    return series


def organisation(name: str = "Red Barnet Ungdom") -> PartnerOrganisation:
    slug = name.lower().replace(" ", "-")
    return PartnerOrganisation.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def coordinator(org: PartnerOrganisation, username: str = "coordinator") -> ContactPerson:
    return ContactPersonFactory(
        organisation=org,
        user=UserFactory(username=username),
        name=f"{username.title()} Coordinator",
        email=f"{username}@example.org",
        phone="+45 11 22 33 44",
        language="en",  # assertions read English
    )


def partnership_for(
    series: Series, org: PartnerOrganisation | None = None, *, coordinators=(), library_contact=None
) -> Partnership:
    return PartnershipFactory(
        organisation=org or organisation(),
        programme=series.programme,
        branch=series.room.branch,
        starts_on=timezone.localdate() - timedelta(days=365),
        library_contact=library_contact,
        coordinators=coordinators,
    )


def shifts_for(series: Series, partnership: Partnership, *, required: int = 2) -> list[Shift]:
    from volunteers.services import shifts_create_for_series

    shifts_create_for_series(series=series, partnership=partnership, required_count=required)
    return list(
        Shift.objects.filter(session__series=series).select_related(
            "session__programme", "session__room__branch", "partnership__organisation"
        )
    )


# A Danish mobile number, stored as E.164 and shown in the international format.
PHONE = "+45 22 34 56 78"


def volunteer(
    org: PartnerOrganisation,
    name: str = "Sofie Lund",
    *,
    status: str = Volunteer.Status.ACTIVE,
    certified_until: date | None = date(2099, 1, 1),
    subjects: tuple[str, ...] = (),
    available: tuple[int, ...] = (0, 1, 2, 3, 4),
) -> Volunteer:
    """A volunteer with a certificate valid until ``certified_until`` (None: none at all),
    available 14–19 on the given weekdays."""
    email = f"{name.split()[0].lower()}@example.com"
    if Volunteer.objects.filter(organisation=org, email=email).exists():
        # One address per volunteer in an organisation: "Volunteer 1", "Volunteer 2"...
        email = f"{name.lower().replace(' ', '.')}@example.com"
    person = VolunteerFactory(
        organisation=org,
        name=name,
        email=email,
        phone=PHONE,
        status=status,  # active ones joined 200 days ago
        subjects=[SubjectFactory(name=subject) for subject in subjects],
    )
    if certified_until is not None:
        CertificateFactory(
            volunteer=person,
            checked_on=min(certified_until, timezone.localdate()) - timedelta(days=30),
            valid_until=certified_until,
        )
    for day in available:
        AvailabilityFactory(volunteer=person, weekday=day, starts_at=time(14), ends_at=time(19))
    return person


def first_session(series: Series) -> Session:
    return series.sessions.order_by("starts_at").first()


def at(session: Session, hours: float) -> datetime:
    """A moment ``hours`` before the session starts (negative: after)."""
    return session.starts_at - timedelta(hours=hours)
