"""Writes to schedules: generating a series' sessions without double-booking a room."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.errors import DomainError
from programmes.models import Series, Session


class SchedulingError(DomainError):
    """A schedule change that cannot be made; the message is safe to show a librarian."""


@dataclass
class GenerationResult:
    created: list[Session] = field(default_factory=list)
    already_there: int = 0
    # (date skipped, the session already in the room at that time)
    conflicts: list[tuple[date, Session]] = field(default_factory=list)
    # scheduled sessions that now fall on an excluded date; left for the librarian to cancel
    on_excluded_dates: list[Session] = field(default_factory=list)


def series_generate_sessions(*, series: Series) -> GenerationResult:
    """Create the series' missing sessions; running it again creates nothing new.

    A date whose time is taken in the room by another session is skipped and reported,
    not forced. Times are wall-clock times at the branch, so a session stays at 15:00
    across the change to and from summer time.
    """
    zone = series.room.branch.zone
    excluded = set(series.exclusions.values_list("date", flat=True))
    result = GenerationResult()

    wanted: list[tuple[date, datetime, datetime]] = [
        (
            day,
            datetime.combine(day, series.start_time, tzinfo=zone),
            datetime.combine(day, series.end_time, tzinfo=zone),
        )
        for day in series.occurrence_dates(excluded=excluded)
    ]
    if wanted:
        first_start, last_end = wanted[0][1], wanted[-1][2]
    with transaction.atomic():
        own = {s.starts_at: s for s in series.sessions.select_for_update()}
        result.on_excluded_dates = [
            s
            for s in own.values()
            if s.status == Session.Status.SCHEDULED and s.local_start.date() in excluded
        ]
        if not wanted:
            return result
        busy = list(
            Session.objects.filter(
                room=series.room,
                status=Session.Status.SCHEDULED,
                starts_at__lt=last_end,
                ends_at__gt=first_start,
            ).select_related("programme", "room__branch")
        )
        to_create = []
        for day, starts_at, ends_at in wanted:
            if starts_at in own:
                result.already_there += 1
                continue
            clash = next((s for s in busy if s.starts_at < ends_at and s.ends_at > starts_at), None)
            if clash is not None:
                result.conflicts.append((day, clash))
                continue
            to_create.append(
                Session(
                    programme=series.programme,
                    series=series,
                    room=series.room,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    capacity=series.session_capacity,
                )
            )
        try:
            with transaction.atomic():
                result.created = Session.objects.bulk_create(to_create)
        except IntegrityError as exc:
            # Only a concurrent change to the same room gets here (the exclusion
            # constraint on PostgreSQL); nothing was written.
            raise SchedulingError(
                _("The room's schedule changed while sessions were being made. Try again.")
            ) from exc
    return result
