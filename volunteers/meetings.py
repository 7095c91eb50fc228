"""Experience meetings (erfa-møder): invitations, answers and who came.

Everyone who carries the partnership is invited: its volunteers who are being welcomed or
active, the library's contact person and the partner's coordinators. Inviting again adds
only the people who joined since, so a meeting can be announced early and topped up later.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify_many

from .messages import meeting_invitation_message
from .models import ExperienceMeeting, MeetingInvitation, Volunteer
from .services import AssignmentError


def _refuse_once_started(meeting: ExperienceMeeting, now: datetime) -> None:
    if meeting.starts_at <= now:
        raise AssignmentError(_("This meeting has already started."))


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


def meeting_respond(
    *, invitation: MeetingInvitation, response: str, now: datetime | None = None
) -> MeetingInvitation:
    """A guest answers yes or no; they may change their mind until the meeting starts."""
    now = now or timezone.now()
    if response not in (MeetingInvitation.Response.YES, MeetingInvitation.Response.NO):
        raise AssignmentError(_("Answer yes or no."))
    _refuse_once_started(invitation.meeting, now)
    invitation.response = response
    invitation.responded_at = now
    invitation.save(update_fields=["response", "responded_at"])
    return invitation


def meeting_mark_attendance(
    *, invitation: MeetingInvitation, attended: bool | None, now: datetime | None = None
) -> MeetingInvitation:
    """After the meeting has started, staff record who came (None: not known)."""
    now = now or timezone.now()
    if attended is not None and invitation.meeting.starts_at > now:
        raise AssignmentError(_("Who came can be marked once the meeting has started."))
    invitation.attended = attended
    invitation.save(update_fields=["attended"])
    return invitation
