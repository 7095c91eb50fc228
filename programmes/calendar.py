"""Calendar files (.ics): one event per session, in the branch's time zone.

A file sent by e-mail is a scheduling message (iTIP, RFC 5546) that mail programs act on
by themselves: METHOD:REQUEST adds the event or updates it, METHOD:CANCEL removes it. They
find the event they already hold by its UID and take the file only when its SEQUENCE is
higher than the one they have, so each event's SEQUENCE is derived from what happened to
it (``Session.sequence`` and the booking's or assignment's own changes), never from the
clock. The ORGANIZER is the branch, at the library's address. A file downloaded from a page
is METHOD:PUBLISH: it is not a message from anybody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from enum import StrEnum
from functools import lru_cache

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vCalAddress

from notifications.services import Attachment
from programmes.models import Session

CALENDAR_END = "END:VCALENDAR\r\n"


class CalendarMethod(StrEnum):
    PUBLISH = "PUBLISH"
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


class EventStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


# What the person the file is sent to has said to the event, as their calendar shows it.
PARTSTAT = {
    EventStatus.CONFIRMED: "ACCEPTED",
    EventStatus.TENTATIVE: "TENTATIVE",
    EventStatus.CANCELLED: "DECLINED",
}


@dataclass(frozen=True)
class Attendee:
    """The person a file is for: their calendar lists them as taking part."""

    name: str
    email: str


@lru_cache(maxsize=16)
def _vtimezone_text(zone: str) -> str:
    """The VTIMEZONE block for a branch's zone. Building it and writing it out cost
    milliseconds (it lists decades of clock changes), so each is done once per zone."""
    return Timezone.from_tzid(zone).to_ical().decode()


def organizer_email() -> str:
    """The library's address, as messages are sent from it (DEFAULT_FROM_EMAIL)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def calendar_text(
    events: list[Event], zone: str, *, method: CalendarMethod = CalendarMethod.PUBLISH
) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Familieliv//Family activities at the library//EN")
    calendar.add("version", "2.0")
    calendar.add("method", str(method))
    for event in events:
        calendar.add_component(event)
    text = calendar.to_ical().decode()
    # The zone goes last, as icalendar itself would put it, only already written out.
    return text.removesuffix(CALENDAR_END) + _vtimezone_text(zone) + CALENDAR_END


def message_method(events: list[Event]) -> CalendarMethod:
    """A file that only cancels is a CANCEL (calendars remove the events); any other file
    sent by e-mail is a REQUEST (calendars add or update them)."""
    if events and all(str(event.get("status")) == EventStatus.CANCELLED for event in events):
        return CalendarMethod.CANCEL
    return CalendarMethod.REQUEST


def calendar_mimetype(method: CalendarMethod) -> str:
    """Mail programs read the method from the attachment's content type too (RFC 6047)."""
    return f"text/calendar; method={method}; charset=utf-8"


def calendar_attachment(*, filename: str, events: list[Event], zone: str) -> Attachment:
    """The events as an e-mail's calendar file: a REQUEST or, when it only cancels, a CANCEL."""
    method = message_method(events)
    return Attachment(
        filename=filename,
        content=calendar_text(events, zone, method=method),
        mimetype=calendar_mimetype(method),
    )


def calendar_event(
    *,
    session: Session,
    uid: str,
    stamp: datetime,
    link: str,
    status: EventStatus,
    sequence: int,
    summary: str = "",
    attendee: Attendee | None = None,
) -> Event:
    """``stamp``: when the file is written. ``sequence``: how many changes the event has had
    (only ever grows for one ``uid``)."""
    branch = session.room.branch
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", session.local_start)
    event.add("dtend", session.local_end)
    event.add("summary", summary or f"{session.programme.name} – {branch.name}")
    event.add(
        "location", ", ".join(p for p in (session.room.name, branch.name, branch.address) if p)
    )
    event.add("description", link)
    event.add("url", link)
    event.add("status", str(status))
    event.add("organizer", vCalAddress.new(organizer_email(), cn=branch.name))
    if attendee is not None:
        event.add(
            "attendee",
            vCalAddress.new(
                attendee.email,
                cn=attendee.name,
                role="REQ-PARTICIPANT",
                partstat=PARTSTAT[status],
                # Answers go through the family's own link, not as replies to the library.
                rsvp=False,
            ),
        )
    return event
