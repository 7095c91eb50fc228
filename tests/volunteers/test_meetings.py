"""Experience meetings: who is invited (once), answers until the start, who came."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from notifications.models import Outbox
from partners.models import ContactPerson
from volunteers.links import meeting_url
from volunteers.meetings import meeting_invite, meeting_mark_attendance, meeting_respond
from volunteers.models import ExperienceMeeting, MeetingInvitation, Onboarding, Volunteer
from volunteers.services import AssignmentError

from .support import coordinator, lektiecafe_series, organisation, partnership_for, volunteer

pytestmark = pytest.mark.django_db

STARTS = datetime(2030, 3, 4, 17, tzinfo=UTC)
BEFORE = STARTS - timedelta(days=7)


@pytest.fixture
def meeting():
    """A Lektiecafé partnership with two contact persons on each side of it."""
    org = organisation()
    library = ContactPerson.objects.create(name="Lene Bibliotekar", email="lene@library.dk")
    partnership = partnership_for(
        lektiecafe_series(),
        org,
        coordinators=[coordinator(org, "karen"), coordinator(org, "jonas")],
        library_contact=library,
    )
    return ExperienceMeeting.objects.create(
        partnership=partnership,
        title="Erfa-møde forår",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
        place="Lektiecaféen",
    )


def member(meeting, name, status=Volunteer.Status.ACTIVE, partnership=None):
    person = volunteer(meeting.partnership.organisation, name, status=status)
    Onboarding.objects.create(volunteer=person, partnership=partnership or meeting.partnership)
    return person


def invited(meeting) -> set[str]:
    return {str(i.guest.name) for i in meeting.invitations.select_related("volunteer", "contact")}


def test_active_and_new_volunteers_and_both_contacts_are_invited_each_with_a_message(meeting):
    member(meeting, "Anna Holm")
    member(meeting, "Bo Riis", status=Volunteer.Status.ONBOARDING)
    member(meeting, "Carl Dahl", status=Volunteer.Status.PAUSED)
    member(meeting, "Dina Lund", status=Volunteer.Status.LEFT)
    member(meeting, "Emma Friis", status=Volunteer.Status.APPLICANT)
    # A volunteer of the organisation who never joined this partnership.
    volunteer(meeting.partnership.organisation, "Frida Kok")
    other = partnership_for(lektiecafe_series(), organisation())
    member(meeting, "Gorm Vang", partnership=other)

    assert meeting_invite(meeting=meeting, now=BEFORE) == 5

    assert invited(meeting) == {
        "Anna Holm",
        "Bo Riis",
        "Lene Bibliotekar",
        "Karen Coordinator",
        "Jonas Coordinator",
    }
    messages = Outbox.objects.filter(kind="meeting_invitation")
    assert sorted(m.recipient for m in messages) == sorted(
        ["anna@example.com", "bo@example.com", "lene@library.dk"]
        + ["karen@example.org", "jonas@example.org"]
    )
    assert all("Erfa-møde forår" in m.body_text for m in messages)


def test_the_message_carries_the_guests_own_answer_link(meeting):
    member(meeting, "Anna Holm")
    meeting_invite(meeting=meeting, now=BEFORE)

    anna = MeetingInvitation.objects.get(volunteer__name="Anna Holm")
    message = Outbox.objects.get(recipient="anna@example.com")

    assert meeting_url(invitation=anna) in message.body_text


def test_inviting_again_invites_only_those_who_joined_since(meeting):
    member(meeting, "Anna Holm")
    meeting_invite(meeting=meeting, now=BEFORE)

    assert meeting_invite(meeting=meeting, now=BEFORE) == 0
    member(meeting, "Bo Riis")
    assert meeting_invite(meeting=meeting, now=BEFORE) == 1

    assert meeting.invitations.count() == 5
    assert Outbox.objects.filter(kind="meeting_invitation").count() == 5
    assert Outbox.objects.filter(recipient="anna@example.com").count() == 1


def test_invitations_are_sent_by_email_after_commit(meeting, django_capture_on_commit_callbacks):
    member(meeting, "Anna Holm")

    with django_capture_on_commit_callbacks(execute=True):
        meeting_invite(meeting=meeting, now=BEFORE)

    assert "anna@example.com" in {m.to[0] for m in mail.outbox}


def test_no_invitations_once_the_meeting_has_started(meeting):
    member(meeting, "Anna Holm")

    with pytest.raises(AssignmentError, match="already started"):
        meeting_invite(meeting=meeting, now=STARTS)
    assert not meeting.invitations.exists()


def test_a_guest_answers_and_may_change_their_mind_until_the_start(meeting):
    member(meeting, "Anna Holm")
    meeting_invite(meeting=meeting, now=BEFORE)
    invitation = MeetingInvitation.objects.get(volunteer__name="Anna Holm")

    meeting_respond(invitation=invitation, response="yes", now=BEFORE)
    meeting_respond(invitation=invitation, response="no", now=STARTS - timedelta(minutes=1))

    invitation.refresh_from_db()
    assert invitation.response == MeetingInvitation.Response.NO
    assert invitation.responded_at == STARTS - timedelta(minutes=1)

    with pytest.raises(AssignmentError, match="already started"):
        meeting_respond(invitation=invitation, response="yes", now=STARTS)
    invitation.refresh_from_db()
    assert invitation.response == MeetingInvitation.Response.NO


def test_an_answer_is_yes_or_no(meeting):
    member(meeting, "Anna Holm")
    meeting_invite(meeting=meeting, now=BEFORE)
    invitation = MeetingInvitation.objects.get(volunteer__name="Anna Holm")

    with pytest.raises(AssignmentError, match="yes or no"):
        meeting_respond(invitation=invitation, response="maybe", now=BEFORE)


def test_who_came_is_marked_once_the_meeting_has_started(meeting):
    member(meeting, "Anna Holm")
    meeting_invite(meeting=meeting, now=BEFORE)
    invitation = MeetingInvitation.objects.get(volunteer__name="Anna Holm")

    with pytest.raises(AssignmentError, match="once the meeting has started"):
        meeting_mark_attendance(invitation=invitation, attended=True, now=BEFORE)

    meeting_mark_attendance(invitation=invitation, attended=True, now=STARTS)
    invitation.refresh_from_db()
    assert invitation.attended is True
