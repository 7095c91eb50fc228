"""Reading the calendar files the system sends as a mail program would: with two parsers
written apart from ours, Python's icalendar and Mozilla's ical.js (Thunderbird's), run by
node on tests/calendars/parse_ics.mjs. Both give the same shape, so a test can ask both."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar

from notifications.models import Outbox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCRIPT = HERE / "parse_ics.mjs"
ICAL_JS = ROOT / "node_modules" / "ical.js"


@dataclass(frozen=True)
class ParsedEvent:
    uid: str
    sequence: int
    status: str
    dtstart: datetime  # in UTC
    tzid: str
    organizer: str  # mailto:…
    organizer_name: str


@dataclass(frozen=True)
class ParsedCalendar:
    method: str
    events: tuple[ParsedEvent, ...]

    @property
    def event(self) -> ParsedEvent:
        (event,) = self.events
        return event


def with_icalendar(text: str) -> ParsedCalendar:
    calendar = Calendar.from_ical(text)
    events = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        organizer = event.get("organizer")
        events.append(
            ParsedEvent(
                uid=str(event["uid"]),
                sequence=int(event["sequence"]),
                status=str(event["status"]),
                dtstart=start.astimezone(UTC),
                tzid=str(event["dtstart"].params.get("TZID", "")),
                organizer=str(organizer) if organizer is not None else "",
                organizer_name=str(organizer.params.get("CN", "")) if organizer else "",
            )
        )
    return ParsedCalendar(method=str(calendar["method"]), events=tuple(events))


def with_ical_js(text: str) -> ParsedCalendar:
    node = shutil.which("node")
    assert node, "The calendar tests need Node.js (18 or newer) on the PATH."
    assert ICAL_JS.is_dir(), "ical.js is missing: run `npm ci` (make test does)."
    done = subprocess.run(  # noqa: S603 — our own script, fed the file on stdin
        [node, str(SCRIPT)], input=text, capture_output=True, text=True, cwd=ROOT, timeout=30
    )
    assert done.returncode == 0, f"ical.js could not read the file: {done.stderr}"
    parsed = json.loads(done.stdout)
    return ParsedCalendar(
        method=parsed["method"],
        events=tuple(
            ParsedEvent(
                uid=event["uid"],
                sequence=event["sequence"],
                status=event["status"],
                dtstart=datetime.fromisoformat(event["dtstart"].replace("Z", "+00:00")),
                tzid=event["tzid"] or "",
                organizer=event["organizer"] or "",
                organizer_name=event["organizer_name"] or "",
            )
            for event in parsed["events"]
        ),
    )


def parsed_by_both(text: str) -> ParsedCalendar:
    """The file as both parsers read it; they must agree on everything a calendar acts on."""
    python, javascript = with_icalendar(text), with_ical_js(text)
    assert python == javascript
    return python


@dataclass(frozen=True)
class SentFile:
    """A calendar file as written to the outbox, with the message it went with."""

    key: str
    kind: str
    recipient: str
    mimetype: str
    calendar: ParsedCalendar


def calendar_files(**filters) -> list[SentFile]:
    """Every calendar file in the outbox (filtered), in the order written, read by both
    parsers."""
    files = []
    for row in Outbox.objects.filter(**filters).order_by("created_at", "pk"):
        for attachment in row.attachments:
            if attachment["mimetype"].startswith("text/calendar"):
                files.append(
                    SentFile(
                        key=row.key,
                        kind=row.kind,
                        recipient=row.recipient,
                        mimetype=attachment["mimetype"],
                        calendar=parsed_by_both(attachment["content"]),
                    )
                )
    return files
