"""Calendar files (.ics): one event per session, in the branch's time zone."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from .models import Session


@lru_cache(maxsize=16)
def _vtimezone(zone: str) -> Timezone:
    """The VTIMEZONE block for a branch's zone; building one costs milliseconds, so once."""
    return Timezone.from_tzid(zone)


def calendar_text(events: list[Event], zone: str) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Familieliv//Family activities at the library//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for event in events:
        calendar.add_component(event)
    calendar.add_component(_vtimezone(zone))
    return calendar.to_ical().decode()


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
