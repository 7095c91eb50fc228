"""Demo bookings: the first Babydans in Sandvika is full, with two families waiting."""

from datetime import date

from django.utils import timezone

from programmes.models import Session

from .services import BookingError, ChildInput, booking_create

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


def load_bookings() -> int:
    """Book the next Babydans at Sandvika full; returns how many bookings were made."""
    session = (
        Session.objects.filter(
            programme__slug="babydans",
            room__name="Luftslottet",
            status=Session.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    if session is None:
        return 0
    made = 0
    day = session.local_start.date()
    for i, parent in enumerate(PARENTS):
        first = parent.split()[0].lower()
        try:
            booking_create(
                session_id=session.pk,
                name=parent,
                email=f"{first}.demo{i}@familieliv.invalid",
                language="nb",
                children=[
                    ChildInput(
                        first_name=BABIES[i], birth_month=baby_born_months_before(day, 4 + i % 7)
                    )
                ],
                consents_to_followups=i % 3 == 0,
            )
        except BookingError:  # already booked on an earlier load
            continue
        made += 1
    return made
