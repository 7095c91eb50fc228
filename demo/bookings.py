"""Demo bookings: the first Babydans in Sandvika is full, with two families waiting; last
week's Babydans took attendance (so follow-ups go out); the Småbørnsklub course in Ballerup
has enrolled families, the meetings held so far and referrals in its queue; the Lektiecafé
in Aarhus has head counts for its afternoons so far."""

from datetime import date, timedelta

from django.utils import timezone

from attendance.models import HeadCount
from attendance.services import attendance_record
from bookings.services import BookingError, booking_create
from courses.models import Course, Enrolment
from households.models import Household
from households.services import ChildInput
from partners.models import Partnership
from programmes.models import Session

PARENTS = [
    "Kari Nordby",
    "Ola Berntsen",
    "Ingrid Haugli",
    "Amir Haddad",
    "Sofie Lien",
    "Jonas Vik",
    "Maja Strand",
    "Emil Aasen",
    "Nora Dahle",
    "Leah Osei",
    "Henrik Moe",
    "Aisha Warsame",
    "Thea Lund",
    "Markus Rud",
    "Ida Brekke",
    "Sara Holm",
]
BABIES = [
    "Emma",
    "Noah",
    "Olivia",
    "Jakob",
    "Ella",
    "Lukas",
    "Sofia",
    "Filip",
    "Nora",
    "Oskar",
    "Leah",
    "Isak",
    "Alma",
    "Aksel",
    "Frida",
    "Theo",
]


def baby_born_months_before(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    return date(total // 12, total % 12 + 1, 1)


SANDVIKA_BABYDANS = Session.objects.filter(
    programme__slug="babydans", room__name="Luftslottet", status=Session.Status.SCHEDULED
)


def _book_families(session: Session, count: int, *, days_ahead: int) -> list:
    """The first ``count`` demo parents book the session ``days_ahead`` days before it."""
    day = session.local_start.date()
    booked_at = min(timezone.now(), session.starts_at - timedelta(days=days_ahead))
    bookings = []
    for i, parent in enumerate(PARENTS[:count]):
        first = parent.split()[0].lower()
        email = f"{first}.demo{i}@familieliv.invalid"
        if session.bookings.filter(household__email=email).exists():
            continue  # booked on an earlier load
        try:
            bookings.append(
                booking_create(
                    now=booked_at,
                    session_id=session.pk,
                    name=parent,
                    email=email,
                    language="nb",
                    children=[
                        ChildInput(
                            first_name=BABIES[i],
                            birth_month=baby_born_months_before(day, 4 + i % 7),
                        )
                    ],
                    consents_to_followups=i % 3 == 0,
                )
            )
        except BookingError:  # e.g. the session has started since
            continue
    return bookings


def load_bookings() -> int:
    """Book the next Babydans at Sandvika full; returns how many bookings were made."""
    session = SANDVIKA_BABYDANS.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    if session is None:
        return 0
    # Booked a week ahead, as most families book: the reminder is still to come.
    return len(_book_families(session, len(PARENTS), days_ahead=7))


def load_last_week() -> int:
    """Families at the last Babydans in Sandvika, with who came; returns the bookings made."""
    session = SANDVIKA_BABYDANS.filter(ends_at__lt=timezone.now()).order_by("-starts_at").first()
    if session is None:
        return 0
    bookings = _book_families(session, 8, days_ahead=5)
    for i, booking in enumerate(bookings):
        # Two families did not come: the follow-up tells them they were missed.
        attendance_record(session=session, household=booking.household, attended=i % 4 != 3)
    return len(bookings)


CLUB_FAMILIES = [
    ("Fatima Yusuf", "Amina", 30),
    ("Mette Kjær", "Otto", 14),
    ("Zeynep Arslan", "Elif", 42),
    ("Line Sørensen", "Karla", 8),
    ("Ali Rahimi", "Sami", 55),
    ("Camilla Berg", "Vilja", 20),
]


def load_course() -> int:
    """The running Småbørnsklub course: six families enrolled, the meetings so far attended."""
    course = Course.objects.filter(series__programme__slug="smaabornsklub").first()
    if course is None:
        return 0
    today = timezone.localdate()
    held = course.series.sessions.filter(
        status=Session.Status.SCHEDULED, ends_at__lt=timezone.now()
    )
    first = course.series.sessions.order_by("starts_at").first()
    # Enrolled the week before the first meeting: on every meeting's list.
    joined = (first.starts_at if first else timezone.now()) - timedelta(days=7)
    for i, (parent, child_name, age_months) in enumerate(CLUB_FAMILIES):
        household, _ = Household.objects.get_or_create(
            email=f"klub.demo{i}@familieliv.invalid",
            defaults={
                "name": parent,
                "language": "da",
                "consents_to_followups": i != 4,
                "privacy_accepted_at": timezone.now(),
            },
        )
        child, _ = household.children.get_or_create(
            first_name=child_name, birth_month=baby_born_months_before(today, age_months)
        )
        enrolment, _ = Enrolment.objects.get_or_create(
            course=course,
            household=household,
            defaults={"status": Enrolment.Status.ENROLLED, "enrolled_at": joined},
        )
        enrolment.children.add(child)
        for n, meeting in enumerate(held):
            attendance_record(session=meeting, household=household, attended=(n + i) % 5 != 0)
    _load_referrals(course)
    return len(CLUB_FAMILIES)


REFERRALS = [
    # parent, child, age in months, status, referrer, role, wishes
    (
        "Hodan Abdi",
        "Yasmin",
        18,
        Enrolment.Status.REFERRED,
        "Lene Holm",
        Enrolment.ReferrerRole.HEALTH_VISITOR,
        "Mor vil gerne møde andre forældre og øve dansk.",
    ),
    (
        "Peter Krogh",
        "Alfred",
        36,
        Enrolment.Status.REFERRED,
        "Birgitte Dam",
        Enrolment.ReferrerRole.DAYCARE,
        "Far er alene med Alfred og vil gerne have idéer til leg derhjemme.",
    ),
    (
        "Natalia Nowak",
        "Zofia",
        10,
        Enrolment.Status.OFFERED,
        "Lene Holm",
        Enrolment.ReferrerRole.HEALTH_VISITOR,
        "",
    ),
]


def _load_referrals(course: Course) -> None:
    """Families in the referral queue: two to review, one offered a place."""
    partnership = Partnership.objects.filter(
        programme=course.series.programme, branch=course.series.room.branch
    ).first()
    today = timezone.localdate()
    for i, (parent, child_name, age, status, referrer, role, wishes) in enumerate(REFERRALS):
        household, _ = Household.objects.get_or_create(
            email=f"henvist.demo{i}@familieliv.invalid",
            defaults={
                "name": parent,
                "language": "da",
                "consents_to_followups": True,
                "privacy_accepted_at": timezone.now(),
            },
        )
        child, _ = household.children.get_or_create(
            first_name=child_name, birth_month=baby_born_months_before(today, age)
        )
        enrolment, _ = Enrolment.objects.get_or_create(
            course=course,
            household=household,
            defaults={
                "status": status,
                "partnership": partnership,
                "referrer_name": referrer,
                "referrer_role": role,
                "wishes": wishes,
                # Offered two days ago: the course page says by when to answer.
                "offered_at": timezone.now() - timedelta(days=2)
                if status == Enrolment.Status.OFFERED
                else None,
            },
        )
        enrolment.children.add(child)


# Pupils counted at the Lektiecafé's afternoons so far: (grade 8, 9, 10, other) returning,
# and how many of them came for the first time.
LEKTIECAFE_COUNTS = [((4, 6, 3, 1), 2), ((5, 7, 2, 0), 1), ((3, 5, 4, 1), 0), ((6, 6, 3, 2), 3)]


def load_head_counts() -> int:
    """The Lektiecafé afternoons held so far have their head counts."""
    held = Session.objects.filter(
        programme__slug="lektiecafe",
        status=Session.Status.SCHEDULED,
        starts_at__lt=timezone.now(),
    ).order_by("starts_at")
    for n, session in enumerate(held):
        returning, first_visits = LEKTIECAFE_COUNTS[n % len(LEKTIECAFE_COUNTS)]
        for grade, count in zip(("8", "9", "10", HeadCount.OTHER_GRADE), returning, strict=True):
            HeadCount.objects.get_or_create(
                session=session, grade=grade, first_visit=False, defaults={"count": count}
            )
        HeadCount.objects.get_or_create(
            session=session, grade="8", first_visit=True, defaults={"count": first_visits}
        )
    return len(held)
