"""A coordinator looks after their own volunteers on their pages: registers a new one with
their weekly times, records a certificate (which ticks the checklist), changes a status,
welcomes them into a partnership and ticks the checklist's steps. Nobody else may."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Outbox
from volunteers.models import Assignment, Certificate, Onboarding, Volunteer
from volunteers.services import assignment_propose

from .support import (
    coordinator,
    lektiecafe_series,
    organisation,
    partnership_for,
    shifts_for,
    volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    """Red Barnet Ungdom's Lektiecafé with its coordinator; Ida is a new applicant."""
    series = lektiecafe_series(weeks=2)
    org = organisation()
    contact = coordinator(org)
    partnership = partnership_for(series, org, coordinators=[contact])
    return {
        "series": series,
        "org": org,
        "user": contact.user,
        "partnership": partnership,
        "ida": volunteer(org, "Ida Holm", status=Volunteer.Status.APPLICANT, certified_until=None),
    }


@pytest.fixture
def outsider():
    """The coordinator of another organisation."""
    return coordinator(organisation("Ungdommens Røde Kors"), "outsider").user


def detail(volunteer: Volunteer) -> str:
    return reverse("volunteers:volunteer_detail", args=[volunteer.pk])


def certificate_url(volunteer: Volunteer) -> str:
    return reverse("volunteers:certificate_add", args=[volunteer.pk])


NEW_VOLUNTEER = {
    "name": "Nora Vik",
    "email": "nora@example.com",
    "phone": "+45 20 30 40 50",
    "language": "en",
    "languages": "Danish, Farsi",
    "times-TOTAL_FORMS": "3",
    "times-INITIAL_FORMS": "0",
    "times-0-weekday": "0",
    "times-0-starts_at": "14:30",
    "times-0-ends_at": "18:00",
    "times-1-weekday": "",
    "times-1-starts_at": "",
    "times-1-ends_at": "",
    "times-2-weekday": "",
    "times-2-starts_at": "",
    "times-2-ends_at": "",
}


# -- a new volunteer -----------------------------------------------------------------------


def test_a_coordinator_registers_a_volunteer_with_their_weekly_times(client, team):
    client.force_login(team["user"])

    response = client.post(reverse("volunteers:volunteer_add"), NEW_VOLUNTEER, follow=True)

    nora = Volunteer.objects.get(name="Nora Vik")
    assert response.redirect_chain[-1][0] == detail(nora)
    assert "Nora Vik is registered as an applicant." in response.content.decode()
    assert (nora.organisation, nora.status, nora.applied_on) == (
        team["org"],
        Volunteer.Status.APPLICANT,
        timezone.localdate(),
    )
    assert [str(slot) for slot in nora.availability.all()] == ["Monday 14:30–18:00"]


def test_a_new_volunteer_form_explains_what_is_wrong(client, team):
    client.force_login(team["user"])
    data = {**NEW_VOLUNTEER, "email": "", "times-0-ends_at": "13:00", "times-1-weekday": "2"}

    response = client.post(reverse("volunteers:volunteer_add"), data)

    content = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in content
    assert "“Until” must be later than “from”." in content
    assert "Give the weekday, and the time from and until." in content
    assert not Volunteer.objects.filter(name="Nora Vik").exists()


def test_only_a_coordinator_registers_volunteers(client, team, make_librarian):
    client.force_login(make_librarian(team["series"].room.branch))

    assert client.get(reverse("volunteers:volunteer_add")).status_code == 403
    assert client.post(reverse("volunteers:volunteer_add"), NEW_VOLUNTEER).status_code == 403
    assert not Volunteer.objects.filter(name="Nora Vik").exists()


# -- certificates --------------------------------------------------------------------------


def test_recording_a_certificate_ticks_the_welcome_checklist_waiting_for_it(client, team):
    ida = team["ida"]
    onboarding = Onboarding.objects.create(volunteer=ida, partnership=team["partnership"])
    client.force_login(team["user"])
    checked = timezone.localdate() - timedelta(days=2)

    response = client.post(
        certificate_url(ida),
        {
            "kind": "boerneattest",
            "checked_on": checked.isoformat(),
            "valid_until": (checked + timedelta(days=730)).isoformat(),
            "notes": "Nothing on record.",
        },
        follow=True,
    )

    assert "The certificate is recorded for Ida Holm." in response.content.decode()
    certificate = Certificate.objects.get(volunteer=ida)
    assert (certificate.checked_by, certificate.notes) == (team["user"], "Nothing on record.")
    onboarding.refresh_from_db()
    assert onboarding.certificate_checked_on == checked


def test_a_certificate_expiring_before_it_was_checked_is_refused(client, team):
    client.force_login(team["user"])

    response = client.post(
        certificate_url(team["ida"]),
        {"kind": "boerneattest", "checked_on": "2026-03-01", "valid_until": "2026-02-01"},
    )

    assert response.status_code == 400
    assert "A certificate cannot expire before it was checked." in response.content.decode()
    assert not Certificate.objects.exists()


def test_nobody_else_records_a_certificate(client, team, outsider, make_librarian):
    data = {"kind": "boerneattest", "checked_on": "2026-01-01", "valid_until": "2028-01-01"}

    client.force_login(outsider)
    assert client.post(certificate_url(team["ida"]), data).status_code == 404
    client.force_login(make_librarian(team["series"].room.branch))
    assert client.post(certificate_url(team["ida"]), data).status_code == 403
    assert not Certificate.objects.exists()


# -- status, joining, the checklist --------------------------------------------------------


def test_welcoming_a_volunteer_opens_the_checklist_and_sends_the_welcome(client, team):
    client.force_login(team["user"])
    ida = team["ida"]

    page = client.get(detail(ida)).content.decode()
    assert 'name="partnership"' in page
    client.post(detail(ida), {"action": "join", "partnership": team["partnership"].pk})

    ida.refresh_from_db()
    assert ida.status == Volunteer.Status.ONBOARDING
    assert ida.onboardings.get().partnership == team["partnership"]
    assert Outbox.objects.filter(kind="volunteer_welcome", recipient=ida.email).exists()


def test_a_volunteer_is_welcomed_only_into_the_coordinators_partnerships(client, team):
    series = lektiecafe_series(weekdays=(4,), weeks=1)
    colleague = coordinator(team["org"], "colleague")
    not_mine = partnership_for(series, team["org"], coordinators=[colleague])
    client.force_login(team["user"])

    response = client.post(detail(team["ida"]), {"action": "join", "partnership": not_mine.pk})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Onboarding.objects.exists()


def test_ticking_the_last_step_makes_the_volunteer_active(client, team):
    ida = team["ida"]
    ida.status = Volunteer.Status.ONBOARDING
    ida.save()
    day = date(2026, 1, 5)
    onboarding = Onboarding.objects.create(
        volunteer=ida,
        partnership=team["partnership"],
        met_contact_on=day,
        toured_on=day,
        certificate_checked_on=day,
    )
    client.force_login(team["user"])

    client.post(
        detail(ida),
        {
            "action": "tick",
            "onboarding": onboarding.pk,
            "step": "first_shift_on",
            "on": "2026-01-12",
        },
    )

    onboarding.refresh_from_db()
    ida.refresh_from_db()
    assert onboarding.first_shift_on == date(2026, 1, 12)
    assert (ida.status, ida.joined_on) == (Volunteer.Status.ACTIVE, date(2026, 1, 12))


def test_the_certificate_step_is_not_ticked_by_hand(client, team):
    onboarding = Onboarding.objects.create(volunteer=team["ida"], partnership=team["partnership"])
    client.force_login(team["user"])

    response = client.post(
        detail(team["ida"]),
        {
            "action": "tick",
            "onboarding": onboarding.pk,
            "step": "certificate_checked_on",
            "on": "2026-01-12",
        },
    )

    assert response.status_code == 400
    onboarding.refresh_from_db()
    assert onboarding.certificate_checked_on is None


def test_pausing_a_volunteer_takes_them_off_their_coming_shifts(client, team):
    sofie = volunteer(team["org"], "Sofie Lund")
    shift = shifts_for(team["series"], team["partnership"])[0]
    assignment = assignment_propose(shift=shift, volunteer=sofie)
    client.force_login(team["user"])

    response = client.post(detail(sofie), {"action": "status", "status": "paused"}, follow=True)

    assert "Sofie Lund is now “Paused”." in response.content.decode()
    sofie.refresh_from_db()
    assignment.refresh_from_db()
    assert sofie.status == Volunteer.Status.PAUSED
    assert (assignment.status, assignment.changed_by) == (
        Assignment.Status.CANCELLED,
        team["user"],
    )
    assert Outbox.objects.filter(kind="shift_withdrawn", recipient=sofie.email).exists()


def test_a_status_that_cannot_follow_is_refused(client, team):
    client.force_login(team["user"])

    response = client.post(detail(team["ida"]), {"action": "status", "status": "active"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    team["ida"].refresh_from_db()
    assert team["ida"].status == Volunteer.Status.APPLICANT


def test_nobody_else_changes_a_volunteer(client, team, outsider, make_librarian):
    data = {"action": "status", "status": "left"}

    client.force_login(outsider)
    assert client.post(detail(team["ida"]), data).status_code == 404
    librarian = make_librarian(team["series"].room.branch)
    client.force_login(librarian)
    assert client.get(detail(team["ida"])).status_code == 200
    assert 'name="action"' not in client.get(detail(team["ida"])).content.decode()
    assert client.post(detail(team["ida"]), data).status_code == 403
    team["ida"].refresh_from_db()
    assert team["ida"].status == Volunteer.Status.APPLICANT
