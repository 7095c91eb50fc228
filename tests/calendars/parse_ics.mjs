// Reads one calendar file (.ics text) on stdin and prints what a mail program acts on, as
// JSON, parsed by Mozilla's ical.js (the parser of Thunderbird's calendar): the file's
// METHOD and, per event, its UID, SEQUENCE, STATUS, DTSTART and ORGANIZER.
// Used by tests/calendars/test_parsers.py; a file ical.js cannot read exits non-zero.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

const calendar = new ICAL.Component(ICAL.parse(text));
// The zones the file carries, so DTSTART is read in the branch's own zone.
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const organizer = component.getFirstProperty("organizer");
  return {
    uid: event.uid,
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    dtstart: event.startDate.toJSDate().toISOString(),
    tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
    organizer: organizer ? organizer.getFirstValue() : null,
    organizer_name: organizer ? organizer.getParameter("cn") : null,
  };
});
process.stdout.write(
  JSON.stringify({ method: calendar.getFirstPropertyValue("method"), events }) + "\n",
);
