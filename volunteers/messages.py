"""What volunteers, coordinators and library contacts are told, as outbox messages.

Each function builds or writes messages; the services and the planners (outreach.py)
call them. A key names the reason, so nothing is written twice; ``occasion`` (when the
change happened) is in the key of messages that may rightly happen again, such as a
second invitation to the same shift after a decline. Each kind's key is spelled by one
function below (the "outbox keys" section), which the message's builder calls; the
planners need no check of their own, as the outbox writes a key once (notify_many).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from icalendar import Event

from common.links import absolute
from notifications.services import Attachment, Message, notify
from partners.models import ContactPerson, Partnership
from programmes.calendar import (
    Attendee,
    EventStatus,
    calendar_attachment,
    calendar_event,
    calendar_text,
)
from volunteers.links import meeting_url, shift_url
from volunteers.models import (
    Assignment,
    Certificate,
    MeetingInvitation,
    Onboarding,
    Shift,
    places_missing,
)

# Messages to the volunteer that carry the shift as a calendar event (a cancelled
# session's event has STATUS:CANCELLED, so calendars drop it).
KINDS_WITH_CALENDAR = {"shift_invitation", "shift_session_moved", "shift_session_cancelled"}


def _stamp(occasion: datetime | tuple[datetime, ...] | None) -> str:
    if occasion is None:
        return ""
    moments = occasion if isinstance(occasion, tuple) else (occasion,)
    return ":" + "-".join(f"{moment.timestamp():.0f}" for moment in moments)


# -- outbox keys: one function per kind, the only place its key is spelled ------------------


def assignment_key(
    *, kind: str, assignment: Assignment, occasion: datetime | tuple[datetime, ...] | None
) -> str:
    """A message about one volunteer's place on a shift (to them, or to the coordinators
    with contact_key), once per ``occasion``."""
    return f"{kind}:assignment:{assignment.pk}{_stamp(occasion)}"


def shift_reminder_key(*, assignment: Assignment) -> str:
    """Keyed on the session's start: a session moved into the next day is reminded again."""
    return assignment_key(
        kind="shift_reminder", assignment=assignment, occasion=assignment.shift.session.starts_at
    )


def session_moved_key(*, assignment: Assignment, now: datetime) -> str:
    """Names the move (the time the volunteer knew and the new one) and when it was found,
    so a session moved back to a time it had before is told again."""
    told = assignment.told_starts_at
    if told is None:
        raise ValueError("Only a volunteer told a time is told it moved (due_session_moves).")
    return assignment_key(
        kind="shift_session_moved",
        assignment=assignment,
        occasion=(told, assignment.shift.session.starts_at, now),
    )


def term_invitation_key(*, first: Assignment, occasion: datetime) -> str:
    return (
        f"shift_invitation_term:volunteer:{first.volunteer_id}:assignment:{first.pk}"
        f"{_stamp(occasion)}"
    )


def understaffed_key(*, shift: Shift) -> str:
    """Once per shift (and contact): a later gap is a decline or cancellation, told at once."""
    return f"shift_understaffed:shift:{shift.pk}"


def certificate_renewal_key(*, certificate: Certificate) -> str:
    return f"certificate_renewal:certificate:{certificate.pk}"


def welcome_key(*, onboarding: Onboarding) -> str:
    return f"volunteer_welcome:onboarding:{onboarding.pk}"


def meeting_invitation_key(*, invitation: MeetingInvitation) -> str:
    return f"meeting_invitation:invitation:{invitation.pk}"


def meeting_changed_key(
    *,
    invitation: MeetingInvitation,
    was_starts_at: datetime,
    was_ends_at: datetime,
    was_place: str,
) -> str:
    """Names the old and the new time and place: moving it again is told again, and saving
    the same change is not."""
    meeting = invitation.meeting
    place = hashlib.sha256(f"{was_place}\n{meeting.place}".encode()).hexdigest()[:12]
    stamp = _stamp((was_starts_at, was_ends_at, meeting.starts_at, meeting.ends_at))
    return f"meeting_changed:invitation:{invitation.pk}{stamp}:{place}"


def contact_key(key: str, contact: ContactPerson) -> str:
    """The key of one contact person's copy of a message told to several."""
    return f"{key}:contact:{contact.pk}"


def _shift_context(shift: Shift) -> dict:
    session = shift.session
    partnership = shift.partnership
    return {
        "shift": shift,
        "session": session,
        "programme": session.programme,
        "branch": session.room.branch,
        "partnership": partnership,
        "organisation": partnership.organisation,
    }


def _shift_event(assignment: Assignment, link: str, now: datetime) -> Event:
    session = assignment.shift.session
    if session.status == session.Status.CANCELLED or assignment.status in (
        Assignment.Status.CANCELLED,
        Assignment.Status.DECLINED,
    ):
        status = EventStatus.CANCELLED
    elif assignment.status == Assignment.Status.PROPOSED:
        # Not yet answered: the calendar shows it as pencilled in.
        status = EventStatus.TENTATIVE
    else:
        status = EventStatus.CONFIRMED
    volunteer = assignment.volunteer
    return calendar_event(
        session=session,
        uid=f"shift-{assignment.shift_id}-volunteer-{assignment.volunteer_id}@familieliv",
        stamp=now,
        link=link,
        status=status,
        sequence=shift_sequence(assignment),
        summary=f"{assignment.shift.get_role_display()}: {session.programme.name}",
        attendee=Attendee(name=volunteer.name, email=volunteer.email),
    )


def shift_sequence(assignment: Assignment) -> int:
    """Calendars replace an event only by a higher SEQUENCE. From stored history alone: the
    session's changes (a move, a cancellation) and the seconds from the assignment's making
    to its last change (an answer, a cancellation), each of which only grows."""
    answered = int((assignment.changed_at - assignment.created_at).total_seconds())
    return assignment.shift.session.sequence + max(answered, 0)


def shift_ics(*, assignment: Assignment, link: str, now: datetime | None = None) -> str:
    """The shift as a file downloaded from the volunteer's page (METHOD:PUBLISH)."""
    event = _shift_event(assignment, link, now or timezone.now())
    return calendar_text([event], assignment.shift.session.room.branch.time_zone)


def assignment_message(*, assignment: Assignment, kind: str, key: str) -> Message:
    """A message to the volunteer about one of their shifts."""
    volunteer = assignment.volunteer
    link = shift_url(assignment=assignment)
    attachments: tuple[Attachment, ...] = ()
    if kind in KINDS_WITH_CALENDAR:
        attachments = (
            calendar_attachment(
                filename="shift.ics",
                events=[_shift_event(assignment, link, timezone.now())],
                zone=assignment.shift.session.room.branch.time_zone,
            ),
        )
    return Message(
        key=key,
        kind=kind,
        recipient=volunteer.email,
        language=volunteer.language,
        reference=f"assignment:{assignment.pk}",
        context={
            **_shift_context(assignment.shift),
            "assignment": assignment,
            "volunteer": volunteer,
            "shift_url": link,
            "coordinators": list(assignment.shift.partnership.coordinators.all()),
        },
        attachments=attachments,
    )


def notify_assignment(*, assignment: Assignment, kind: str, occasion: datetime | None) -> None:
    key = assignment_key(kind=kind, assignment=assignment, occasion=occasion)
    notify(assignment_message(assignment=assignment, kind=kind, key=key))


def shift_reminder_message(*, assignment: Assignment) -> Message:
    return assignment_message(
        assignment=assignment,
        kind="shift_reminder",
        key=shift_reminder_key(assignment=assignment),
    )


def session_cancelled_message(*, assignment: Assignment, now: datetime) -> Message:
    kind = "shift_session_cancelled"
    return assignment_message(
        assignment=assignment,
        kind=kind,
        key=assignment_key(kind=kind, assignment=assignment, occasion=now),
    )


def session_moved_message(*, assignment: Assignment, now: datetime) -> Message:
    """Rendered while ``told_starts_at`` still holds the time the volunteer knew."""
    return assignment_message(
        assignment=assignment,
        kind="shift_session_moved",
        key=session_moved_key(assignment=assignment, now=now),
    )


def term_invitation_message(*, assignments: list[Assignment], occasion: datetime) -> Message:
    """One invitation for several weeks of the same shift: each week with its own answer
    link, all of them in one calendar file."""
    first = assignments[0]
    volunteer = first.volunteer
    weeks = [(assignment, shift_url(assignment=assignment)) for assignment in assignments]
    now = timezone.now()
    attachment = calendar_attachment(
        filename="shifts.ics",
        events=[_shift_event(assignment, link, now) for assignment, link in weeks],
        zone=first.shift.session.room.branch.time_zone,
    )
    return Message(
        key=term_invitation_key(first=first, occasion=occasion),
        kind="shift_invitation_term",
        recipient=volunteer.email,
        language=volunteer.language,
        reference=f"assignment:{first.pk}",
        context={
            **_shift_context(first.shift),
            "volunteer": volunteer,
            "weeks": [
                {"assignment": assignment, "session": assignment.shift.session, "url": link}
                for assignment, link in weeks
            ],
            "coordinators": list(first.shift.partnership.coordinators.all()),
        },
        attachments=(attachment,),
    )


def notify_term_invitation(*, assignments: list[Assignment], occasion: datetime) -> None:
    notify(term_invitation_message(assignments=assignments, occasion=occasion))


def coordinator_page_url(shift: Shift) -> str:
    return absolute(reverse("volunteers:shift_detail", args=[shift.pk]))


def _to_contacts(
    *,
    contacts: list[ContactPerson],
    kind: str,
    key: str,
    reference: str,
    context: dict,
) -> list[Message]:
    return [
        Message(
            key=contact_key(key, contact),
            kind=kind,
            recipient=contact.email,
            language=contact.language,
            reference=reference,
            context={**context, "contact": contact},
        )
        for contact in contacts
    ]


def coordinator_messages(
    *, assignment: Assignment, kind: str, occasion: datetime | None = None
) -> list[Message]:
    """The partnership's coordinators told of a volunteer's decline or cancellation."""
    shift = assignment.shift
    return _to_contacts(
        contacts=list(shift.partnership.coordinators.all()),
        kind=kind,
        key=assignment_key(kind=kind, assignment=assignment, occasion=occasion),
        reference=f"assignment:{assignment.pk}",
        context={
            **_shift_context(shift),
            "volunteer": assignment.volunteer,
            # Set when staff took the volunteer off; None when the volunteer answered.
            "changed_by": assignment.changed_by,
            "shift_page_url": coordinator_page_url(shift),
        },
    )


def notify_coordinators(*, assignment: Assignment, kind: str, occasion: datetime | None) -> None:
    for message in coordinator_messages(assignment=assignment, kind=kind, occasion=occasion):
        notify(message)


def understaffed_messages(*, shift: Shift, staffed: int, unanswered: int = 0) -> list[Message]:
    """Coordinators and the library's contact: a shift still short of volunteers who said
    yes (``staffed``), with ``unanswered`` invitations still open."""
    partnership = shift.partnership
    contacts = list(partnership.coordinators.all())
    if partnership.library_contact is not None:
        contacts.append(partnership.library_contact)
    return _to_contacts(
        contacts=contacts,
        kind="shift_understaffed",
        key=understaffed_key(shift=shift),
        reference=f"shift:{shift.pk}",
        context={
            **_shift_context(shift),
            "staffed": staffed,
            "unanswered": unanswered,
            "missing": places_missing(required=shift.required_count, staffed=staffed),
            "shift_page_url": coordinator_page_url(shift),
        },
    )


def certificate_renewal_messages(*, certificate: Certificate) -> list[Message]:
    """The coordinators of the volunteer's organisation: a certificate is about to expire."""
    volunteer = certificate.volunteer
    coordinators = [contact for contact in volunteer.organisation.contacts.all() if contact.user_id]
    return _to_contacts(
        contacts=coordinators,
        kind="certificate_renewal",
        key=certificate_renewal_key(certificate=certificate),
        reference=f"volunteer:{volunteer.pk}",
        context={
            "certificate": certificate,
            "volunteer": volunteer,
            "organisation": volunteer.organisation,
            "volunteer_page_url": absolute(
                reverse("volunteers:volunteer_detail", args=[volunteer.pk])
            ),
        },
    )


def notify_welcome(*, onboarding: Onboarding) -> None:
    """A new volunteer's welcome: who to ask, where to go, what happens first."""
    volunteer = onboarding.volunteer
    partnership: Partnership = onboarding.partnership
    notify(
        Message(
            key=welcome_key(onboarding=onboarding),
            kind="volunteer_welcome",
            recipient=volunteer.email,
            language=volunteer.language,
            reference=f"volunteer:{volunteer.pk}",
            context={
                "volunteer": volunteer,
                "partnership": partnership,
                "programme": partnership.programme,
                "branch": partnership.branch,
                "organisation": partnership.organisation,
                "library_contact": partnership.library_contact,
                "coordinators": list(partnership.coordinators.all()),
            },
        )
    )


def _meeting_message(*, invitation: MeetingInvitation, kind: str, key: str, **context) -> Message:
    """A message to one invited guest, with the meeting and their answer link."""
    guest = invitation.guest
    meeting = invitation.meeting
    return Message(
        key=key,
        kind=kind,
        recipient=guest.email,
        language=guest.language,
        reference=f"meeting:{meeting.pk}",
        context={
            "guest": guest,
            "meeting": meeting,
            "partnership": meeting.partnership,
            "branch": meeting.partnership.branch,
            "rsvp_url": meeting_url(invitation=invitation),
            **context,
        },
    )


def meeting_invitation_message(*, invitation: MeetingInvitation) -> Message:
    return _meeting_message(
        invitation=invitation,
        kind="meeting_invitation",
        key=meeting_invitation_key(invitation=invitation),
    )


def meeting_changed_message(
    *,
    invitation: MeetingInvitation,
    was_starts_at: datetime,
    was_ends_at: datetime,
    was_place: str,
) -> Message:
    """An invited guest told of the meeting's new time or place. The key names the old
    and the new, so moving it again is told again and saving the same change is not."""
    meeting = invitation.meeting
    return _meeting_message(
        invitation=invitation,
        kind="meeting_changed",
        key=meeting_changed_key(
            invitation=invitation,
            was_starts_at=was_starts_at,
            was_ends_at=was_ends_at,
            was_place=was_place,
        ),
        was_starts_at=was_starts_at,
        time_changed=(was_starts_at, was_ends_at) != (meeting.starts_at, meeting.ends_at),
        was_place=was_place,
        place_changed=was_place != meeting.place,
    )
