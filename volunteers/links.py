"""Signed links that stand in for a password: a volunteer's shift, an RSVP to a meeting.

A link does one thing for one row, so a forwarded link can do no more than that. Each
carries the volunteer's link version and an end (common.links):

- a shift: until SHIFT_LINK_VALIDITY after the session ends (the calendar file too);
- a meeting: until MEETING_LINK_VALIDITY after the meeting ends.

A library or partner contact invited to a meeting has no link version of their own
(they are staff with logins, not asking for new links): theirs only ends.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from common.links import absolute, link_row, signed_link
from volunteers.models import Assignment, MeetingInvitation

SHIFT_SALT = "volunteers.assignment"
MEETING_SALT = "volunteers.meeting"
SHIFT_LINK_VALIDITY = timedelta(days=14)
MEETING_LINK_VALIDITY = timedelta(days=14)
CONTACT_LINK_VERSION = 0


def shift_url(*, assignment: Assignment) -> str:
    """The volunteer's page for one shift: confirm, decline, cancel, calendar file."""
    token = signed_link(
        assignment.pk,
        salt=SHIFT_SALT,
        version=assignment.volunteer.link_version,
        valid_until=assignment.shift.session.ends_at + SHIFT_LINK_VALIDITY,
    )
    return absolute(reverse("volunteers:shift", args=[token]))


def assignment_from_token(token: str) -> Assignment | None:
    return link_row(
        Assignment.objects.select_related(
            "volunteer",
            "shift__session__programme",
            "shift__session__room__branch",
            "shift__partnership__organisation",
        ),
        token,
        salt=SHIFT_SALT,
        version_of=lambda assignment: assignment.volunteer.link_version,
    )


def _guest_version(invitation: MeetingInvitation) -> int:
    if invitation.volunteer is None:
        return CONTACT_LINK_VERSION
    return invitation.volunteer.link_version


def meeting_url(*, invitation: MeetingInvitation) -> str:
    token = signed_link(
        invitation.pk,
        salt=MEETING_SALT,
        version=_guest_version(invitation),
        valid_until=invitation.meeting.ends_at + MEETING_LINK_VALIDITY,
    )
    return absolute(reverse("volunteers:meeting", args=[token]))


def invitation_from_token(token: str) -> MeetingInvitation | None:
    return link_row(
        MeetingInvitation.objects.select_related(
            "meeting__partnership__branch", "volunteer", "contact"
        ),
        token,
        salt=MEETING_SALT,
        version_of=_guest_version,
    )
