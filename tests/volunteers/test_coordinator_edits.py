"""Coordinators keep their volunteers right: every field edited (their organisation's
only), one volunteer per e-mail address in an organisation, phone numbers in E.164, the
export, experience meetings run from their own pages, open shifts and swaps."""

from __future__ import annotations

import csv
import importlib
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from notifications.models import Outbox
from volunteers.models import (
    Assignment,
    ExperienceMeeting,
    MeetingInvitation,
    Onboarding,
    ShiftPolicy,
    SwapRequest,
    Volunteer,
)
from volunteers.services import assignment_confirm, assignment_propose, swap_request

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
    series = lektiecafe_series(weekdays=(0, 2), weeks=2)
    org = organisation()
    mette = coordinator(org, "mette")
    partnership = partnership_for(series, org, coordinators=[mette])
    shifts = shifts_for(series, partnership, required=1)
    sofie = volunteer(org, "Sofie Lund", subjects=("Maths",))
    Onboarding.objects.create(volunteer=sofie, partnership=partnership)
    return {
        "org": org,
        "mette": mette,
        "partnership": partnership,
        "shifts": shifts,
        "sofie": sofie,
    }


def edit_data(volunteer_: Volunteer, **changes) -> dict:
    data = {
        "name": volunteer_.name,
        "email": volunteer_.email,
        "phone": str(volunteer_.phone),
        "language": volunteer_.language,
        "languages": volunteer_.languages,
        "applied_on": volunteer_.applied_on.isoformat(),
        "notes": volunteer_.notes,
        "times-TOTAL_FORMS": "1",
        "times-INITIAL_FORMS": "0",
        "times-0-weekday": "0",
        "times-0-starts_at": "14:00",
        "times-0-ends_at": "19:00",
    }
    data.update(changes)
    return data


def test_a_coordinator_corrects_every_field_of_their_volunteer(client, team):
    sofie = team["sofie"]
    client.force_login(team["mette"].user)
    url = reverse("volunteers:volunteer_edit", args=[sofie.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        edit_data(
            sofie,
            name="Sofie Lund-Berg",
            email="sofie.berg@example.com",
            phone="+47 412 34 567",
            language="nb",
            languages="Dansk, norsk",
            notes="Studerer til lærer.",
            **{"times-0-weekday": "2"},
        ),
        follow=True,
    )
    assert "Saved:" in response.content.decode()
    sofie.refresh_from_db()
    assert (sofie.name, sofie.email, sofie.phone.as_e164, sofie.language) == (
        "Sofie Lund-Berg",
        "sofie.berg@example.com",
        "+4741234567",
        "nb",
    )
    assert sofie.notes == "Studerer til lærer."
    assert list(sofie.subjects.all()) == []
    assert [a.weekday for a in sofie.availability.all()] == [2]


def test_another_organisations_volunteer_is_not_found(client, team):
    other = volunteer(organisation("Ungdommens Røde Kors"), "Oskar Berg")
    client.force_login(team["mette"].user)
    assert client.get(reverse("volunteers:volunteer_edit", args=[other.pk])).status_code == 404
    response = client.post(reverse("volunteers:volunteer_edit", args=[other.pk]), edit_data(other))
    assert response.status_code == 404


def test_a_librarian_may_not_edit(client, team, make_librarian):
    librarian = make_librarian(team["partnership"].branch)
    client.force_login(librarian)
    response = client.get(reverse("volunteers:volunteer_edit", args=[team["sofie"].pk]))
    assert response.status_code == 403


def test_one_volunteer_per_e_mail_in_an_organisation_says_so_on_the_form(client, team):
    anna = volunteer(team["org"], "Anna Bak")
    client.force_login(team["mette"].user)
    response = client.post(
        reverse("volunteers:volunteer_edit", args=[anna.pk]),
        edit_data(anna, email="SOFIE@example.com"),
    )
    assert response.status_code == 400
    assert (
        "The organisation already has a volunteer with this e-mail address."
        in response.content.decode()
    )
    anna.refresh_from_db()
    assert anna.email == "anna@example.com"

    response = client.post(
        reverse("volunteers:volunteer_add"),
        {
            "name": "Sofie Again",
            "email": "sofie@example.com",
            "phone": "",
            "language": "da",
            "languages": "",
            "notes": "",
            "times-TOTAL_FORMS": "0",
            "times-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert Volunteer.objects.filter(email__iexact="sofie@example.com").count() == 1


def test_another_organisation_may_have_the_same_address(team):
    elsewhere = volunteer(organisation("Ungdommens Røde Kors"), "Sofie Lund")
    assert elsewhere.email == team["sofie"].email


def test_the_database_holds_one_address_per_organisation_in_any_case(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.create(
            organisation=team["org"], name="Copy", email="Sofie@Example.com", language="da"
        )


def test_a_phone_is_stored_as_e164_and_no_number_is_refused(client, team):
    client.force_login(team["mette"].user)
    url = reverse("volunteers:volunteer_edit", args=[team["sofie"].pk])
    client.post(url, edit_data(team["sofie"], phone="20 30 40 50"))
    assert Volunteer.objects.values_list("phone", flat=True).get(pk=team["sofie"].pk) == (
        "+4520304050"
    )
    response = client.post(url, edit_data(team["sofie"], phone="not a phone ###"))
    assert response.status_code == 400
    assert "Enter a phone number we can call" in response.content.decode()


def test_the_migration_normalises_phones_and_keeps_one_that_is_no_number_in_the_notes(team):
    migration = importlib.import_module("volunteers.migrations.0003_volunteers_over_time")
    Volunteer.objects.filter(pk=team["sofie"].pk).update(phone="20 30 40 50")
    odd = volunteer(team["org"], "Anna Bak")
    Volunteer.objects.filter(pk=odd.pk).update(phone="not a phone ###")
    migration.phones_to_e164(apps, None)
    assert Volunteer.objects.values_list("phone", flat=True).get(pk=team["sofie"].pk) == (
        "+4520304050"
    )
    odd = Volunteer.objects.get(pk=odd.pk)
    assert str(odd.phone or "") == ""
    assert "not a phone ###" in odd.notes


def test_the_migration_refuses_addresses_shared_in_an_organisation(team):
    migration = importlib.import_module("volunteers.migrations.0003_volunteers_over_time")
    migration.refuse_shared_emails(apps, None)  # none shared: goes through


# -- the export ----------------------------------------------------------------------------


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_export_has_status_hours_and_certificate_standing_but_no_certificate_content(
    client, team
):
    sofie = team["sofie"]
    sofie.certificates.update(notes="Secret remark")
    shift = team["shifts"][0]
    Assignment.objects.create(shift=shift, volunteer=sofie, status=Assignment.Status.DONE)
    client.force_login(team["mette"].user)
    response = client.get(reverse("volunteers:volunteer_export"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Secret remark" not in text
    header, *rows = rows_of(response)
    assert header[:3] == ["Name", "E-mail", "Phone"]
    (row,) = rows
    record = dict(zip(header, row, strict=True))
    assert record["Name"] == "Sofie Lund"
    # Not read as a formula by a spreadsheet (common.csv).
    assert record["Phone"] == "'+45 22 34 56 78"
    assert record["Child-safety certificate"] == "Valid"
    assert record["Certificate valid until"] == "2099-01-01"
    assert record["Shifts done"] == "1"
    assert record["Hours given"] == "3.00"


def test_the_librarians_export_has_no_contact_details(client, team, make_librarian):
    client.force_login(make_librarian(team["partnership"].branch))
    header, *_rows = rows_of(client.get(reverse("volunteers:volunteer_export")))
    assert "E-mail" not in header
    assert "Phone" not in header


# -- experience meetings -------------------------------------------------------------------


def test_a_coordinator_plans_a_meeting_sends_invitations_and_marks_who_came(client, team):
    client.force_login(team["mette"].user)
    day = timezone.localdate() + timedelta(days=10)
    response = client.post(
        reverse("volunteers:meeting_add"),
        {
            "partnership": team["partnership"].pk,
            "title": "Erfa-møde",
            "day": day.isoformat(),
            "starts": "18:00",
            "ends": "20:00",
            "place": "Lektiecaféen",
            "agenda": "Pizza",
        },
    )
    meeting = ExperienceMeeting.objects.get()
    assert response.url == reverse("volunteers:meeting_detail", args=[meeting.pk])
    assert meeting.starts_at.astimezone(team["partnership"].branch.zone).hour == 18

    client.post(response.url, {"action": "invite"})
    invitation = MeetingInvitation.objects.get(volunteer=team["sofie"])
    sent = Outbox.objects.get(kind="meeting_invitation", recipient=team["sofie"].email)
    (attachment,) = sent.attachments
    (event,) = Calendar.from_ical(attachment["content"]).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Erfa-møde"
    assert event.decoded("DTSTART") == meeting.starts_at

    invitation.response = MeetingInvitation.Response.YES
    invitation.save()
    page = client.get(response.url).content.decode()
    assert "2 invited, 1 coming, 0 came" in page

    # Who came is marked once the meeting has started.
    refused = client.post(
        response.url, {"action": "came", "invitation": invitation.pk, "came": "yes"}, follow=True
    )
    assert "Who came can be marked once the meeting has started." in refused.content.decode()
    ExperienceMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    client.post(response.url, {"action": "came", "invitation": invitation.pk, "came": "yes"})
    assert MeetingInvitation.objects.get(pk=invitation.pk).attended is True


def test_a_meeting_in_the_past_is_refused(client, team):
    client.force_login(team["mette"].user)
    response = client.post(
        reverse("volunteers:meeting_add"),
        {
            "partnership": team["partnership"].pk,
            "title": "Erfa-møde",
            "day": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "starts": "18:00",
            "ends": "20:00",
        },
    )
    assert response.status_code == 400
    assert "A new meeting must start in the future." in response.content.decode()
    assert not ExperienceMeeting.objects.exists()


def test_another_coordinators_meeting_is_not_found(client, team):
    other = organisation("Ungdommens Røde Kors")
    series = lektiecafe_series(weekdays=(1,), weeks=1)
    theirs = partnership_for(series, other, coordinators=[coordinator(other, "oskar")])
    meeting = ExperienceMeeting.objects.create(
        partnership=theirs,
        title="Theirs",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
    )
    client.force_login(team["mette"].user)
    assert client.get(reverse("volunteers:meeting_detail", args=[meeting.pk])).status_code == 404


# -- the coordinator's choices: open shifts, swaps -----------------------------------------


def test_the_coordinator_lets_volunteers_take_open_shifts(client, team):
    client.force_login(team["mette"].user)
    client.post(
        reverse("volunteers:shift_policy", args=[team["partnership"].pk]),
        {"volunteers_take_open_shifts": "on"},
    )
    assert ShiftPolicy.objects.get(partnership=team["partnership"]).volunteers_take_open_shifts
    client.post(reverse("volunteers:shift_policy", args=[team["partnership"].pk]), {})
    assert not ShiftPolicy.objects.get(partnership=team["partnership"]).volunteers_take_open_shifts


def test_the_coordinator_answers_a_swap_from_the_week_page(client, team):
    monday, wednesday = team["shifts"][:2]
    on_monday = assignment_propose(shift=monday, volunteer=team["sofie"])
    assignment_confirm(assignment=on_monday)
    swap = swap_request(assignment=on_monday, to_shift=wednesday)
    client.force_login(team["mette"].user)
    week = client.get(
        reverse("volunteers:week"), {"week": monday.session.local_start.strftime("%G-W%V")}
    )
    assert f'data-testid="swap-{swap.pk}"' in week.content.decode()
    client.post(reverse("volunteers:swap_decide", args=[swap.pk]), {"decision": "refuse"})
    assert SwapRequest.objects.get().status == SwapRequest.Status.REFUSED
    assert Assignment.objects.get(pk=on_monday.pk).status == Assignment.Status.CONFIRMED
