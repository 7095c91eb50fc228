"""Signed links that stand in for a password: a volunteer's shift, an RSVP to a meeting.

A link does one thing for one row, so a forwarded link can do no more than that.
"""

from __future__ import annotations

from django.urls import reverse

from common.links import absolute, pk_from, signed_pk
from volunteers.models import Assignment, MeetingInvitation

SHIFT_SALT = "volunteers.assignment"
MEETING_SALT = "volunteers.meeting"


def shift_url(*, assignment: Assignment) -> str:
    """The volunteer's page for one shift: confirm, decline, cancel, calendar file."""
    token = signed_pk(assignment.pk, SHIFT_SALT)
    return absolute(reverse("volunteers:shift", args=[token]))


def assignment_from_token(token: str) -> Assignment | None:
    pk = pk_from(token, SHIFT_SALT)
    if pk is None:
        return None
    return (
        Assignment.objects.select_related(
            "volunteer",
            "shift__session__programme",
            "shift__session__room__branch",
            "shift__partnership__organisation",
        )
        .filter(pk=pk)
        .first()
    )


def meeting_url(*, invitation: MeetingInvitation) -> str:
    token = signed_pk(invitation.pk, MEETING_SALT)
    return absolute(reverse("volunteers:meeting", args=[token]))


def invitation_from_token(token: str) -> MeetingInvitation | None:
    pk = pk_from(token, MEETING_SALT)
    if pk is None:
        return None
    return (
        MeetingInvitation.objects.select_related(
            "meeting__partnership__branch", "volunteer", "contact"
        )
        .filter(pk=pk)
        .first()
    )
