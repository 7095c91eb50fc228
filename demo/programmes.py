"""Demo schedule: the seed documents' branches and programmes, with invented people.

Everything is keyed by a natural key (slug, name), so loading twice changes nothing, and
loading on a later day extends the series to cover the months ahead of that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model

from courses.models import Course
from programmes.goals import ensure_goals
from programmes.models import (
    COUNTRY_OF_TIME_ZONE,
    Branch,
    BranchMembership,
    Programme,
    Room,
    Series,
    SeriesExclusion,
    StrategyTrack,
    SustainableDevelopmentGoal,
)
from programmes.roles import ensure_helper_group, ensure_librarian_group
from programmes.services import GenerationResult, series_generate_sessions

DEMO_PASSWORD = "familieliv"  # noqa: S105 — demo logins, named in the README

BRANCHES = [
    # slug, name, municipality, address, time zone, language, rooms (name, capacity)
    (
        "sandvika",
        "Bærum bibliotek Sandvika",
        "Bærum",
        "Sandvika",
        "Europe/Oslo",
        "nb",
        [("Luftslottet", 40), ("Verkstedet", 20)],
    ),
    (
        "bekkestua",
        "Bærum bibliotek Bekkestua",
        "Bærum",
        "Bekkestua",
        "Europe/Oslo",
        "nb",
        [("Barnerommet", 30)],
    ),
    (
        "aarhus-hovedbiblioteket",
        "Aarhus Hovedbiblioteket",
        "Aarhus",
        "Aarhus C",
        "Europe/Copenhagen",
        "da",
        [("Lektiecaféen", 50), ("Børnenes scene", 80)],
    ),
    (
        "ballerup",
        "Ballerup Bibliotek",
        "Ballerup",
        "Ballerup",
        "Europe/Copenhagen",
        "da",
        [("Familierummet", 30), ("Legesalen", 60)],
    ),
]

# Ballerup's strategy 2020–2023: three tracks, each tied to UN goals (seed 001).
STRATEGY_TRACKS = [
    ("Læsning, dannelse og kultur", [3, 4, 10, 17]),
    ("Læring, teknologiglæde og skaberkultur", [3, 4, 8, 9, 10, 17]),
    ("Den aktive borger, relationer og bæredygtige løsninger", [3, 7, 8, 9, 11, 13, 17]),
]

LIBRARIANS = [
    # username, first name, last name, branches
    ("baerum", "Ingrid", "Solheim", ["sandvika", "bekkestua"]),
    ("aarhus", "Mette", "Kjærgaard", ["aarhus-hovedbiblioteket"]),
    ("ballerup", "Sofie", "Lindqvist", ["ballerup"]),
]
# Session helpers sign in on the site (not the admin) to check families in and count pupils.
HELPERS = [
    # username, first name, last name, branches
    ("frivillig", "Asta", "Frivillig", ["ballerup", "aarhus-hovedbiblioteket"]),
]


@dataclass(frozen=True)
class ProgrammeSpec:
    slug: str
    name: str
    kind: str
    summary: str
    track: str
    goals: tuple[int, ...]
    booking_mode: str = Programme.BookingMode.BOOKING
    capacity_unit: str = Programme.CapacityUnit.CHILDREN
    default_capacity: int = 15
    min_age_months: int | None = None
    max_age_months: int | None = None
    min_grade: int | None = None
    max_grade: int | None = None
    audience_basis: str = Programme.AudienceBasis.AGE_MONTHS


PROGRAMMES = [
    ProgrammeSpec(
        slug="babydans",
        name="Babydans",
        kind=Programme.Kind.BABY,
        summary="Dans og bevegelse for foreldre med babyer fra 3 måneder til ett år. "
        "Frukt, kaffe og te etterpå – bli gjerne en stund.",
        track="Læsning, dannelse og kultur",
        goals=(3, 4, 10),
        min_age_months=3,
        max_age_months=12,
        default_capacity=15,
    ),
    ProgrammeSpec(
        slug="rim-og-regler",
        name="Rim og regler",
        kind=Programme.Kind.STORYTIME,
        summary="Sanger, rim og regler for de minste, fra ett til tre år.",
        track="Læsning, dannelse og kultur",
        goals=(4,),
        capacity_unit=Programme.CapacityUnit.FAMILIES,
        default_capacity=12,
        min_age_months=12,
        max_age_months=35,
    ),
    ProgrammeSpec(
        slug="lektiecafe",
        name="Lektiecafé",
        kind=Programme.Kind.HOMEWORK,
        summary="Gratis lektiehjælp for elever i 8.–10. klasse. Kom bare – "
        "frivillige lektiehjælpere fra Red Barnet Ungdom er klar.",
        track="Læring, teknologiglæde og skaberkultur",
        goals=(4, 10, 17),
        booking_mode=Programme.BookingMode.DROP_IN,
        default_capacity=40,
        audience_basis=Programme.AudienceBasis.SCHOOL_GRADE,
        min_grade=8,
        max_grade=10,
    ),
    ProgrammeSpec(
        slug="smaabornsklub",
        name="Småbørnsklub",
        kind=Programme.Kind.FAMILY_CLUB,
        summary="Et halvt års ugentlige klubmøder for småbørnsfamilier, "
        "med frivillige fra Red Barnet. Familier henvises af en fagperson.",
        track="Den aktive borger, relationer og bæredygtige løsninger",
        goals=(3, 10, 17),
        booking_mode=Programme.BookingMode.COURSE,
        capacity_unit=Programme.CapacityUnit.FAMILIES,
        default_capacity=10,
        min_age_months=0,
        max_age_months=83,
    ),
    ProgrammeSpec(
        slug="legelordage",
        name="Legelørdage",
        kind=Programme.Kind.PLAY,
        summary="Leg for børn fra 0 til 6 år og deres forældre – en del af Sammen om Børn.",
        track="Den aktive borger, relationer og bæredygtige løsninger",
        goals=(3, 4, 11),
        capacity_unit=Programme.CapacityUnit.FAMILIES,
        default_capacity=20,
        min_age_months=0,
        max_age_months=83,
    ),
]

FAMILY_PATH = {"babydans": ["rim-og-regler", "legelordage"], "rim-og-regler": ["legelordage"]}


@dataclass(frozen=True)
class SeriesSpec:
    programme: str
    branch: str
    room: str
    title: str
    weekdays: tuple[int, ...]
    start: time
    end: time
    starts_weeks: int  # weeks from today the series starts (negative: already running)
    weeks: int


SERIES = [
    SeriesSpec("babydans", "sandvika", "Luftslottet", "Onsdager", (2,), time(11), time(12), -3, 19),
    SeriesSpec(
        "babydans", "bekkestua", "Barnerommet", "Torsdager", (3,), time(10, 30), time(11, 30), 0, 12
    ),
    SeriesSpec(
        "rim-og-regler",
        "sandvika",
        "Luftslottet",
        "Onsdager",
        (2,),
        time(12, 30),
        time(13, 15),
        0,
        16,
    ),
    SeriesSpec(
        "lektiecafe",
        "aarhus-hovedbiblioteket",
        "Lektiecaféen",
        "Vinter/forår",
        (0, 2, 3),
        time(15),
        time(18),
        -2,
        18,
    ),
    SeriesSpec(
        "smaabornsklub",
        "ballerup",
        "Familierummet",
        "Hold 1",
        (1,),
        time(9, 30),
        time(11, 30),
        -8,
        26,
    ),
    SeriesSpec(
        "legelordage", "ballerup", "Legesalen", "Sammen om Børn", (5,), time(10), time(12), 0, 14
    ),
]

CHRISTMAS_CLOSED = "Jul og nytår"


def christmas_closures(start: date, end: date) -> list[tuple[date, date]]:
    """The Christmas closure (23 Dec – 1 Jan) of each year the range touches, as ranges."""
    closures = []
    for year in range(start.year - 1, end.year + 1):
        first, last = date(year, 12, 23), date(year + 1, 1, 1)
        if first <= end and last >= start:
            closures.append((first, last))
    return closures


def load_schedule(*, today: date) -> dict[str, list[GenerationResult]]:
    ensure_goals(SustainableDevelopmentGoal)
    goals = {g.number: g for g in SustainableDevelopmentGoal.objects.all()}
    tracks = {}
    for name, numbers in STRATEGY_TRACKS:
        track, _ = StrategyTrack.objects.get_or_create(name=name)
        track.goals.set([goals[n] for n in numbers])
        tracks[name] = track

    branches, rooms = {}, {}
    for slug, name, municipality, address, zone, language, room_specs in BRANCHES:
        branch, _ = Branch.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "municipality": municipality,
                "address": address,
                "time_zone": zone,
                "language": language,
                "country": COUNTRY_OF_TIME_ZONE.get(zone, ""),
            },
        )
        branches[slug] = branch
        for room_name, capacity in room_specs:
            rooms[slug, room_name], _ = Room.objects.update_or_create(
                branch=branch, name=room_name, defaults={"capacity": capacity}
            )

    programmes = {}
    for spec in PROGRAMMES:
        programme, _ = Programme.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "summary": spec.summary,
                "audience_basis": spec.audience_basis,
                "min_age_months": spec.min_age_months,
                "max_age_months": spec.max_age_months,
                "min_grade": spec.min_grade,
                "max_grade": spec.max_grade,
                "booking_mode": spec.booking_mode,
                "capacity_unit": spec.capacity_unit,
                "default_capacity": spec.default_capacity,
                "strategy_track": tracks[spec.track],
            },
        )
        programme.goals.set([goals[n] for n in spec.goals])
        programmes[spec.slug] = programme
    for slug, following in FAMILY_PATH.items():
        programmes[slug].next_programmes.set([programmes[s] for s in following])

    # Each programme is run by the branches of its series.
    for slug, programme in programmes.items():
        programme.owners.set({branches[spec.branch] for spec in SERIES if spec.programme == slug})

    results: dict[str, list[GenerationResult]] = {}
    for series_spec in SERIES:
        start_date = today + timedelta(weeks=series_spec.starts_weeks)
        end_date = start_date + timedelta(weeks=series_spec.weeks)
        series, _ = Series.objects.update_or_create(
            programme=programmes[series_spec.programme],
            room=rooms[series_spec.branch, series_spec.room],
            title=series_spec.title,
            defaults={
                "weekdays": list(series_spec.weekdays),
                "start_time": series_spec.start,
                "end_time": series_spec.end,
                "start_date": start_date,
                "end_date": end_date,
            },
        )
        for first, last in christmas_closures(start_date, end_date):
            SeriesExclusion.objects.get_or_create(
                series=series,
                start_date=first,
                defaults={"end_date": last, "reason": CHRISTMAS_CLOSED},
            )
        results.setdefault(series_spec.programme, []).append(
            series_generate_sessions(series=series)
        )
        if series.programme.booking_mode == Programme.BookingMode.COURSE:
            Course.objects.get_or_create(series=series, defaults={"capacity": 10})

    load_librarians(branches=branches)
    return results


def load_librarians(*, branches: dict[str, Branch]) -> None:
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@familieliv.invalid"},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    _load_users(LIBRARIANS, group=ensure_librarian_group(), staff=True, branches=branches)
    _load_users(HELPERS, group=ensure_helper_group(), staff=False, branches=branches)


def _load_users(people, *, group, staff: bool, branches: dict[str, Branch]) -> None:
    User = get_user_model()
    for username, first, last, branch_slugs in people:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": staff,
                "email": f"{username}@familieliv.invalid",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(group)
        for slug in branch_slugs:
            BranchMembership.objects.get_or_create(user=user, branch=branches[slug])
