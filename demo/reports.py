"""Demo history for the reports (invented people): what a year of the programmes left behind.

- **Babydans in Sandvika**, the last eighteen months: some families come week after week
  while their baby is small, some a few times, many once; a few did not come when booked,
  some rated the session. The regulars and some others went on to **Rim og regler** when
  their child turned one: the family path.
- **Legelørdage in Ballerup**, the last eighteen months, for **Sammen om Børn** (seed 004)
  this year: many families, most once or a few times, some every other Saturday; a few
  walked in.

Eighteen months, not twelve: the reports show the last twelve by default, and a family is
"returning" there only when it first came before them. So the families who began in the
six months before keep coming into the period, and the earlier months' cohorts have their
3- and 6-month shares.
- **Småbørnsklub in Ballerup**: an earlier course (Hold 1 is running now) whose families
  answered the questionnaire "Trivsel og samspil" at the start and at the end; the running
  course's families answered at the start.
- The funded project **Sammen om Børn** this year, with Red Barnet's reach target of 624
  children (seed 003) and a target of families.

A family's history is written once, when the family is first made (keyed by its e-mail),
so loading again writes nothing; the past series are keyed by programme, room and title.
Everything is written with bulk_create: the history is a few thousand rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.utils import timezone

from attendance.models import Attendance
from bookings.models import Booking
from courses.models import Course, Enrolment
from demo.bookings import CLUB_FAMILIES, baby_born_months_before
from demo.programmes import CHRISTMAS_CLOSED, christmas_closures
from households.models import Child, Household
from partners.models import Partnership
from programmes.models import Branch, Programme, Room, Series, SeriesExclusion, Session
from programmes.services import series_generate_sessions
from reports.models import FunderProject, ProjectTarget, Questionnaire, QuestionnaireItem
from reports.services import questionnaire_answer

PAST_TITLE = "Tidligere"

BABYDANS_PARENTS_FIRST = [
    "Hanne", "Lars", "Silje", "Erik", "Marte", "Anders", "Tone", "Kristian", "Hilde",
    "Fredrik", "Lene", "Martin", "Camilla", "Ahmed", "Yasmin", "Tobias", "Julie", "Sander",
    "Marianne", "Petter",
]  # fmt: skip
BABYDANS_PARENTS_LAST = [
    "Solberg", "Haugen", "Bakke", "Eide", "Fjeld", "Aune", "Myhre", "Sæther", "Tangen",
    "Nilsen", "Karimi", "Johansen", "Wold", "Lunde", "Rønning", "Hagen", "Vold", "Skar",
    "Engen", "Dale",
]  # fmt: skip
BABYDANS_BABIES = [
    "Ingrid", "Jakob", "Astrid", "Emil", "Selma", "Johannes", "Tiril", "Mathias", "Hedda",
    "Sverre", "Amalie", "Elias", "Vilde", "Adam", "Mia", "William", "Linnea", "Henrik",
    "Eva", "Magnus",
]  # fmt: skip
PLAY_PARENTS_FIRST = [
    "Anne", "Jesper", "Louise", "Mads", "Sara", "Rasmus", "Mette", "Kasper", "Pernille",
    "Thomas", "Nadia", "Morten", "Hiba", "Jonas", "Rikke", "Bilal", "Tina", "Søren",
    "Marie", "Kim",
]  # fmt: skip
PLAY_PARENTS_LAST = [
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
    "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
    "Thomsen", "Poulsen", "Khan", "Yilmaz", "Mortensen", "Dahl",
]  # fmt: skip
PLAY_CHILDREN = [
    "Alma", "Oscar", "Ida", "Carl", "Freja", "Alfred", "Clara", "Valdemar", "Agnes",
    "Aksel", "Ellie", "Malthe", "Lærke", "Viggo", "Sofia", "Noah", "Josefine", "Elias",
    "Luna", "Anton",
]  # fmt: skip

# How far back the Babydans and Legelørdage history begins: about eighteen months.
HISTORY_WEEKS = 78
BABYDANS_FAMILIES = 60
PLAY_FAMILIES = 250

EARLIER_CLUB_FAMILIES = [
    # parent, children (first name, age in months when the course began), stayed to the end
    ("Samira Haddad", [("Lina", 20)], True),
    ("Jannik Holm", [("Asta", 9)], True),
    ("Dorota Kowalska", [("Maja", 34), ("Kuba", 8)], True),
    ("Louise Friis", [("Storm", 15)], True),
    ("Ayaan Mohamed", [("Hamza", 40)], True),
    ("Trine Bak", [("Ellen", 26), ("Ib", 3)], True),
    ("Mariam Saleh", [("Noor", 12)], False),
]

QUESTIONNAIRE_TITLE = "Trivsel og samspil"
QUESTIONNAIRE_INTRODUCTION = (
    "Svar på en skala fra 1 (slet ikke) til 5 (i høj grad). Vi spørger, når I begynder i "
    "klubben, og igen når forløbet slutter, så vi kan se, hvad klubben gør for familierne."
)
STATEMENTS = [
    "Mit barn trives i hverdagen.",
    "Mit barn og jeg har det godt sammen, når vi leger og er sammen.",
    "Jeg kender andre forældre, som jeg kan tale med om mit barn.",
    "Jeg ved, hvad jeg kan gøre for at støtte mit barns udvikling.",
]
# Per statement, what a family answered at the start; the end adds the gain, give or take.
BEFORE = [
    (3, 2, 3, 3, 2, 3, 3),
    (3, 3, 3, 4, 3, 2, 3),
    (1, 2, 1, 2, 1, 2, 2),
    (2, 3, 2, 3, 2, 2, 3),
]
GAIN = [1, 1, 2, 1]
CURRENT_BEFORE = [(3, 2, 3, 3, 2, 3), (2, 3, 3, 2, 3, 3), (2, 1, 1, 2, 1, 2), (3, 2, 2, 2, 3, 2)]

PROJECT_NAME = "Sammen om Børn"
PROJECT_FUNDER = "Nordea-fonden"
PROJECT_DESCRIPTION = (
    "Nye fællesskaber mellem børn, forældre og fagprofessionelle for de 0–6-årige i Ballerup: "
    "legelørdage for forældre og børn og småbørnsklubber for familier i udsatte positioner."
)
PROJECT_TARGETS = [(ProjectTarget.Measure.CHILDREN, 624), (ProjectTarget.Measure.HOUSEHOLDS, 180)]


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


@dataclass
class Visit:
    session: Session
    attended: bool = True
    rating: int | None = None
    walk_in: bool = False


@dataclass
class Family:
    email: str
    name: str
    language: str
    children: list[tuple[str, date]]
    visits: list[Visit] = field(default_factory=list)
    # A course family is enrolled, not booked: it comes to every meeting it can.
    course: Course | None = None
    enrolment_status: str = Enrolment.Status.COMPLETED
    partnership: Partnership | None = None


class HistoryWriter:
    """Families with their children, bookings and attendance, in a handful of bulk inserts.

    A family whose e-mail is already known is left as it is: its history was written.
    """

    def __init__(self) -> None:
        self.families: list[Family] = []
        self.taken: dict[int, int] = {}  # session id -> places booked

    def fits(self, session: Session, places: int) -> bool:
        return self.taken.get(session.pk, 0) + places <= session.capacity

    def book(self, family: Family, visit: Visit) -> bool:
        places = self.places(family, visit.session)
        if not self.fits(visit.session, places):
            return False
        self.taken[visit.session.pk] = self.taken.get(visit.session.pk, 0) + places
        family.visits.append(visit)
        return True

    @staticmethod
    def places(family: Family, session: Session) -> int:
        if session.programme.capacity_unit == Programme.CapacityUnit.FAMILIES:
            return 1
        return len(family.children)

    def write(self) -> dict[str, Household]:
        """Returns the households made, by e-mail."""
        known = set(
            Household.objects.filter(email__in=[f.email for f in self.families]).values_list(
                "email", flat=True
            )
        )
        # A family whose first session was full and never came has no history to tell.
        new = [f for f in self.families if f.email not in known and f.visits]
        if not new:
            return {}
        now = timezone.now()
        households = Household.objects.bulk_create(
            Household(
                email=f.email,
                name=f.name,
                language=f.language,
                # No invitations: the demo's history must not fill the outbox on `make run`.
                consents_to_followups=False,
                privacy_accepted_at=min([v.session.starts_at for v in f.visits] or [now])
                - timedelta(days=3),
            )
            for f in new
        )
        children = Child.objects.bulk_create(
            Child(household=h, first_name=name, birth_month=born)
            for f, h in zip(new, households, strict=True)
            for name, born in f.children
        )
        kids: dict[int | None, list[Child]] = {}
        for child in children:
            kids.setdefault(child.household_id, []).append(child)
        booked = [
            (f, h, v)
            for f, h in zip(new, households, strict=True)
            if f.course is None
            for v in f.visits
        ]
        bookings = Booking.objects.bulk_create(
            Booking(
                session=v.session,
                household=h,
                places=self.places(f, v.session),
                status=Booking.Status.CONFIRMED,
                created_at=v.session.starts_at - timedelta(days=0 if v.walk_in else 4),
                confirmed_at=v.session.starts_at - timedelta(days=0 if v.walk_in else 4),
                rating=v.rating,
                rated_at=v.session.ends_at + timedelta(hours=3) if v.rating else None,
                walk_in=v.walk_in,
            )
            for f, h, v in booked
        )
        Booking.children.through.objects.bulk_create(
            Booking.children.through(booking_id=b.pk, child_id=c.pk)
            for b, (_f, h, _v) in zip(bookings, booked, strict=True)
            for c in kids[h.pk]
        )
        enrolled = [(f, h) for f, h in zip(new, households, strict=True) if f.course is not None]
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                course=f.course,
                household=h,
                status=f.enrolment_status,
                partnership=f.partnership,
                referrer_name="Lene Holm",
                referrer_role=Enrolment.ReferrerRole.HEALTH_VISITOR,
                languages="Dansk",
                enrolled_at=min([v.session.starts_at for v in f.visits] or [now])
                - timedelta(days=7),
            )
            for f, h in enrolled
        )
        Enrolment.children.through.objects.bulk_create(
            Enrolment.children.through(enrolment_id=e.pk, child_id=c.pk)
            for e, (_f, h) in zip(enrolments, enrolled, strict=True)
            for c in kids[h.pk]
        )
        rows = [(f, h, v) for f, h in zip(new, households, strict=True) for v in f.visits]
        Attendance.objects.bulk_create(
            Attendance(
                session=v.session,
                household=h,
                attended=v.attended,
                recorded_at=v.session.ends_at,
            )
            for _f, h, v in rows
        )
        return {h.email: h for h in households}


def _history_until(*, programme: str, branch: str, today: date) -> date:
    """The last day of a programme's history at a branch: the day before its running
    series' first day (or before today), so the two never meet in the room."""
    current = Series.objects.filter(programme__slug=programme, room__branch__slug=branch).exclude(
        title=PAST_TITLE
    )
    return min([s.start_date for s in current] or [today]) - timedelta(days=1)


def _past_series(
    *,
    programme: str,
    branch: str,
    room: str,
    weekdays: list[int],
    start: time,
    end: time,
    first_day: date,
    last_day: date,
) -> list[Session]:
    """An earlier series of a programme (its sessions made as any series' are), held ones."""
    series, _ = Series.objects.update_or_create(
        programme=Programme.objects.get(slug=programme),
        room=Room.objects.get(branch__slug=branch, name=room),
        title=PAST_TITLE,
        defaults={
            "weekdays": weekdays,
            "start_time": start,
            "end_time": end,
            "start_date": first_day,
            "end_date": last_day,
        },
    )
    for first, last in christmas_closures(first_day, last_day):
        SeriesExclusion.objects.get_or_create(
            series=series,
            start_date=first,
            defaults={"end_date": last, "reason": CHRISTMAS_CLOSED},
        )
    series_generate_sessions(series=series)
    return list(
        series.sessions.filter(status=Session.Status.SCHEDULED, ends_at__lt=timezone.now())
        .select_related("programme", "room__branch")
        .order_by("starts_at")
    )


def _rating(rng: random.Random) -> int | None:
    if rng.random() < 0.35:
        return rng.choice((5, 5, 5, 4, 4, 3))
    return None


def _babydans_year(*, today: date, writer: HistoryWriter, rng: random.Random) -> None:
    """Sixty families over eighteen months at Sandvika; some go on to Rim og regler."""
    until = _history_until(programme="babydans", branch="sandvika", today=today)
    sessions = _past_series(
        programme="babydans",
        branch="sandvika",
        room="Luftslottet",
        weekdays=[2],
        start=time(11),
        end=time(12),
        first_day=today - timedelta(weeks=HISTORY_WEEKS),
        last_day=until,
    )
    # The earliest babies turn one about a year before today.
    rhymes = _past_series(
        programme="rim-og-regler",
        branch="sandvika",
        room="Luftslottet",
        weekdays=[2],
        start=time(12, 30),
        end=time(13, 15),
        first_day=today - timedelta(weeks=HISTORY_WEEKS - 26),
        last_day=today - timedelta(days=1),
    )
    if not sessions:
        return
    kinds = ("regular", "once", "few")
    for i in range(BABYDANS_FAMILIES):
        kind = kinds[i % 3]
        first = sessions[i * len(sessions) // BABYDANS_FAMILIES]
        born = baby_born_months_before(first.local_start.date(), 3 + i % 3)
        family = Family(
            email=f"babydans.aar{i}@familieliv.invalid",
            name=f"{BABYDANS_PARENTS_FIRST[i % 20]} {BABYDANS_PARENTS_LAST[(i // 20 + i) % 20]}",
            language="nb",
            children=[(BABYDANS_BABIES[i % 20], born)],
        )
        writer.families.append(family)
        writer.book(family, Visit(first, rating=_rating(rng)))
        later = [
            s
            for s in sessions
            if s.starts_at > first.starts_at and months_between(born, s.local_start.date()) <= 12
        ]
        if kind == "regular":
            chosen = later[: rng.randint(10, 26)]
            chosen = [s for s in chosen if rng.random() < 0.8]
        elif kind == "few":
            soon = later[:10]
            chosen = sorted(
                rng.sample(soon, min(len(soon), rng.randint(1, 3))), key=lambda s: s.starts_at
            )
        else:
            chosen = []
        for session in chosen:
            writer.book(family, Visit(session, attended=rng.random() > 0.1, rating=_rating(rng)))
        # The family path: the regulars and some of the others, once the child has turned
        # one, come to Rim og regler (those whose first year is over by today).
        if kind == "regular" or (kind == "few" and i % 2 == 0):
            older = [s for s in rhymes if 12 <= months_between(born, s.local_start.date()) <= 35]
            for session in older[: rng.randint(2, 8)]:
                writer.book(family, Visit(session, attended=rng.random() > 0.1))


def _play_saturdays(*, today: date, writer: HistoryWriter, rng: random.Random) -> None:
    """Legelørdage at Ballerup for eighteen months: 250 families, most once or a few times."""
    until = _history_until(programme="legelordage", branch="ballerup", today=today)
    sessions = _past_series(
        programme="legelordage",
        branch="ballerup",
        room="Legesalen",
        weekdays=[5],
        start=time(10),
        end=time(12),
        first_day=today - timedelta(weeks=HISTORY_WEEKS),
        last_day=until,
    )
    if not sessions:
        return
    for i in range(PLAY_FAMILIES):
        kind = "regular" if i % 6 == 0 else ("few" if i % 6 in (1, 3, 5) else "once")
        first_at = i * len(sessions) // PLAY_FAMILIES
        first = sessions[first_at]
        day = first.local_start.date()
        count = 1 + (i % 5 == 0) + (i % 7 == 0)
        family = Family(
            email=f"legelordag.demo{i}@familieliv.invalid",
            name=f"{PLAY_PARENTS_FIRST[i % 20]} {PLAY_PARENTS_LAST[(i // 20 + i) % 20]}",
            language="da",
            children=[
                (
                    PLAY_CHILDREN[(i + 7 * c) % 20],
                    baby_born_months_before(day, 2 + (i * 13 + c * 17) % 60),
                )
                for c in range(count)
            ],
        )
        writer.families.append(family)
        writer.book(
            family, Visit(first, rating=_rating(rng), walk_in=kind == "once" and i % 4 == 0)
        )
        later = sessions[first_at + 1 :]
        if kind == "regular":
            # Every other Saturday for a season or two, then the children have grown.
            chosen = [s for s in later[::2][: rng.randint(8, 20)] if rng.random() < 0.75]
        elif kind == "few":
            soon = later[:12]
            chosen = sorted(
                rng.sample(soon, min(len(soon), rng.randint(1, 4))), key=lambda s: s.starts_at
            )
        elif i % 12 == 2:
            # Back for one more Saturday a season later: retention beyond three months.
            chosen = later[rng.randint(18, 34) :][:1]
        else:
            chosen = []
        for session in chosen:
            writer.book(family, Visit(session, attended=rng.random() > 0.08, rating=_rating(rng)))


def _questionnaire() -> Questionnaire | None:
    club = Programme.objects.filter(slug="smaabornsklub").first()
    if club is None:
        return None
    questionnaire, _ = Questionnaire.objects.get_or_create(
        programme=club,
        defaults={"title": QUESTIONNAIRE_TITLE, "introduction": QUESTIONNAIRE_INTRODUCTION},
    )
    for position, text in enumerate(STATEMENTS, start=1):
        QuestionnaireItem.objects.get_or_create(
            questionnaire=questionnaire, position=position, defaults={"text": text}
        )
    return questionnaire


def _answer(enrolment: Enrolment, moment: str, values: list[int], day: date, items) -> int:
    if enrolment.questionnaire_responses.filter(moment=moment).exists():
        return 0
    questionnaire_answer(
        enrolment=enrolment,
        moment=moment,
        answers={item.pk: value for item, value in zip(items, values, strict=True)},
        answered_on=day,
    )
    return 1


def _earlier_club_course(*, today: date, items: list[QuestionnaireItem]) -> int:
    """Hold 0 at Ballerup: seven families, six to the end; answers at the start and end.

    Returns the responses written."""
    sessions = _past_series(
        programme="smaabornsklub",
        branch="ballerup",
        room="Familierummet",
        weekdays=[1],
        start=time(9, 30),
        end=time(11, 30),
        first_day=today - timedelta(weeks=36),
        last_day=today - timedelta(weeks=12),
    )
    if not sessions:
        return 0
    series = sessions[0].series
    course, _ = Course.objects.get_or_create(series=series, defaults={"capacity": 10})
    # The series' programme and room, which its sessions carry (loaded with them).
    partnership = Partnership.objects.filter(
        programme=sessions[0].programme, branch=sessions[0].room.branch
    ).first()
    start_day, last_day = sessions[0].local_start.date(), sessions[-1].local_start.date()
    writer = HistoryWriter()
    for i, (parent, kids, stayed) in enumerate(EARLIER_CLUB_FAMILIES):
        family = Family(
            email=f"klub.hold0.demo{i}@familieliv.invalid",
            name=parent,
            language="da",
            children=[(name, baby_born_months_before(start_day, age)) for name, age in kids],
            course=course,
            enrolment_status=(Enrolment.Status.COMPLETED if stayed else Enrolment.Status.WITHDRAWN),
            partnership=partnership,
        )
        # A family that left came to the first six meetings; the others missed one in six.
        meetings = sessions if stayed else sessions[:6]
        family.visits = [
            Visit(session, attended=(n + i) % 6 != 5) for n, session in enumerate(meetings)
        ]
        writer.families.append(family)
    writer.write()

    answered = 0
    enrolments = {
        e.household.email: e
        for e in Enrolment.objects.filter(course=course).select_related(
            "household", "course__series__programme"
        )
    }
    for i, (_parent, _kids, stayed) in enumerate(EARLIER_CLUB_FAMILIES):
        enrolment = enrolments.get(f"klub.hold0.demo{i}@familieliv.invalid")
        if enrolment is None:
            continue
        before = [column[i] for column in BEFORE]
        answered += _answer(enrolment, "before", before, start_day, items)
        if stayed:
            # Everyone gains a little, some a step more; never above the scale.
            after = [
                min(5, value + gain + (i + n) % 2)
                for n, (value, gain) in enumerate(zip(before, GAIN, strict=True))
            ]
            answered += _answer(enrolment, "after", after, last_day, items)
    return answered


def _running_club_course(*, items: list[QuestionnaireItem]) -> int:
    """The running course's families answered at their first meeting."""
    course = (
        Course.objects.filter(series__programme__slug="smaabornsklub")
        .exclude(series__title=PAST_TITLE)
        .select_related("series")
        .first()
    )
    if course is None:
        return 0
    first = course.series.sessions.order_by("starts_at").first()
    if first is None or first.starts_at > timezone.now():
        return 0
    day = first.local_start.date()
    answered = 0
    emails = [f"klub.demo{i}@familieliv.invalid" for i in range(len(CLUB_FAMILIES))]
    enrolments = {
        e.household.email: e
        for e in Enrolment.objects.filter(
            course=course, household__email__in=emails
        ).select_related("household", "course__series__programme")
    }
    for i, email in enumerate(emails):
        enrolment = enrolments.get(email)
        if enrolment is not None:
            values = [column[i] for column in CURRENT_BEFORE]
            answered += _answer(enrolment, "before", values, day, items)
    return answered


def _project(*, today: date) -> FunderProject | None:
    programmes = list(Programme.objects.filter(slug__in=["legelordage", "smaabornsklub"]))
    ballerup = Branch.objects.filter(slug="ballerup").first()
    if ballerup is None or not programmes:
        return None
    project, _ = FunderProject.objects.get_or_create(
        name=PROJECT_NAME,
        defaults={
            "funder": PROJECT_FUNDER,
            "starts_on": date(today.year, 1, 1),
            "ends_on": date(today.year, 12, 31),
            "description": PROJECT_DESCRIPTION,
        },
    )
    project.programmes.set(programmes)
    project.branches.set([ballerup])
    for measure, target in PROJECT_TARGETS:
        ProjectTarget.objects.get_or_create(
            project=project, measure=measure, defaults={"target": target}
        )
    return project


def load_reports(*, today: date) -> dict[str, int]:
    """The history the reports tell of; returns what was written, for the command's output."""
    rng = random.Random(2026)  # noqa: S311 - the same demo on every machine, not a secret
    writer = HistoryWriter()
    _babydans_year(today=today, writer=writer, rng=rng)
    _play_saturdays(today=today, writer=writer, rng=rng)
    families = len(writer.write())
    questionnaire = _questionnaire()
    answered = 0
    if questionnaire is not None:
        items = list(questionnaire.items.order_by("position"))[: len(STATEMENTS)]
        answered = _earlier_club_course(today=today, items=items)
        answered += _running_club_course(items=items)
    _project(today=today)
    return {"families with a history": families, "questionnaires answered": answered}
