"""Signed links that stand in for a password: a volunteer's shift, an RSVP to a meeting,
the volunteer's own page and their calendar feed.

A shift's or a meeting's link does one thing for one row, so a forwarded link can do no
more than that. Each carries the volunteer's link version and an end (common.links):

- a shift: until SHIFT_LINK_VALIDITY after the session ends (the calendar file too);
- a meeting: until MEETING_LINK_VALIDITY after the meeting ends (its calendar file too).

A library or partner contact invited to a meeting has no link version of their own
(they are staff with logins, not asking for new links): theirs only ends.

The volunteer's own page and feed are theirs alone: each token names the volunteer and
their link_version, so "send a new link" stops every page and feed link given out before
it. The feed has its own token, as a calendar program holds it in plain sight: it shows
the shifts and changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from common.links import absolute, link_row, signed_link
from volunteers.models import Assignment, MeetingInvitation, Volunteer

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


def _meeting_token(invitation: MeetingInvitation) -> str:
    return signed_link(
        invitation.pk,
        salt=MEETING_SALT,
        version=_guest_version(invitation),
        valid_until=invitation.meeting.ends_at + MEETING_LINK_VALIDITY,
    )


def meeting_url(*, invitation: MeetingInvitation) -> str:
    return absolute(reverse("volunteers:meeting", args=[_meeting_token(invitation)]))


def invitation_from_token(token: str) -> MeetingInvitation | None:
    return link_row(
        MeetingInvitation.objects.select_related(
            "meeting__partnership__branch", "volunteer", "contact"
        ),
        token,
        salt=MEETING_SALT,
        version_of=_guest_version,
    )


def meeting_calendar_url(*, invitation: MeetingInvitation) -> str:
    return absolute(reverse("volunteers:meeting_calendar", args=[_meeting_token(invitation)]))


PAGE_SALT = "volunteers.page"
FEED_SALT = "volunteers.feed"


def _volunteer_token(volunteer: Volunteer, salt: str) -> str:
    return signing.dumps([volunteer.pk, volunteer.link_version], salt=salt, compress=True)


def _volunteer_from(token: str, salt: str) -> Volunteer | None:
    try:
        pk, version = signing.loads(token, salt=salt)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return (
        Volunteer.objects.select_related("organisation")
        .filter(pk=pk, link_version=version, anonymised_at__isnull=True)
        .first()
    )


def page_url(*, volunteer: Volunteer) -> str:
    """The volunteer's own page: their coming shifts, their details, their calendar feed."""
    return absolute(reverse("volunteers:own_page", args=[_volunteer_token(volunteer, PAGE_SALT)]))


def volunteer_from_page_token(token: str) -> Volunteer | None:
    return _volunteer_from(token, PAGE_SALT)


def feed_url(*, volunteer: Volunteer) -> str:
    """The address a calendar program subscribes to: the volunteer's shifts, kept current."""
    return absolute(reverse("volunteers:feed", args=[_volunteer_token(volunteer, FEED_SALT)]))


def volunteer_from_feed_token(token: str) -> Volunteer | None:
    return _volunteer_from(token, FEED_SALT)
