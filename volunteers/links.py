"""Signed links that stand in for a password: a volunteer's shift, an RSVP to a meeting,
the volunteer's own page and their calendar feed.

A shift's or a meeting's link does one thing for one row, so a forwarded link can do no
more than that. The volunteer's own page and feed are theirs alone: each token names the
volunteer and their link_version, so "send a new link" (volunteer_send_page_link with
renew) stops every page and feed link given out before it. The feed has its own token,
as a calendar program holds it in plain sight: it shows the shifts and changes nothing.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from common.links import absolute, pk_from, signed_pk
from volunteers.models import Assignment, MeetingInvitation, Volunteer

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


def meeting_calendar_url(*, invitation: MeetingInvitation) -> str:
    token = signed_pk(invitation.pk, MEETING_SALT)
    return absolute(reverse("volunteers:meeting_calendar", args=[token]))


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
