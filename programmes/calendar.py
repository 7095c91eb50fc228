"""Calendar files (.ics): one event per session, in the branch's time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from programmes.models import Session

CALENDAR_END = "END:VCALENDAR\r\n"


@lru_cache(maxsize=16)
def _vtimezone_text(zone: str) -> str:
    """The VTIMEZONE block for a branch's zone. Building it and writing it out cost
    milliseconds (it lists decades of clock changes), so each is done once per zone."""
    return Timezone.from_tzid(zone).to_ical().decode()


def calendar_text(
    events: list[Event],
    zone: str | Sequence[str],
    *,
    name: str = "",
    description: str = "",
    refresh_hours: int | None = None,
) -> str:
    """A calendar of the events, their times in ``zone`` (or several zones). A feed that
    calendar programs subscribe to has a ``name`` and asks to be fetched again every
    ``refresh_hours``."""
    calendar = Calendar()
    calendar.add("prodid", "-//Familieliv//Family activities at the library//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    if refresh_hours:
        calendar.add(
            "refresh-interval", timedelta(hours=refresh_hours), parameters={"VALUE": "DURATION"}
        )
        calendar.add("x-published-ttl", timedelta(hours=refresh_hours))
    for event in events:
        calendar.add_component(event)
    text = calendar.to_ical().decode()
    zones = [zone] if isinstance(zone, str) else list(zone)
    # The zones go last, as icalendar itself would put them, only already written out.
    return text.removesuffix(CALENDAR_END) + "".join(map(_vtimezone_text, zones)) + CALENDAR_END


def calendar_event(
    *, session: Session, uid: str, stamp: datetime, link: str, status: str, summary: str = ""
) -> Event:
    branch = session.room.branch
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", session.local_start)
    event.add("dtend", session.local_end)
    event.add("summary", summary or f"{session.programme.name} – {branch.name}")
    event.add(
        "location", ", ".join(p for p in (session.room.name, branch.name, branch.address) if p)
    )
    event.add("description", link)
    event.add("url", link)
    event.add("status", status)
    return event


def revised(event: Event, *, created_at: datetime, changed_at: datetime | None) -> Event:
    """A file sent about a change supersedes the ones sent before: calendars keep the event
    with the highest SEQUENCE for its UID, so it counts the minutes since the first one."""
    if changed_at is not None:
        event.pop("dtstamp")
        event.add("dtstamp", changed_at.astimezone(UTC))
        event.add("sequence", max(int((changed_at - created_at).total_seconds() // 60), 0))
    return event
