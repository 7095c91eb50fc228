"""Experience meetings (erfa-møder): invitations, answers and who came.

Everyone who carries the partnership is invited: its volunteers who are being welcomed or
active, the library's contact person and the partner's coordinators. Inviting again adds
only the people who joined since, so a meeting can be announced early and topped up later.
A meeting moved to another time or place tells everyone invited (meeting_changed).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify_many
from partners.models import Partnership
from volunteers.messages import meeting_changed_message, meeting_invitation_message
from volunteers.models import ExperienceMeeting, MeetingInvitation, Volunteer
from volunteers.services import AssignmentError


def _refuse_once_started(meeting: ExperienceMeeting, now: datetime) -> None:
    if meeting.starts_at <= now:
        raise AssignmentError(_("This meeting has already started."))


def meeting_refusal(*, starts_at: datetime, ends_at: datetime, now: datetime) -> str:
    """Why a meeting cannot be at this time, or "" when it can."""
    if ends_at <= starts_at:
        return _("The meeting must end after it starts.")
    if starts_at <= now:
        return _("A new meeting must start in the future.")
    return ""


def meeting_create(
    *,
    partnership: Partnership,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    agenda: str = "",
    now: datetime | None = None,
) -> ExperienceMeeting:
    """A coordinator plans an experience meeting for one of their partnerships; the
    invitations go out when they send them (meeting_invite)."""
    now = now or timezone.now()
    reason = meeting_refusal(starts_at=starts_at, ends_at=ends_at, now=now)
    if reason:
        raise AssignmentError(reason)
    return ExperienceMeeting.objects.create(
        partnership=partnership,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        agenda=agenda,
    )


def meeting_invite(*, meeting: ExperienceMeeting, now: datetime | None = None) -> int:
    """Invite everyone who belongs to the meeting's partnership; returns how many are new.

    Safe to run again: people already invited are neither invited nor told twice.
    """
    now = now or timezone.now()
    _refuse_once_started(meeting, now)
    partnership = meeting.partnership
    volunteers = Volunteer.objects.filter(
        onboardings__partnership=partnership, status__in=Volunteer.WORKING
    ).values_list("pk", flat=True)
    contacts = {contact.pk for contact in partnership.coordinators.all()}
    if partnership.library_contact_id:
        contacts.add(partnership.library_contact_id)
    with transaction.atomic():
        MeetingInvitation.objects.bulk_create(
            [MeetingInvitation(meeting=meeting, volunteer_id=pk) for pk in volunteers]
            + [MeetingInvitation(meeting=meeting, contact_id=pk) for pk in sorted(contacts)],
            ignore_conflicts=True,
        )
        invitations = MeetingInvitation.objects.filter(meeting=meeting).select_related(
            "meeting__partnership__branch", "volunteer", "contact"
        )
        # The outbox key is per invitation, so those told before are skipped unrendered.
        return notify_many(
            [meeting_invitation_message(invitation=invitation) for invitation in invitations]
        )


def meeting_changed(
    *,
    meeting: ExperienceMeeting,
    was_starts_at: datetime,
    was_ends_at: datetime,
    was_place: str,
    now: datetime | None = None,
) -> int:
    """Tell everyone invited that the meeting (already saved) has a new time or place;
    returns how many were told.

    Those who said no are told too: the new time may suit them. Nothing is sent for a
    meeting that has started, nor when neither the time nor the place changed; the same
    change saved twice is told once (the outbox key names the old and the new).
    """
    now = now or timezone.now()
    moved = (was_starts_at, was_ends_at) != (meeting.starts_at, meeting.ends_at)
    if not (moved or was_place != meeting.place) or meeting.starts_at <= now:
        return 0
    invitations = meeting.invitations.select_related(
        "meeting__partnership__branch", "volunteer", "contact"
    )
    return notify_many(
        [
            meeting_changed_message(
                invitation=invitation,
                was_starts_at=was_starts_at,
                was_ends_at=was_ends_at,
                was_place=was_place,
            )
            for invitation in invitations
        ]
    )


def meeting_update(*, meeting: ExperienceMeeting, now: datetime | None = None) -> int:
    """Save a meeting whose fields a form has changed; everyone invited is told of a new
    time or place (meeting_changed). Returns how many were told."""
    if meeting.ends_at <= meeting.starts_at:
        raise AssignmentError(_("The meeting must end after it starts."))
    with transaction.atomic():
        was = (
            ExperienceMeeting.objects.select_for_update()
            .values("starts_at", "ends_at", "place")
            .get(pk=meeting.pk)
        )
        if (was["starts_at"], was["ends_at"], was["place"]) != (
            meeting.starts_at,
            meeting.ends_at,
            meeting.place,
        ):
            # The guests' calendars take the new file over the old one.
            meeting.sequence += 1
        meeting.save()
        return meeting_changed(
            meeting=meeting,
            was_starts_at=was["starts_at"],
            was_ends_at=was["ends_at"],
            was_place=was["place"],
            now=now,
        )


def response_refusal(*, meeting: ExperienceMeeting, response: str, now: datetime) -> str:
    """Why an answer cannot be given now, or "" when it can (the admin asks before saving)."""
    if response not in (MeetingInvitation.Response.YES, MeetingInvitation.Response.NO):
        return _("Answer yes or no.")
    if meeting.starts_at <= now:
        return _("This meeting has already started.")
    return ""


def attendance_refusal(*, meeting: ExperienceMeeting, attended: bool | None, now: datetime) -> str:
    """Why who came cannot be recorded now, or "" when it can."""
    if attended is not None and meeting.starts_at > now:
        return _("Who came can be marked once the meeting has started.")
    return ""


def meeting_respond(
    *, invitation: MeetingInvitation, response: str, now: datetime | None = None
) -> MeetingInvitation:
    """A guest answers yes or no; they may change their mind until the meeting starts."""
    now = now or timezone.now()
    reason = response_refusal(meeting=invitation.meeting, response=response, now=now)
    if reason:
        raise AssignmentError(reason)
    invitation.response = response
    invitation.responded_at = now
    invitation.save(update_fields=["response", "responded_at"])
    return invitation


def meeting_mark_attendance(
    *, invitation: MeetingInvitation, attended: bool | None, now: datetime | None = None
) -> MeetingInvitation:
    """After the meeting has started, staff record who came (None: not known)."""
    now = now or timezone.now()
    reason = attendance_refusal(meeting=invitation.meeting, attended=attended, now=now)
    if reason:
        raise AssignmentError(reason)
    invitation.attended = attended
    invitation.save(update_fields=["attended"])
    return invitation
