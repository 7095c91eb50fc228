"""A session as the librarian runs it: its figures, and who is coming (for the printed
list and the CSV). First names and party sizes only: no e-mail, no phone, no birth dates.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.utils.translation import gettext as _

from attendance.models import Attendance
from bookings.models import Booking
from bookings.selectors import CONFIRMED, CONFIRMED_PLACES, WAITING
from common.csv import csv_cell, csv_writer
from courses.models import Course
from courses.selectors import taking_part_at
from programmes.models import Session


@dataclass(frozen=True)
class SessionFigures:
    booked_places: int
    booked_families: int
    walk_ins: int
    waitlisted: int
    came: int
    not_here: int
    expected: int  # families on the check-in list: confirmed bookings, or the course's

    @property
    def not_ticked(self) -> int:
        return max(self.expected - self.came - self.not_here, 0)


def session_figures(*, session: Session, course: Course | None) -> SessionFigures:
    """Two aggregate queries (three on a course), whatever the number of families."""
    bookings = Booking.objects.filter(session=session).aggregate(
        places=CONFIRMED_PLACES,
        families=Count("pk", filter=CONFIRMED),
        walk_ins=Count("pk", filter=CONFIRMED & Q(walk_in=True)),
        waitlisted=WAITING,
    )
    marks = Attendance.objects.filter(session=session).aggregate(
        came=Count("pk", filter=Q(attended=True)), not_here=Count("pk", filter=Q(attended=False))
    )
    expected = bookings["families"]
    if course is not None:
        expected = taking_part_at(course=course, session=session).count()
    return SessionFigures(
        booked_places=bookings["places"],
        booked_families=bookings["families"],
        walk_ins=bookings["walk_ins"],
        waitlisted=bookings["waitlisted"],
        came=marks["came"],
        not_here=marks["not_here"],
        expected=expected,
    )


@dataclass(frozen=True)
class Participant:
    parent: str  # the parent's first name
    children: list[str]
    adults: int | None  # not asked on a course
    status: str
    walk_in: bool
    attended: bool | None  # None: not ticked

    @property
    def party(self) -> int | None:
        return None if self.adults is None else self.adults + len(self.children)


def _first_name(name: str) -> str:
    parts = name.split()
    return parts[0] if parts else ""


def participants(*, session: Session, course: Course | None) -> list[Participant]:
    """Who is coming: the confirmed bookings, then the waitlist in its order; on a course,
    its families. Two queries (the rows with their attendance, then the children)."""
    came = Attendance.objects.filter(session=session, household=OuterRef("household_id")).values(
        "attended"
    )[:1]
    if course is not None:
        enrolments = (
            taking_part_at(course=course, session=session)
            .select_related("household")
            .prefetch_related("children")
            .annotate(came=Subquery(came))
            .order_by("household__name", "pk")
        )
        return [
            Participant(
                parent=_first_name(e.household.name),
                children=[child.first_name for child in e.children.all()],
                adults=None,
                status=e.get_status_display(),
                walk_in=False,
                attended=e.came,
            )
            for e in enrolments
        ]
    bookings = (
        Booking.objects.filter(
            session=session, status__in=(Booking.Status.CONFIRMED, Booking.Status.WAITLISTED)
        )
        .select_related("household")
        .prefetch_related("children")
        .annotate(
            came=Subquery(came),
            line=Case(When(status=Booking.Status.WAITLISTED, then=F("waitlisted_at"))),
        )
        # Confirmed first, by name; then the waitlist in the order of the line.
        .order_by("status", F("line").asc(nulls_first=True), "household__name", "pk")
    )
    return [
        Participant(
            parent=_first_name(b.household.name),
            children=[child.first_name for child in b.children.all()],
            adults=b.adults,
            status=b.get_status_display(),
            walk_in=b.walk_in,
            attended=b.came,
        )
        for b in bookings
    ]


def write_participants_csv(rows: list[Participant], out) -> None:
    """The participant list as CSV, into ``out`` (a response or a file; common.csv)."""
    writer = csv_writer(out)
    writer.writerow(
        [
            _("Parent"),
            _("Children"),
            _("Adults"),
            _("Party size"),
            _("Status"),
            _("Walk-in"),
            _("Attended"),
        ]
    )
    answers = {True: _("yes"), False: _("no"), None: ""}
    for row in rows:
        writer.writerow(
            [
                csv_cell(row.parent),
                csv_cell(", ".join(row.children)),
                "" if row.adults is None else row.adults,
                "" if row.party is None else row.party,
                row.status,
                answers[row.walk_in],
                answers[row.attended],
            ]
        )
