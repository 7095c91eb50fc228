"""Experience meetings: who is invited (once), answers until the start, who came."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail

from notifications.models import Outbox
from partners.models import ContactPerson
from volunteers.links import invitation_from_token, meeting_url
from volunteers.meetings import (
    meeting_changed,
    meeting_invite,
    meeting_mark_attendance,
    meeting_respond,
    meeting_update,
)
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
    series = lektiecafe_series()
    library = ContactPerson.objects.create(
        name="Lene Bibliotekar", email="lene@library.dk", branch=series.room.branch
    )
    partnership = partnership_for(
        series,
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


def link_in(text: str) -> MeetingInvitation | None:
    """The invitation the message's answer link opens (the link's signature carries the
    second it was made, so the text is compared by what it opens)."""
    prefix = meeting_url(invitation=MeetingInvitation(pk=1)).split("/meeting/")[0] + "/meeting/"
    token = text.split(prefix, 1)[1].split("/", 1)[0]
    return invitation_from_token(token)


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

    assert link_in(message.body_text) == anna


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


# -- a meeting moved to another time or place ----------------------------------------------


def moved(meeting, *, by=timedelta(0), place=None) -> int:
    """Move the meeting ``by`` and/or to ``place`` and save it, as the admin does: the
    service tells whoever was invited."""
    meeting.starts_at += by
    meeting.ends_at += by
    meeting.place = meeting.place if place is None else place
    return meeting_update(meeting=meeting, now=BEFORE)


def test_a_meeting_moved_to_another_time_tells_everyone_invited_once(meeting):
    anna = member(meeting, "Anna Holm")
    meeting_invite(meeting=meeting, now=BEFORE)
    meeting_respond(
        invitation=MeetingInvitation.objects.get(volunteer=anna), response="no", now=BEFORE
    )

    assert moved(meeting, by=timedelta(days=1)) == 4

    told = Outbox.objects.get(kind="meeting_changed", recipient="anna@example.com")
    # Anna said no to the old time: the new one may suit her.
    assert told.subject == "New time: Erfa-møde forår is now on 5 March 2030 at 18:00"
    assert "Erfa-møde forår has a new time:" in told.body_text
    assert "Tuesday 5 March 2030, 18:00–20:00" in told.body_text
    assert "Before, it was Monday 4 March 2030 at 18:00." in told.body_text
    assert link_in(told.body_text) == MeetingInvitation.objects.get(volunteer=anna)
    # Saving the same change again tells nobody twice.
    meeting_changed(
        meeting=meeting,
        was_starts_at=STARTS,
        was_ends_at=STARTS + timedelta(hours=2),
        was_place=meeting.place,
        now=BEFORE,
    )
    assert Outbox.objects.filter(kind="meeting_changed").count() == 4

    # Moved again (even back): told again.
    assert moved(meeting, by=timedelta(days=-1)) == 4
    assert Outbox.objects.filter(kind="meeting_changed", recipient="anna@example.com").count() == 2


def test_a_new_place_is_told_and_a_place_naming_the_branch_does_not_repeat_it(meeting):
    member(meeting, "Anna Holm")
    meeting_invite(meeting=meeting, now=BEFORE)
    branch = meeting.partnership.branch

    moved(meeting, place=f"Lektiecaféen, {branch.name}")

    told = Outbox.objects.get(kind="meeting_changed", recipient="anna@example.com")
    assert told.subject == "New place: Erfa-møde forår"
    assert "Erfa-møde forår has a new place:" in told.body_text
    assert f"18:00–20:00, Lektiecaféen, {branch.name}\n" in told.body_text
    assert "Before, the place was Lektiecaféen." in told.body_text
    assert "Before, it was" not in told.body_text


def test_nothing_is_told_when_neither_time_nor_place_changed_or_the_meeting_has_begun(meeting):
    member(meeting, "Anna Holm")
    meeting_invite(meeting=meeting, now=BEFORE)

    assert moved(meeting) == 0
    meeting.title = "Erfa-møde, forår"
    assert moved(meeting) == 0
    was = meeting.starts_at
    meeting.starts_at = meeting.ends_at = BEFORE - timedelta(hours=1)
    assert (
        meeting_changed(
            meeting=meeting, was_starts_at=was, was_ends_at=was, was_place="", now=BEFORE
        )
        == 0
    )
    assert not Outbox.objects.filter(kind="meeting_changed").exists()


def test_a_meeting_is_saved_with_its_change_whoever_is_told(meeting):
    assert moved(meeting, by=timedelta(days=1), place="Salen") == 0  # nobody invited yet
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.place) == (STARTS + timedelta(days=1), "Salen")


def test_the_meeting_page_names_the_branch_once_when_the_place_does(client, meeting):
    branch = meeting.partnership.branch
    meeting.place = f"Lektiecaféen, {branch.name}"
    meeting.save()
    invitation = MeetingInvitation.objects.create(meeting=meeting, volunteer=member(meeting, "Ida"))

    page = client.get(urlsplit(meeting_url(invitation=invitation)).path).content.decode()

    assert f"<p>Lektiecaféen, {branch.name}" in page
    assert page.count(branch.name) == 1
