"""Demo volunteers (invented people): Red Barnet Ungdom's student homework helpers at the
Lektiecafé in Aarhus and Red Barnet's club volunteers at the Småbørnsklub in Ballerup.

The Lektiecafé shows what a coordinator meets on a real Monday: afternoons so far staffed
(one volunteer did not come), a coming week with one shift full, one short and one with
nobody yet, certificates about to expire and one expired (with shifts planned past both
ends, flagged), two new volunteers being welcomed, and an experience meeting with
invitations out.

Dates are counted from today and rows are keyed by natural keys (e-mail, shift and
volunteer), so loading again the same day changes nothing and a later day adds the new
sessions' shifts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from partners.models import ContactPerson, Partnership
from programmes.models import Session
from volunteers.meetings import meeting_invite, meeting_respond
from volunteers.models import (
    Assignment,
    Availability,
    Certificate,
    ExperienceMeeting,
    MeetingInvitation,
    Onboarding,
    Shift,
    Subject,
    Volunteer,
)
from volunteers.services import AssignmentError, shifts_create_for_series, volunteer_join

MATHS, DANISH, ENGLISH, SCIENCE, GERMAN = "Matematik", "Dansk", "Engelsk", "Fysik/kemi", "Tysk"
SUBJECTS = (MATHS, DANISH, ENGLISH, SCIENCE, GERMAN)
MON, TUE, WED, THU = 0, 1, 2, 3


@dataclass(frozen=True)
class Person:
    name: str
    status: str
    joined_days_ago: int | None
    subjects: tuple[str, ...] = ()
    # (weekday, from, until)
    availability: tuple[tuple[int, time, time], ...] = ()
    # Days from today the certificate is valid until (negative: expired); None: none yet.
    certificate_days: int | None = 600
    languages: str = "Dansk, engelsk"
    left_days_ago: int | None = None


def afternoons(*days: int, until: time = time(18, 30)) -> tuple[tuple[int, time, time], ...]:
    return tuple((day, time(14, 30), until) for day in days)


ACTIVE, NEW, PAUSED, LEFT = (
    Volunteer.Status.ACTIVE,
    Volunteer.Status.ONBOARDING,
    Volunteer.Status.PAUSED,
    Volunteer.Status.LEFT,
)

STUDENTS = [
    Person("Freja Mølgaard", ACTIVE, 540, (MATHS, SCIENCE), afternoons(MON, WED, THU)),
    Person("Mathias Overgaard", ACTIVE, 420, (MATHS, ENGLISH), afternoons(MON, WED)),
    Person("Ida Kjeldsen", ACTIVE, 400, (DANISH, ENGLISH), afternoons(WED, THU), 25),
    Person("Oliver Bech", ACTIVE, 380, (MATHS, GERMAN), afternoons(MON, THU)),
    Person("Laura Skovbo", ACTIVE, 300, (DANISH, GERMAN), afternoons(MON, WED, THU)),
    Person("Emil Thygesen", ACTIVE, 260, (SCIENCE, MATHS), afternoons(THU), 50),
    Person(
        "Sara Ahmadi",
        ACTIVE,
        240,
        (ENGLISH, DANISH),
        afternoons(MON, WED),
        languages="Dansk, engelsk, farsi",
    ),
    Person("Magnus Dalsgaard", ACTIVE, 200, (MATHS,), afternoons(WED, THU)),
    # Only until five on Mondays: ranked below those who can stay the whole afternoon.
    Person("Clara Winther", ACTIVE, 150, (ENGLISH, GERMAN), afternoons(MON, until=time(17))),
    # Active, but the certificate ended last month: the shifts he was asked for while it held
    # are flagged and count as not filled (_keep_planned).
    Person("Noah Friis-Hansen", ACTIVE, 120, (SCIENCE,), afternoons(MON, WED, THU), -25),
    Person(
        "Yusuf Demir",
        ACTIVE,
        90,
        (MATHS, ENGLISH),
        afternoons(MON, THU),
        languages="Dansk, tyrkisk, engelsk",
    ),
    Person("Alberte Krogh", NEW, None, (DANISH,), afternoons(WED, THU)),
    Person("Karla Lindholm", PAUSED, 330, (DANISH, ENGLISH), afternoons(MON)),
    Person("Victor Brandt", LEFT, 480, (MATHS,), afternoons(MON, WED), left_days_ago=30),
    # Joins today: the welcome message goes out and the checklist opens.
    Person("Asta Gregersen", NEW, None, (ENGLISH, MATHS), afternoons(WED), None),
]

CLUB_VOLUNTEERS = [
    Person("Birgitte Vestergaard", ACTIVE, 700, (), ((TUE, time(9), time(12)),), 500, "Dansk"),
    Person("Hanne Mikkelsen", ACTIVE, 420, (), ((TUE, time(9), time(12)),), 400, "Dansk"),
    Person("Lars Damgaard", ACTIVE, 380, (), ((TUE, time(9), time(12)),), 300, "Dansk, engelsk"),
    Person("Mona Haddad", ACTIVE, 200, (), ((TUE, time(9), time(12)),), 600, "Dansk, arabisk"),
    Person("Jette Nørskov", ACTIVE, 60, (), ((TUE, time(9), time(12)),), 700, "Dansk"),
]

# Which weekday's Lektiecafé wants which subjects.
WANTED = {MON: (MATHS, ENGLISH), WED: (DANISH, GERMAN), THU: (SCIENCE, MATHS)}


def _email(name: str) -> str:
    first, *rest = name.lower().replace("ø", "o").replace("æ", "ae").replace("å", "aa").split()
    return f"{first}.{rest[-1]}@frivillig.familieliv.invalid"


def _load_people(
    people: list[Person], *, partnership: Partnership, coordinator: ContactPerson, today: date
) -> list[Volunteer]:
    subjects = {name: Subject.objects.get_or_create(name=name)[0] for name in SUBJECTS}
    loaded = []
    for n, person in enumerate(people):
        joined = today - timedelta(days=person.joined_days_ago) if person.joined_days_ago else None
        left = today - timedelta(days=person.left_days_ago) if person.left_days_ago else None
        details = {
            "organisation": partnership.organisation,
            "name": person.name,
            "phone": f"+45 2{n % 10} {10 + n:02d} {30 + n:02d} {partnership.pk:02d}",
            "language": "da",
            "languages": person.languages,
            "applied_on": (joined or today) - timedelta(days=21),
            "joined_on": joined,
            "paused_on": today - timedelta(days=14) if person.status == PAUSED else None,
            "left_on": left,
        }
        if joined is None:
            # Still being welcomed: the welcome (below) moves them on from applicant.
            volunteer, created = Volunteer.objects.update_or_create(
                email=_email(person.name),
                defaults=details,
                create_defaults={**details, "status": Volunteer.Status.APPLICANT},
            )
        else:
            volunteer, created = Volunteer.objects.update_or_create(
                email=_email(person.name), defaults={**details, "status": person.status}
            )
        volunteer.subjects.set([subjects[name] for name in person.subjects])
        if created:
            Availability.objects.bulk_create(
                Availability(volunteer=volunteer, weekday=day, starts_at=start, ends_at=end)
                for day, start, end in person.availability
            )
        if person.certificate_days is not None:
            until = today + timedelta(days=person.certificate_days)
            Certificate.objects.update_or_create(
                volunteer=volunteer,
                kind=Certificate.Kind.BOERNEATTEST,
                defaults={
                    "checked_on": min(until, today) - timedelta(days=700),
                    "checked_by": coordinator.user,
                    "valid_until": until,
                    "notes": "Børneattest uden anmærkninger.",
                },
            )
        if joined is None:
            # Welcomed today: the checklist opens and the welcome message is sent (once).
            onboarding = volunteer_join(
                volunteer=volunteer, partnership=partnership, by=coordinator.user
            )
            if person.status == NEW and person.certificate_days is not None:
                Onboarding.objects.filter(pk=onboarding.pk).update(
                    met_contact_on=today - timedelta(days=3),
                    certificate_checked_on=today - timedelta(days=3),
                )
        else:
            Onboarding.objects.update_or_create(
                volunteer=volunteer,
                partnership=partnership,
                defaults={
                    "met_contact_on": joined - timedelta(days=14),
                    "toured_on": joined - timedelta(days=14),
                    "certificate_checked_on": joined - timedelta(days=10),
                    "first_shift_on": joined,
                    "started_at": timezone.make_aware(
                        datetime.combine(joined - timedelta(days=14), time(16))
                    ),
                },
            )
        loaded.append(volunteer)
    # The newcomers' first shift is with the longest-serving volunteer.
    Onboarding.objects.filter(
        volunteer__in=[v for v in loaded if v.status == NEW], mentor=None
    ).update(mentor=loaded[0])
    return loaded


def _staff(
    shift: Shift,
    pool: list[Volunteer],
    statuses: Sequence[str],
    *,
    by,
    offset: int,
) -> None:
    """Volunteers from the pool on the shift with the given statuses, rotating by offset."""
    if shift.assignments.exists():
        return
    day = shift.session.local_start.date()
    fit = [v for v in pool if _certified(v, day)]
    if not fit:
        return
    chosen = [fit[(offset + n) % len(fit)] for n in range(len(statuses))]
    Assignment.objects.bulk_create(
        Assignment(
            shift=shift,
            volunteer=volunteer,
            status=status,
            changed_by=by,
            changed_at=min(timezone.now(), shift.session.ends_at),
            told_starts_at=shift.session.starts_at,
        )
        for volunteer, status in zip(dict.fromkeys(chosen), statuses, strict=False)
    )


def _certified(volunteer: Volunteer, day: date) -> bool:
    return any(c.is_valid_on(day) for c in volunteer.certificates.all())


def _pool(volunteers: list[Volunteer], shift: Shift) -> list[Volunteer]:
    """Those who can take shifts, the ones who can come that weekday first."""
    weekday = shift.session.local_start.weekday()
    able = [v for v in volunteers if v.status in (ACTIVE, NEW)]
    return sorted(
        able, key=lambda v: (not any(a.weekday == weekday for a in v.availability.all()), v.name)
    )


def _planned(partnership: Partnership) -> datetime:
    """The demo's history has shifts on the afternoons already held too: as if the term
    was planned when the partnership began."""
    return datetime.combine(partnership.starts_on, time(), tzinfo=partnership.branch.zone)


def _load_lektiecafe(*, partnership: Partnership, coordinator: ContactPerson, today: date) -> int:
    students = _load_people(STUDENTS, partnership=partnership, coordinator=coordinator, today=today)
    series = partnership.programme.series.filter(room__branch=partnership.branch).first()
    if series is None:
        return 0
    shifts_create_for_series(
        series=series, partnership=partnership, required_count=3, now=_planned(partnership)
    )
    shifts = list(
        Shift.objects.filter(session__series=series, partnership=partnership)
        .filter(session__status=Session.Status.SCHEDULED)
        .select_related("session__room__branch")
        .order_by("session__starts_at")
    )
    subjects = {s.name: s for s in Subject.objects.all()}
    for shift in shifts:
        wanted = WANTED.get(shift.session.local_start.weekday(), ())
        if not shift.wanted_subjects.exists():
            shift.wanted_subjects.set([subjects[name] for name in wanted])

    now = timezone.now()
    students = list(
        Volunteer.objects.filter(pk__in=[v.pk for v in students]).prefetch_related(
            "certificates", "availability"
        )
    )
    regulars = [v for v in students if v.status == ACTIVE]
    held = [s for s in shifts if s.session.starts_at <= now]
    coming = [s for s in shifts if s.session.starts_at > now]
    S = Assignment.Status
    for n, shift in enumerate(held):
        # The afternoons so far: three came; once in a while someone did not come, or one
        # cancelled in time and another stepped in.
        statuses = (
            [S.DONE, S.DONE, S.NO_SHOW]
            if n % 5 == 2
            else [S.DONE, S.DONE, S.CANCELLED, S.DONE]
            if n % 5 == 4
            else [S.DONE] * 3
        )
        _staff(shift, _pool(regulars, shift), statuses, by=coordinator.user, offset=n)
    # The coming week: one full, one short (one confirmed, one only asked), one with nobody;
    # the two weeks after it partly planned.
    plans = (
        [[S.CONFIRMED] * 3, [S.CONFIRMED, S.PROPOSED], []]
        + [[S.CONFIRMED, S.CONFIRMED, S.PROPOSED]] * 3
        + [[S.CONFIRMED, S.PROPOSED]] * 3
    )
    for n, (shift, statuses) in enumerate(zip(coming, plans, strict=False)):
        _staff(shift, _pool(students, shift), statuses, by=coordinator.user, offset=n * 2)
    by_name = {v.name: v for v in students}
    # Planned while their certificates still held: Noah's ended last month, Ida's ends in
    # 25 days. The certificate rule flags these shifts and counts them as not filled.
    _keep_planned(
        by_name["Noah Friis-Hansen"],
        [s for s in coming if 8 <= (s.session.local_start.date() - today).days < 15][:2],
        by=coordinator.user,
    )
    _keep_planned(
        by_name["Ida Kjeldsen"],
        [
            s
            for s in coming
            if s.session.local_start.weekday() == WED
            and 21 <= (s.session.local_start.date() - today).days < 42
        ],
        by=coordinator.user,
    )
    return len(held)


def _keep_planned(volunteer: Volunteer, shifts: list[Shift], *, by) -> None:
    """The volunteer said yes to these shifts some weeks ago (kept if already there)."""
    for shift in shifts:
        Assignment.objects.get_or_create(
            shift=shift,
            volunteer=volunteer,
            defaults={
                "status": Assignment.Status.CONFIRMED,
                "changed_by": by,
                "changed_at": timezone.now() - timedelta(days=40),
                "told_starts_at": shift.session.starts_at,
            },
        )


def _load_club(*, partnership: Partnership, coordinator: ContactPerson, today: date) -> None:
    volunteers = _load_people(
        CLUB_VOLUNTEERS, partnership=partnership, coordinator=coordinator, today=today
    )
    # The running course, not an earlier one (the reports' demo adds one).
    series = (
        partnership.programme.series.filter(room__branch=partnership.branch)
        .order_by("-start_date")
        .first()
    )
    if series is None:
        return
    shifts_create_for_series(
        series=series,
        partnership=partnership,
        role=Shift.Role.CLUB_VOLUNTEER,
        required_count=2,
        now=_planned(partnership),
    )
    now = timezone.now()
    volunteers = list(
        Volunteer.objects.filter(pk__in=[v.pk for v in volunteers]).prefetch_related(
            "certificates", "availability"
        )
    )
    shifts = (
        Shift.objects.filter(session__series=series, partnership=partnership)
        .filter(session__status=Session.Status.SCHEDULED)
        .select_related("session__room__branch")
        .order_by("session__starts_at")
    )
    coming = 0
    for n, shift in enumerate(shifts):
        if shift.session.starts_at <= now:
            statuses = [Assignment.Status.DONE] * 2
        elif coming < 4:
            coming += 1
            statuses = [Assignment.Status.CONFIRMED] * 2
        else:
            break
        _staff(shift, volunteers, statuses, by=coordinator.user, offset=n)


def _load_meeting(*, partnership: Partnership, today: date) -> int:
    """The term's experience meeting at the Lektiecafé, three weeks ahead, invitations out."""
    zone = partnership.branch.zone
    day = today + timedelta(weeks=3)
    meeting, _ = ExperienceMeeting.objects.get_or_create(
        partnership=partnership,
        title="Erfa-møde for lektiehjælpere",
        defaults={
            "starts_at": datetime.combine(day, time(18, 15), tzinfo=zone),
            "ends_at": datetime.combine(day, time(20), tzinfo=zone),
            "place": "Lektiecaféen, Aarhus Hovedbiblioteket",
            "agenda": "Hvordan gik semestret? Erfaringer fra lektiehjælpen, ideer til næste "
            "semester, og pizza.",
        },
    )
    try:
        sent = meeting_invite(meeting=meeting)
    except AssignmentError:  # the meeting has been held
        return 0
    if not meeting.invitations.exclude(response="").exists():
        # A few have answered already through their link.
        first = meeting.invitations.filter(volunteer__isnull=False).order_by("volunteer__name")
        for n, invitation in enumerate(first[:6]):
            answer = MeetingInvitation.Response.NO if n == 3 else MeetingInvitation.Response.YES
            meeting_respond(invitation=invitation, response=answer)
    return sent


def load_volunteers(*, coordinators: dict[str, ContactPerson]) -> dict[str, int]:
    """Both partners' volunteers, shifts and the experience meeting; returns a summary."""
    today = timezone.localdate()
    summary = {"volunteers": 0, "shifts": 0, "afternoons staffed": 0, "invitations sent": 0}
    lektiecafe = Partnership.objects.filter(
        organisation__slug="red-barnet-ungdom", programme__slug="lektiecafe"
    ).first()
    if lektiecafe is not None:
        summary["afternoons staffed"] = _load_lektiecafe(
            partnership=lektiecafe, coordinator=coordinators["koordinator"], today=today
        )
        summary["invitations sent"] = _load_meeting(partnership=lektiecafe, today=today)
    club = Partnership.objects.filter(
        organisation__slug="red-barnet", programme__slug="smaabornsklub"
    ).first()
    if club is not None:
        _load_club(partnership=club, coordinator=coordinators["redbarnet"], today=today)
    summary["volunteers"] = Volunteer.objects.count()
    summary["shifts"] = Shift.objects.count()
    return summary
