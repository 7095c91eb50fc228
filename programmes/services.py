"""Writes to schedules: a series' plan (its dates, times and room) and the sessions it makes.

A session made from a series carries the series' date it was made for (``series_date``),
whatever becomes of it later: moved to another time or day, or cancelled, its date is
taken, so generating again never makes that date a second time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.errors import DomainError
from programmes.models import Room, Series, Session, room_conflict_message, weekly_dates
from programmes.public_holidays import public_holidays


class SchedulingError(DomainError):
    """A schedule change that cannot be made; the message is safe to show a librarian."""


@dataclass(frozen=True)
class ExcludedDays:
    """Days from ``start_date`` to ``end_date`` without a session, and why."""

    start_date: date
    end_date: date
    reason: str = ""


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class SeriesPlan:
    """What decides a series' sessions: the room, the weekdays and times, the first and last
    date, and the days left out (excluded dates and, if chosen, public holidays).

    Built from a saved series (``of``) or from the values of a form not saved yet, so a
    change can be previewed before anything is written."""

    room: Room
    weekdays: tuple[int, ...]
    start_time: time
    end_time: time
    start_date: date
    end_date: date
    exclusions: tuple[ExcludedDays, ...] = ()
    skip_public_holidays: bool = False

    @classmethod
    def of(cls, series: Series, exclusions: Iterable[ExcludedDays] | None = None) -> SeriesPlan:
        """The plan of ``series`` as its fields hold it; its saved exclusions unless given."""
        if exclusions is None:
            exclusions = (
                [ExcludedDays(e.start_date, e.end_date, e.reason) for e in series.exclusions.all()]
                if series.pk
                else []
            )
        return cls(
            room=series.room,
            weekdays=tuple(sorted(set(series.weekdays))),
            start_time=series.start_time,
            end_time=series.end_time,
            start_date=series.start_date,
            end_date=series.end_date,
            exclusions=tuple(sorted(exclusions, key=lambda e: (e.start_date, e.end_date))),
            skip_public_holidays=series.skip_public_holidays,
        )

    def left_out(self) -> dict[date, str]:
        """The dates on the plan's weekdays without a session, each with its reason."""
        days: dict[date, str] = {}
        if self.skip_public_holidays:
            days.update(
                public_holidays(
                    country=self.room.branch.country, first=self.start_date, last=self.end_date
                )
            )
        for exclusion in self.exclusions:
            for day in weekly_dates(
                weekdays=self.weekdays,
                first=max(exclusion.start_date, self.start_date),
                last=min(exclusion.end_date, self.end_date),
            ):
                days[day] = exclusion.reason or days.get(day, "")
        weekdays = set(self.weekdays)
        return {
            day: days[day]
            for day in sorted(days)
            if day.weekday() in weekdays and self.start_date <= day <= self.end_date
        }

    def slot(self, day: date) -> Slot:
        """The session's time on ``day``: wall-clock times at the branch, so a session
        stays at 15:00 across the change to and from summer time."""
        zone = self.room.branch.zone
        return Slot(
            datetime.combine(day, self.start_time, tzinfo=zone),
            datetime.combine(day, self.end_time, tzinfo=zone),
        )

    def slots(self) -> dict[date, Slot]:
        """Each date the plan holds a session on, with its time."""
        return {
            day: self.slot(day)
            for day in weekly_dates(
                weekdays=self.weekdays,
                first=self.start_date,
                last=self.end_date,
                excluded=set(self.left_out()),
            )
        }

    def holds(self, session: Session) -> bool:
        """Whether the session is where this plan puts it on its series date: not moved on
        its own page since."""
        if session.series_date is None:
            return False
        slot = self.slot(session.series_date)
        return (session.starts_at, session.ends_at, session.room_id) == (
            slot.starts_at,
            slot.ends_at,
            self.room.pk,
        )


def slot_clashes(
    *, room: Room, slots: Mapping[date, Slot], leaving: Collection[int] = ()
) -> dict[date, Session]:
    """For each date whose slot the room is not free at: the scheduled session in the way.

    ``leaving`` names sessions that give up their place in the same change (moved or
    cancelled): they are in nobody's way. Back-to-back sessions do not clash, and a
    cancelled session frees its room."""
    if not slots:
        return {}
    first = min(slot.starts_at for slot in slots.values())
    last = max(slot.ends_at for slot in slots.values())
    busy = list(
        Session.objects.filter(
            room=room,
            status=Session.Status.SCHEDULED,
            starts_at__lt=last,
            ends_at__gt=first,
        )
        .exclude(pk__in=list(leaving))
        .select_related("programme", "room__branch")
        .order_by("starts_at")
    )
    clashes = {}
    for day, slot in sorted(slots.items()):
        clash = next(
            (s for s in busy if s.starts_at < slot.ends_at and s.ends_at > slot.starts_at), None
        )
        if clash is not None:
            clashes[day] = clash
    return clashes


def clashes_message(clashes: Mapping[date, Session]) -> str:
    """The refusal of a schedule whose room is taken, each date named."""
    return _("Nothing was saved: the room is taken on %(count)d of the dates. %(clashes)s") % {
        "count": len(clashes),
        "clashes": " ".join(room_conflict_message(clash) for clash in clashes.values()),
    }


@dataclass
class GenerationResult:
    created: list[Session] = field(default_factory=list)
    # dates of the plan that have their session already (as it is now: moved or cancelled)
    already_there: int = 0
    # dates without a session of their own because another session of the series was
    # moved to that day
    served_by_moved: list[date] = field(default_factory=list)
    # coming scheduled sessions that now fall on a left-out date; the series change
    # (operations.services.series_change_apply) cancels them, telling the families
    on_excluded_dates: list[Session] = field(default_factory=list)


def series_generate_sessions(*, series: Series, after: datetime | None = None) -> GenerationResult:
    """Make the series' missing sessions: one for each date of its plan that has none yet,
    and, given ``after``, only those starting after it. Running it again makes nothing new:
    a moved or cancelled session keeps its date.

    A cancelled series makes nothing. A date whose time is taken in the room refuses the
    whole run, with the dates named; nothing is made then.
    """
    if series.cancelled_at is not None:
        raise SchedulingError(_("This series is cancelled: it makes no new sessions."))
    plan = SeriesPlan.of(series)
    left_out = plan.left_out()
    result = GenerationResult()
    with transaction.atomic():
        # One run at a time per series; the unique (series, series_date) holds it anyway.
        Series.objects.select_for_update().filter(pk=series.pk).first()
        own = list(series.sessions.select_related("room__branch"))
        taken_dates = {s.series_date for s in own if s.series_date is not None}
        live_days = {s.local_start.date() for s in own if s.status == Session.Status.SCHEDULED}
        result.on_excluded_dates = [
            s
            for s in own
            if s.status == Session.Status.SCHEDULED
            and s.series_date in left_out
            and (after is None or s.starts_at > after)
        ]
        wanted: dict[date, Slot] = {}
        for day, slot in plan.slots().items():
            if day in taken_dates:
                result.already_there += 1
            elif after is not None and slot.starts_at <= after:
                continue
            elif day in live_days:
                result.served_by_moved.append(day)
            else:
                wanted[day] = slot
        clashes = slot_clashes(room=plan.room, slots=wanted)
        if clashes:
            raise SchedulingError(clashes_message(clashes))
        to_create = [
            Session(
                programme=series.programme,
                series=series,
                series_date=day,
                room=series.room,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                capacity=series.session_capacity,
            )
            for day, slot in wanted.items()
        ]
        try:
            with transaction.atomic():
                result.created = Session.objects.bulk_create(to_create)
        except IntegrityError as exc:
            # Only a concurrent change gets here (the room's exclusion constraint on
            # PostgreSQL, or the series' dates); nothing was written.
            raise SchedulingError(
                _("The room's schedule changed while sessions were being made. Try again.")
            ) from exc
    return result
