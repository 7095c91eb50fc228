from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from attendance.models import Attendance, HeadCount
from bookings.models import Booking
from courses.models import Course
from courses.selectors import TAKING_PART
from programmes.models import Session


def coming_series_sessions(*, series, now: datetime) -> QuerySet[Session]:
    """The scheduled sessions of a series (or a queryset of series) that have not begun:
    what cancelling or changing a series touches. A session under way is not coming, nor
    one whose families are being checked in already (a helper may start before the hour)."""
    lookup = "series__in" if hasattr(series, "model") else "series"
    return Session.objects.filter(
        **{lookup: series}, status=Session.Status.SCHEDULED, starts_at__gt=now
    ).exclude(
        Exists(Attendance.objects.filter(session=OuterRef("pk")))
        | Exists(HeadCount.objects.filter(session=OuterRef("pk"), count__gt=0))
    )


def households_to_tell(*, sessions: Iterable[Session]) -> dict[int, int]:
    """For each session, how many households its move or cancellation tells: those booked
    or waiting (operations.services.session_move and session_cancel tell them) and the
    families taking part in its course."""
    sessions = list(sessions)
    pks = [s.pk for s in sessions]
    booked = dict(
        Booking.objects.filter(session__in=pks)
        .exclude(status=Booking.Status.CANCELLED)
        .values("session")
        .annotate(n=Count("pk"))
        .values_list("session", "n")
    )
    series_ids = {s.series_id for s in sessions if s.series_id}
    enrolled = dict(
        Course.objects.filter(series__in=series_ids)
        .annotate(n=Count("enrolments", filter=Q(enrolments__status__in=TAKING_PART)))
        .values_list("series", "n")
    )
    return {
        s.pk: booked.get(s.pk, 0) + (enrolled.get(s.series_id, 0) if s.series_id else 0)
        for s in sessions
    }
