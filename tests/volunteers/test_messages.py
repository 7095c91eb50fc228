"""What volunteers, coordinators and the library's contact are told, and when: with a
frozen clock, through the volunteer's link pages and the planners."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from notifications.models import Outbox
from notifications.sending import outbox_send_due
from operations.services import session_cancel
from partners.models import ContactPerson
from programmes.models import Session
from volunteers.links import meeting_url, shift_url
from volunteers.messages import contact_key, shift_reminder_key, understaffed_key
from volunteers.models import (
    Assignment,
    Certificate,
    ExperienceMeeting,
    MeetingInvitation,
    Volunteer,
)
from volunteers.outreach import plan_volunteer_messages
from volunteers.services import (
    AssignmentError,
    assignment_cancel,
    assignment_confirm,
    assignment_decline,
    assignment_propose,
    volunteer_join,
)

from .support import (
    at,
    coordinator,
    first_session,
    lektiecafe_series,
    organisation,
    partnership_for,
    shifts_for,
    volunteer,
)

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 09:00 in Oslo; the term's Mondays 15–18 start a week later.
T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
FIRST_MONDAY = date(2026, 3, 9)
COORDINATOR_PHONE = "+45 11 22 33 44"
CANCEL_BUTTON = 'value="cancel"'


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lektiecafe(clock):
    """Red Barnet Ungdom staffs two Monday Lektiecafés, two volunteers each."""
    org = organisation()
    mette = coordinator(org, "mette")
    series = lektiecafe_series(weekdays=(0,), weeks=2, first=FIRST_MONDAY)
    library = ContactPerson.objects.create(
        name="Jonas Berg",
        title="Children's librarian",
        email="jonas@library.example",
        language="en",
        branch=series.room.branch,
    )
    partnership = partnership_for(series, org, coordinators=[mette], library_contact=library)
    shifts = shifts_for(series, partnership, required=2)
    return SimpleNamespace(
        org=org,
        coordinator=mette,
        library=library,
        partnership=partnership,
        shift=shifts[0],
        later_shift=shifts[1],
        session=first_session(series),
        sofie=volunteer(org, "Sofie Lund"),
    )


def sent_to(email: str) -> list:
    outbox_send_due()
    return [m for m in mail.outbox if m.to == [email]]


def plan(clock, moment: datetime) -> dict[str, int]:
    clock.move_to(moment)
    return plan_volunteer_messages()


def asked(world, person=None, shift=None) -> Assignment:
    return assignment_propose(
        shift=shift or world.shift, volunteer=person or world.sofie, by=world.coordinator.user
    )


def confirmed(world, person=None, shift=None) -> Assignment:
    return assignment_confirm(assignment=asked(world, person, shift))


def status_of(assignment: Assignment) -> str:
    return Assignment.objects.get(pk=assignment.pk).status


def page_of(assignment: Assignment) -> str:
    """The path of the volunteer's link, as it reaches the site."""
    return urlsplit(shift_url(assignment=assignment)).path


# -- the invitation and the volunteer's page -----------------------------------------------


def test_asking_a_volunteer_sends_the_answer_link_and_the_shift_as_a_calendar_file(lektiecafe):
    assignment = asked(lektiecafe)

    (invitation,) = sent_to("sofie@example.com")
    assert invitation.subject == "Can you help at Lektiecafé on Monday 9 March 2026?"
    assert "Homework helper, Lektiecafé" in invitation.body
    assert "Monday 9 March 2026, 15:00–18:00" in invitation.body
    assert shift_url(assignment=assignment) in invitation.body
    assert f"Mette Coordinator, {COORDINATOR_PHONE}" in invitation.body
    html, _ = invitation.alternatives[0]
    assert shift_url(assignment=assignment) in html
    ((filename, ics, mimetype),) = invitation.attachments
    assert (filename, mimetype) == ("shift.ics", "text/calendar; method=REQUEST")
    assert "DTSTART;TZID=Europe/Oslo:20260309T150000" in ics
    # Pencilled in until the volunteer says yes.
    assert "STATUS:TENTATIVE" in ics
    assert "SEQUENCE:0" in ics


def test_opening_the_link_changes_nothing_and_the_yes_button_confirms(client, lektiecafe):
    assignment = asked(lektiecafe)
    page = page_of(assignment)

    opened = client.get(page)
    assert opened.status_code == 200
    assert "Yes, I will come" in opened.content.decode()
    assert status_of(assignment) == Assignment.Status.PROPOSED

    answered = client.post(page, {"action": "confirm"}, follow=True)
    assert status_of(assignment) == Assignment.Status.CONFIRMED
    content = answered.content.decode()
    assert "You have said yes. You are expected!" in content
    assert "Yes, I will come" not in content


def test_the_page_answers_in_the_volunteers_language(client, lektiecafe):
    Volunteer.objects.filter(pk=lektiecafe.sofie.pk).update(language="da")
    response = client.get(page_of(asked(lektiecafe)))
    assert '<html lang="da">' in response.content.decode()


def test_a_language_chosen_on_the_page_wins_over_the_volunteers_own(client, lektiecafe):
    Volunteer.objects.filter(pk=lektiecafe.sofie.pk).update(language="da")
    page = page_of(asked(lektiecafe))

    # The site's language switcher: it leaves its cookie and goes back to the page.
    switched = client.post(reverse("set_language"), {"language": "nb", "next": page}, follow=True)

    assert '<html lang="nb">' in switched.content.decode()
    assert '<html lang="nb">' in client.get(page).content.decode()
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    assert '<html lang="da">' in client.get(page).content.decode()


def test_cancelling_on_the_page_asks_to_confirm_first(client, clock, lektiecafe):
    assignment = confirmed(lektiecafe)

    page = client.get(page_of(assignment)).content.decode()

    # The first tap opens the question; the button that gives the place up is inside it.
    details = page[page.index('<details class="confirm-step">') : page.index("</details>")]
    assert "I can't come after all</summary>" in details
    assert "Are you sure? Your place on this shift is given up" in details
    assert CANCEL_BUTTON in details
    assert page.count(CANCEL_BUTTON) == 1
    assert status_of(assignment) == Assignment.Status.CONFIRMED


def test_a_forged_link_is_not_found(client, lektiecafe):
    asked(lektiecafe)
    assert client.get(reverse("volunteers:shift", args=["forged"])).status_code == 404
    assert client.get(reverse("volunteers:shift_calendar", args=["forged"])).status_code == 404


def test_the_calendar_link_gives_the_shift_as_an_event_newer_than_the_invitations(
    client, clock, lektiecafe
):
    assignment = asked(lektiecafe)
    clock.move_to(T0 + timedelta(hours=2))
    confirmed_now = assignment_confirm(assignment=assignment)
    response = client.get(page_of(confirmed_now) + "calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    ics = response.content.decode()
    assert "SUMMARY:Homework helper: Lektiecafé" in ics
    assert "DTSTART;TZID=Europe/Oslo:20260309T150000" in ics
    assert "STATUS:CONFIRMED" in ics
    # A higher SEQUENCE than the invitation's, so calendars take the newer one.
    assert "SEQUENCE:7200" in ics


def test_declining_tells_the_coordinator_at_once(
    client, lektiecafe, django_capture_on_commit_callbacks
):
    assignment = asked(lektiecafe)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_of(assignment), {"action": "decline"})

    assert status_of(assignment) == Assignment.Status.DECLINED
    # No planner ran: the message left when the decline was saved.
    (told,) = [m for m in mail.outbox if m.to == ["mette@example.org"]]
    assert told.subject == "Sofie Lund said no: Lektiecafé on Monday 9 March 2026"
    assert reverse("volunteers:shift_detail", args=[lektiecafe.shift.pk]) in told.body


def test_cancelling_before_the_cut_off_tells_the_coordinator_at_once(
    client, clock, lektiecafe, django_capture_on_commit_callbacks
):
    assignment = confirmed(lektiecafe)
    clock.move_to(at(lektiecafe.session, 25))
    page = client.get(page_of(assignment)).content.decode()
    assert CANCEL_BUTTON in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_of(assignment), {"action": "cancel"})

    assert status_of(assignment) == Assignment.Status.CANCELLED
    (told,) = [m for m in mail.outbox if m.to == ["mette@example.org"]]
    assert told.subject == "Sofie Lund can't come: Lektiecafé on Monday 9 March 2026"
    assert "Sofie Lund's phone: +45 12 34 56 78" in told.body


def test_after_the_cut_off_the_page_refuses_to_cancel_and_shows_the_coordinators_phone(
    client, clock, lektiecafe
):
    assignment = confirmed(lektiecafe)
    clock.move_to(at(lektiecafe.session, 23))

    page = client.get(page_of(assignment)).content.decode()
    assert CANCEL_BUTTON not in page
    assert "It is too late to cancel here: please call your coordinator." in page
    assert f'href="tel:{COORDINATOR_PHONE.replace(" ", "")}"' in page

    refused = client.post(page_of(assignment), {"action": "cancel"})
    assert refused.status_code == 400
    assert COORDINATOR_PHONE in refused.content.decode()
    assert status_of(assignment) == Assignment.Status.CONFIRMED
    assert not sent_to("mette@example.org")


# -- the planners --------------------------------------------------------------------------


def test_a_confirmed_volunteer_is_reminded_once_the_day_before(clock, lektiecafe):
    assignment = confirmed(lektiecafe)
    asked(lektiecafe, volunteer(lektiecafe.org, "Emil Holm"))  # not confirmed: no reminder
    invitations = len(sent_to("sofie@example.com"))

    plan(clock, at(lektiecafe.session, 25))
    assert len(sent_to("sofie@example.com")) == invitations

    plan(clock, at(lektiecafe.session, 23))
    plan(clock, at(lektiecafe.session, 22))
    (reminder,) = sent_to("sofie@example.com")[invitations:]
    assert reminder.subject == "See you soon: Lektiecafé, Monday at 15:00"
    assert "You are expected" in reminder.body
    assert COORDINATOR_PHONE in reminder.body
    starts = lektiecafe.session.starts_at.timestamp()
    assert reminder.extra_headers["X-Familieliv-Message"] == (
        f"shift_reminder:assignment:{assignment.pk}:{starts:.0f}"
    )
    assert not [m for m in sent_to("emil@example.com") if "See you soon" in m.subject]


def test_the_planners_write_each_message_under_the_key_its_kind_spells(clock, lektiecafe):
    assignment = confirmed(lektiecafe)

    plan(clock, at(lektiecafe.session, 23))

    reminder = Outbox.objects.get(kind="shift_reminder")
    assert reminder.key == shift_reminder_key(assignment=assignment)
    alerts = Outbox.objects.filter(kind="shift_understaffed").values_list("key", flat=True)
    assert set(alerts) == {
        contact_key(understaffed_key(shift=lektiecafe.shift), contact)
        for contact in (lektiecafe.coordinator, lektiecafe.library)
    }


def test_a_shift_still_short_48_hours_before_alerts_coordinator_and_library_contact_once(
    clock, lektiecafe
):
    confirmed(lektiecafe)  # one of the two needed

    plan(clock, at(lektiecafe.session, 49))
    assert not Outbox.objects.filter(kind="shift_understaffed").exists()

    plan(clock, at(lektiecafe.session, 47))
    plan(clock, at(lektiecafe.session, 30))
    for email, name in (("mette@example.org", "Mette"), ("jonas@library.example", "Jonas")):
        (alert,) = sent_to(email)
        assert alert.subject == "1 volunteer missing: Lektiecafé on Monday 9 March 2026"
        assert f"Hello {name}" in alert.body
        assert "still needs 1 more volunteer: 1 of 2 have said yes." in alert.body
        assert "not answered" not in alert.body
    assert not sent_to("sofie@example.com")[1:]  # the volunteer only had her invitation


def test_a_fully_staffed_shift_alerts_nobody(clock, lektiecafe):
    confirmed(lektiecafe)
    confirmed(lektiecafe, volunteer(lektiecafe.org, "Emil Holm"))

    plan(clock, at(lektiecafe.session, 47))

    assert not Outbox.objects.filter(kind="shift_understaffed").exists()


def test_an_unanswered_invitation_does_not_fill_a_place_and_the_alert_says_so(clock, lektiecafe):
    confirmed(lektiecafe)
    asked(lektiecafe, volunteer(lektiecafe.org, "Emil Holm"))  # not answered yet

    plan(clock, at(lektiecafe.session, 47))

    (alert,) = sent_to("mette@example.org")
    assert "still needs 1 more volunteer: 1 of 2 have said yes." in alert.body
    assert "1 volunteer asked has not answered yet." in alert.body


def test_a_certificate_entering_its_renewal_window_alerts_the_coordinator_once(clock, lektiecafe):
    expiring = volunteer(lektiecafe.org, "Emil Holm", certified_until=date(2026, 6, 1))

    plan(clock, datetime(2026, 4, 1, 8, tzinfo=UTC))  # 61 days before
    assert not Outbox.objects.filter(kind="certificate_renewal").exists()

    plan(clock, datetime(2026, 4, 2, 8, tzinfo=UTC))  # 60 days: the organisation's window
    plan(clock, datetime(2026, 4, 3, 8, tzinfo=UTC))
    (alert,) = sent_to("mette@example.org")
    assert alert.subject == "Certificate to renew: Emil Holm, valid until 1 June 2026"
    assert reverse("volunteers:volunteer_detail", args=[expiring.pk]) in alert.body
    # Only the partner's coordinators: the library sees no certificates, nor the volunteer.
    assert not sent_to("jonas@library.example")
    assert not sent_to("emil@example.com")


def test_a_certificate_already_renewed_is_not_alerted(clock, lektiecafe):
    renewed = volunteer(lektiecafe.org, "Emil Holm", certified_until=date(2026, 6, 1))
    Certificate.objects.create(
        volunteer=renewed,
        kind=Certificate.Kind.BOERNEATTEST,
        checked_on=date(2026, 3, 1),
        valid_until=date(2029, 3, 1),
    )

    plan(clock, datetime(2026, 4, 15, 8, tzinfo=UTC))

    assert not Outbox.objects.filter(kind="certificate_renewal").exists()


def test_an_expired_certificate_makes_the_volunteer_unassignable(lektiecafe):
    emil = volunteer(lektiecafe.org, "Emil Holm", certified_until=date(2026, 3, 12))

    asked(lektiecafe, emil, lektiecafe.shift)  # Monday 9 March: still valid
    with pytest.raises(
        AssignmentError, match="certificate of Emil Holm is valid only until 12 March 2026"
    ):
        asked(lektiecafe, emil, lektiecafe.later_shift)
    assert Assignment.objects.filter(volunteer=emil).count() == 1


def test_a_cancelled_session_tells_the_volunteers_on_it_once(clock, lektiecafe):
    carl = volunteer(lektiecafe.org, "Carl Nord")
    assignment_decline(assignment=asked(lektiecafe, carl))  # said no: nothing to tell
    confirmed(lektiecafe)
    asked(lektiecafe, volunteer(lektiecafe.org, "Emil Holm"))

    session_cancel(session_id=lektiecafe.session.pk, reason="Water damage in the room.")
    plan(clock, T0 + timedelta(hours=1))
    plan(clock, T0 + timedelta(hours=2))

    for email in ("sofie@example.com", "emil@example.com"):
        (told,) = [m for m in sent_to(email) if m.subject.startswith("Cancelled")]
        assert told.subject == "Cancelled: Lektiecafé on 9 March 2026"
        assert "Water damage in the room." in told.body
        ((_, ics, _),) = told.attachments
        assert "STATUS:CANCELLED" in ics
    assert not [m for m in sent_to("carl@example.com") if m.subject.startswith("Cancelled")]


def move(session: Session, hours: float) -> None:
    session.refresh_from_db()
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + timedelta(hours=hours),
        ends_at=session.ends_at + timedelta(hours=hours),
    )


def test_a_moved_session_tells_its_volunteers_once_per_move(clock, lektiecafe):
    confirmed(lektiecafe)

    def moves_told() -> list:
        return [m for m in sent_to("sofie@example.com") if m.subject.startswith("New time")]

    move(lektiecafe.session, 1)
    plan(clock, T0 + timedelta(hours=1))
    plan(clock, T0 + timedelta(hours=2))
    (first,) = moves_told()
    assert first.subject == "New time: Lektiecafé is now Monday 9 March 2026 at 16:00"
    assert "Monday 9 March 2026, 16:00–19:00" in first.body
    assert "Before, it was Monday 9 March 2026 at 15:00." in first.body
    ((_, ics, _),) = first.attachments
    assert "DTSTART;TZID=Europe/Oslo:20260309T160000" in ics

    move(lektiecafe.session, 24)
    plan(clock, T0 + timedelta(hours=3))
    (_, second) = moves_told()
    assert second.subject == "New time: Lektiecafé is now Tuesday 10 March 2026 at 16:00"
    assert "Before, it was Monday 9 March 2026 at 16:00." in second.body


def test_joining_welcomes_the_volunteer_with_their_contacts_and_first_steps(lektiecafe):
    newcomer = volunteer(
        lektiecafe.org, "Ida Berg", status=Volunteer.Status.APPLICANT, certified_until=None
    )

    volunteer_join(volunteer=newcomer, partnership=lektiecafe.partnership)
    volunteer_join(volunteer=newcomer, partnership=lektiecafe.partnership)  # once only

    (welcome,) = sent_to("ida@example.com")
    branch = lektiecafe.partnership.branch.name
    assert welcome.subject == f"Welcome, Ida Berg: you are expected at Lektiecafé, {branch}"
    body = welcome.body
    assert "At the library: Jonas Berg (Children's librarian)" in body
    assert f"At Red Barnet Ungdom: Mette Coordinator, {COORDINATOR_PHONE}" in body
    assert "1. Meet Jonas Berg, the library's contact person." in body
    assert "2. A tour of the library" in body
    assert "3. Your child-safety certificate is checked." in body
    assert "4. Your first shift, together with an experienced volunteer." in body


def test_the_plan_messages_command_runs_the_volunteer_planners_too(clock, lektiecafe):
    confirmed(lektiecafe)
    clock.move_to(at(lektiecafe.session, 23))

    call_command("plan_messages", stdout=StringIO())

    assert [m.subject for m in mail.outbox if m.to == ["sofie@example.com"]][-1] == (
        "See you soon: Lektiecafé, Monday at 15:00"
    )


# -- experience meetings -------------------------------------------------------------------


def test_a_guest_answers_an_experience_meeting_invitation_on_its_page(client, clock, lektiecafe):
    meeting = ExperienceMeeting.objects.create(
        partnership=lektiecafe.partnership,
        title="Erfa-møde spring 2026",
        starts_at=datetime(2026, 4, 20, 15, tzinfo=UTC),
        ends_at=datetime(2026, 4, 20, 17, tzinfo=UTC),
        place="Mødelokale 2",
    )
    invitation = MeetingInvitation.objects.create(meeting=meeting, volunteer=lektiecafe.sofie)
    page = urlsplit(meeting_url(invitation=invitation)).path

    opened = client.get(page).content.decode()
    assert "Erfa-møde spring 2026" in opened
    assert "Monday 20 April 2026, 17:00–19:00" in opened
    assert MeetingInvitation.objects.get(pk=invitation.pk).response == ""

    answered = client.post(page, {"response": "yes"}, follow=True).content.decode()
    assert MeetingInvitation.objects.get(pk=invitation.pk).response == "yes"
    assert "You have said you are coming" in answered

    clock.move_to(meeting.starts_at)
    late = client.post(page, {"response": "no"})
    assert late.status_code == 400
    assert MeetingInvitation.objects.get(pk=invitation.pk).response == "yes"


def test_a_session_moved_back_and_forth_is_told_every_time(clock, lektiecafe):
    confirmed(lektiecafe)

    def moves_told() -> list[str]:
        return [m.subject for m in sent_to("sofie@example.com") if m.subject.startswith("New")]

    for n, hours in enumerate((1, -1, 1), start=1):
        move(lektiecafe.session, hours)
        plan(clock, T0 + timedelta(hours=n))

    assert moves_told() == [
        "New time: Lektiecafé is now Monday 9 March 2026 at 16:00",
        "New time: Lektiecafé is now Monday 9 March 2026 at 15:00",
        "New time: Lektiecafé is now Monday 9 March 2026 at 16:00",
    ]


def test_a_moved_session_is_reminded_again_at_its_new_time(clock, lektiecafe):
    confirmed(lektiecafe)
    plan(clock, at(lektiecafe.session, 23))
    move(lektiecafe.session, 2)
    lektiecafe.session.refresh_from_db()

    plan(clock, at(lektiecafe.session, 22))

    reminders = [m for m in sent_to("sofie@example.com") if m.subject.startswith("See you")]
    assert [m.subject for m in reminders] == [
        "See you soon: Lektiecafé, Monday at 15:00",
        "See you soon: Lektiecafé, Monday at 17:00",
    ]


def test_a_session_cancelled_reinstated_and_cancelled_again_is_told_twice(clock, lektiecafe):
    confirmed(lektiecafe)

    session_cancel(session_id=lektiecafe.session.pk, reason="Water damage in the room.")
    plan(clock, T0 + timedelta(hours=1))
    Session.objects.filter(pk=lektiecafe.session.pk).update(status=Session.Status.SCHEDULED)
    plan(clock, T0 + timedelta(hours=2))
    session_cancel(session_id=lektiecafe.session.pk, reason="The heating has failed.")
    plan(clock, T0 + timedelta(hours=3))
    plan(clock, T0 + timedelta(hours=4))

    told = [m.body for m in sent_to("sofie@example.com") if m.subject.startswith("Cancelled")]
    assert len(told) == 2
    assert "Water damage in the room." in told[0]
    assert "The heating has failed." in told[1]


def test_a_librarian_taking_a_volunteer_off_tells_volunteer_and_coordinator(
    lektiecafe, make_librarian, django_user_model
):
    librarian = make_librarian(lektiecafe.partnership.branch)
    librarian.first_name, librarian.last_name = "Lene", "Bibliotekar"
    librarian.save()

    assignment_cancel(assignment=asked(lektiecafe), by=librarian)

    (told,) = sent_to("mette@example.org")
    assert told.subject == "Sofie Lund is off the shift: Lektiecafé on Monday 9 March 2026"
    assert "Lene Bibliotekar has taken Sofie Lund off this shift:" in told.body
    (withdrawn,) = [m for m in sent_to("sofie@example.com") if "off the shift" in m.subject]
    assert "You are no longer on this shift, so you do not need to come." in withdrawn.body
