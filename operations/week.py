"""The week calendar of one or more branches for librarians: their rooms, and each session
as a block placed by its time (at its own branch), with its places booked.

Three queries whatever the week holds: the branches to choose from, the branches' rooms,
the week's sessions with their places (bookings.selectors.with_places).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from bookings.selectors import with_places
from programmes.models import Branch, Places, Programme, Room, Session
from programmes.weeks import WeekPage

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

HOUR_HEIGHT = 60  # pixels per hour in the calendar
DEFAULT_HOURS = (9, 17)  # an empty week still shows a working day


def _minutes(moment: datetime, day: date) -> int:
    """Minutes from the start of ``day`` (local): a session past midnight ends at 24:00."""
    if moment.date() > day:
        return 24 * 60
    return moment.hour * 60 + moment.minute


@dataclass
class Block:
    session: WithAnnotations[Session, Places]
    start: int  # minutes since local midnight
    end: int
    lane: int = 0
    lanes: int = 1
    top: int = 0  # pixels, set once the week's hours are known
    height: int = 0

    @property
    def cancelled(self) -> bool:
        return self.session.status == Session.Status.CANCELLED

    @property
    def mode(self) -> str:
        return self.session.programme.booking_mode

    @property
    def is_booking(self) -> bool:
        return self.mode == Programme.BookingMode.BOOKING

    @property
    def is_full(self) -> bool:
        return self.is_booking and not self.session.places_left

    # Strings for the page's CSS: a float in a template is localised ("33,33" in Danish).
    @property
    def left(self) -> str:
        return f"{100 * self.lane / self.lanes:.3f}%"

    @property
    def width(self) -> str:
        return f"{100 / self.lanes:.3f}%"


def _share_lanes(blocks: list[Block]) -> None:
    """Blocks that overlap in time (a cancelled session and the one that took its room)
    sit side by side; each group of overlapping blocks shares the cell's width."""
    group: list[Block] = []
    group_end = -1

    def settle(group: list[Block]) -> None:
        lane_ends: list[int] = []
        for block in group:
            free = next((i for i, end in enumerate(lane_ends) if end <= block.start), None)
            if free is None:
                lane_ends.append(block.end)
                block.lane = len(lane_ends) - 1
            else:
                lane_ends[free] = block.end
                block.lane = free
        for block in group:
            block.lanes = len(lane_ends)

    for block in sorted(blocks, key=lambda b: (b.start, b.end)):
        if group and block.start >= group_end:
            settle(group)
            group, group_end = [], -1
        group.append(block)
        group_end = max(group_end, block.end)
    if group:
        settle(group)


@dataclass
class RoomWeek:
    room: Room
    monday: date
    days: list[list[Block]] = field(default_factory=lambda: [[] for _ in range(7)])

    @property
    def cells(self) -> list[tuple[date, list[Block]]]:
        return [(self.monday + timedelta(days=n), blocks) for n, blocks in enumerate(self.days)]


@dataclass
class WeekCalendar(WeekPage):
    branches: list[Branch] = field(default_factory=list)
    rooms: list[RoomWeek] = field(default_factory=list)
    first_hour: int = DEFAULT_HOURS[0]
    last_hour: int = DEFAULT_HOURS[1]

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    @property
    def height(self) -> int:
        return (self.last_hour - self.first_hour) * HOUR_HEIGHT

    @property
    def hour_height(self) -> int:
        return HOUR_HEIGHT

    @property
    def hours(self) -> list[tuple[int, int]]:
        """(hour, pixels from the top) for the time axis."""
        return [
            (hour, (hour - self.first_hour) * HOUR_HEIGHT)
            for hour in range(self.first_hour, self.last_hour)
        ]

    @property
    def blocks(self) -> list[Block]:
        return [block for room in self.rooms for day in room.days for block in day]

    @property
    def session_count(self) -> int:
        return len(self.blocks)

    @property
    def several_branches(self) -> bool:
        return len(self.branches) > 1


def calendar_sessions(
    *, branches: list[Branch], first: date, days: int
) -> QuerySet[WithAnnotations[Session, Places]]:
    """The branches' sessions from ``first`` for ``days`` days, with their places. A day of
    margin on each side covers every time zone; the caller reads each session's local date."""
    start = datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC)
    return (
        with_places(
            Session.objects.filter(
                room__branch__in=branches,
                starts_at__gte=start,
                starts_at__lt=start + timedelta(days=days + 2),
            )
        )
        .select_related("programme", "room__branch")
        .order_by("starts_at", "pk")
    )


def week_calendar(*, branches: list[Branch], monday: date, today: date) -> WeekCalendar:
    """The branches' rooms through the week (by branch, then room), each session a block at
    its time at its own branch."""
    rooms = {
        room.pk: RoomWeek(room=room, monday=monday)
        for room in Room.objects.filter(branch__in=branches)
        .select_related("branch")
        .order_by("branch__name", "branch__pk", "name")
    }
    blocks: list[Block] = []
    for session in calendar_sessions(branches=branches, first=monday, days=7):
        zone = session.room.branch.zone
        start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        offset = (start.date() - monday).days
        if not 0 <= offset < 7 or session.room_id not in rooms:
            continue
        begins = _minutes(start, start.date())
        block = Block(
            session=session, start=begins, end=max(_minutes(end, start.date()), begins + 15)
        )
        rooms[session.room_id].days[offset].append(block)
        blocks.append(block)
    if blocks:
        first_hour = min(min(b.start for b in blocks) // 60, DEFAULT_HOURS[0])
        last_hour = max(math.ceil(max(b.end for b in blocks) / 60), DEFAULT_HOURS[1])
    else:
        first_hour, last_hour = DEFAULT_HOURS
    last_hour = min(last_hour, 24)
    for block in blocks:
        block.top = (block.start - first_hour * 60) * HOUR_HEIGHT // 60
        block.height = max((block.end - block.start) * HOUR_HEIGHT // 60, HOUR_HEIGHT // 2)
    for room in rooms.values():
        for day in room.days:
            _share_lanes(day)
    return WeekCalendar(
        branches=branches,
        monday=monday,
        today=today,
        rooms=list(rooms.values()),
        first_hour=first_hour,
        last_hour=last_hour,
    )
