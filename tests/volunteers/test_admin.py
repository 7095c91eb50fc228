"""The volunteer admin as a librarian and a superuser see it: their branches' rows, no
volunteer contact details or certificate notes for the library, rules through services."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from common.admin_scoping import scope_to_user_branches
from notifications.models import Outbox
from partners.models import ContactPerson, Partnership
from tests.factories import PartnershipFactory, ProgrammeFactory, RoomFactory
from volunteers.models import (
    Assignment,
    Certificate,
    ExperienceMeeting,
    MeetingInvitation,
    Onboarding,
    Shift,
    Subject,
    Volunteer,
)

from .support import (
    coordinator,
    lektiecafe_series,
    organisation,
    partnership_for,
    shifts_for,
    volunteer,
)

pytestmark = pytest.mark.django_db

NOTES = "Record seen by Red Barnet Ungdom on paper"
PHONE = "+45 12 34 56 78"


@pytest.fixture
def aarhus():
    """Red Barnet Ungdom at the librarian's branch; another organisation elsewhere."""
    series = lektiecafe_series()
    org = organisation()
    library = ContactPerson.objects.create(
        name="Lene Bibliotekar", email="lene@library.dk", branch=series.room.branch
    )
    partnership = partnership_for(
        series, org, coordinators=[coordinator(org)], library_contact=library
    )
    shifts = shifts_for(series, partnership)
    anna = volunteer(org, "Anna Holm", subjects=("Maths",))
    anna.certificates.update(notes=NOTES)
    Onboarding.objects.create(volunteer=anna, partnership=partnership)
    Assignment.objects.create(shift=shifts[0], volunteer=anna, status="confirmed")
    meeting = ExperienceMeeting.objects.create(
        partnership=partnership,
        title="Erfa-møde",
        starts_at=timezone.now() + timedelta(days=10),
        ends_at=timezone.now() + timedelta(days=10, hours=2),
    )
    MeetingInvitation.objects.create(meeting=meeting, volunteer=anna)

    elsewhere_series = lektiecafe_series()
    elsewhere = organisation("Ungdommens Lektiehjælp")
    other = partnership_for(elsewhere_series, elsewhere)
    other.branch.name = "Skanderborg Bibliotek"
    other.branch.save()
    shifts_for(elsewhere_series, other)
    volunteer(elsewhere, "Zara Ølund")
    return series.room.branch, partnership, shifts, anna, meeting


@pytest.fixture
def librarian(aarhus, make_librarian, client):
    user = make_librarian(aarhus[0])
    client.force_login(user)
    return user


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return user


def page(client, name, *args, **query) -> str:
    response = client.get(reverse(f"admin:{name}", args=args), query)
    assert response.status_code == 200, name
    return response.content.decode()


CHANGELISTS = [
    "volunteers_volunteer_changelist",
    "volunteers_shift_changelist",
    "volunteers_assignment_changelist",
    "volunteers_onboarding_changelist",
    "volunteers_experiencemeeting_changelist",
    "volunteers_subject_changelist",
    "partners_contactperson_changelist",
    "partners_partnership_changelist",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_a_librarian_sees_their_branchs_rows_only(client, aarhus, librarian, name):
    html = page(client, name)

    assert "Zara Ølund" not in html
    assert "Skanderborg Bibliotek" not in html
    assert PHONE not in html
    assert "anna@example.com" not in html


def test_a_volunteer_whose_partner_works_twice_at_the_branch_is_listed_once(
    client, aarhus, librarian
):
    branch, partnership = aarhus[0], aarhus[1]
    Partnership.objects.create(
        organisation=partnership.organisation,
        programme=ProgrammeFactory(name="Småbørnsklub"),
        branch=branch,
        starts_on=partnership.starts_on,
    )

    listed = client.get(reverse("admin:volunteers_volunteer_changelist")).context["cl"]

    assert [volunteer.name for volunteer in listed.result_list] == ["Anna Holm"]
    assert listed.result_count == 1


def test_a_partners_coordinator_is_scoped_to_their_own_organisations_volunteers(aarhus):
    # The second route of common.admin_scoping (PARTNER_PATH): by organisation, not branch.
    coordinator_user = aarhus[1].coordinators.get().user

    scoped = scope_to_user_branches(Volunteer.objects.all(), coordinator_user)

    assert list(scoped.values_list("name", flat=True)) == ["Anna Holm"]


def test_the_volunteer_list_shows_name_organisation_status_and_certificate(
    client, aarhus, librarian
):
    html = page(client, "volunteers_volunteer_changelist")

    assert "Anna Holm" in html
    assert "Red Barnet Ungdom" in html
    assert "Valid until 1 January 2099" in html


def test_change_pages_of_every_new_model_load_for_a_librarian(client, aarhus, librarian):
    branch, partnership, shifts, anna, meeting = aarhus
    assignment = Assignment.objects.get(volunteer=anna)
    pages = [
        ("volunteers_volunteer_change", anna.pk),
        ("volunteers_shift_change", shifts[0].pk),
        ("volunteers_assignment_change", assignment.pk),
        ("volunteers_onboarding_change", anna.onboardings.get().pk),
        ("volunteers_experiencemeeting_change", meeting.pk),
        ("volunteers_subject_change", Subject.objects.get().pk),
        ("partners_contactperson_change", partnership.library_contact.pk),
        ("partners_partnership_change", partnership.pk),
        ("volunteers_shift_add",),
        ("volunteers_experiencemeeting_add",),
        ("volunteers_shift_for_series",),
    ]
    for name, *args in pages:
        html = page(client, name, *args)
        for secret in (PHONE, "anna@example.com", NOTES):
            assert secret not in html, name


def test_a_librarian_sees_a_volunteers_certificate_standing_but_not_its_content(
    client, aarhus, librarian
):
    anna = aarhus[3]

    html = page(client, "volunteers_volunteer_change", anna.pk)

    assert "Anna Holm" in html
    assert "2099" in html  # valid until
    for secret in (PHONE, "anna@example.com", NOTES):
        assert secret not in html


def test_a_superuser_sees_the_partners_details(client, aarhus, superuser):
    anna = aarhus[3]

    html = page(client, "volunteers_volunteer_change", anna.pk)

    for secret in (PHONE, "anna@example.com", NOTES):
        assert secret in html


def test_a_librarian_cannot_open_another_branchs_volunteer_or_shift(client, aarhus, librarian):
    zara = Volunteer.objects.get(name="Zara Ølund")
    shift = Shift.objects.exclude(partnership=aarhus[1]).first()

    for name, pk in (
        ("volunteers_volunteer_change", zara.pk),
        ("volunteers_shift_change", shift.pk),
    ):
        response = client.get(reverse(f"admin:{name}", args=[pk]), follow=True)
        assert "doesn’t exist" in response.content.decode()
        assert "Zara" not in response.content.decode()


def test_a_librarian_cannot_search_volunteers_by_email(client, aarhus, librarian):
    html = page(client, "volunteers_volunteer_changelist", q="anna@example.com")

    assert "Anna Holm" not in html


def test_the_shift_list_shows_filled_against_needed_with_the_same_queries_for_many(
    client, aarhus, librarian
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            html = page(client, "volunteers_shift_changelist")
        return len(captured), html

    few, html = queries()
    assert "1 / 2 – needs volunteers" in html
    more = lektiecafe_series(
        room=RoomFactory(branch=aarhus[0]), programme=aarhus[1].programme, weeks=8
    )
    shifts_for(more, aarhus[1])

    assert queries()[0] == few


def test_a_held_shift_counts_who_came_and_is_no_longer_flagged(client, aarhus, librarian):
    assignment = Assignment.objects.get(volunteer=aarhus[3])
    assignment.status = Assignment.Status.DONE
    assignment.save()
    session = assignment.shift.session
    session.starts_at -= timedelta(days=30)
    session.ends_at -= timedelta(days=30)
    session.save()

    html = page(client, "volunteers_shift_changelist", when="all")

    assert "1 / 2" in html
    assert "1 / 2 – needs volunteers" not in html
    assert "0 / 2 – needs volunteers" in html


# -- partnerships --------------------------------------------------------------------------


def partnership_form(partnership, **changes) -> dict:
    data = {
        "organisation": partnership.organisation_id,
        "programme": partnership.programme_id,
        "branch": partnership.branch_id,
        "starts_on": partnership.starts_on.isoformat(),
        "ends_on": "",
        "library_contact": partnership.library_contact_id or "",
        "coordinators": [c.pk for c in partnership.coordinators.all()],
        "notes": "",
        "cancel_cutoff_hours": 24,
    }
    return {**data, **changes}


def test_a_coordinator_must_belong_to_the_partner(client, aarhus, librarian):
    partnership = aarhus[1]
    stranger = coordinator(organisation("Ungdommens Lektiehjælp"), "outsider")
    # The stranger's organisation works at the librarian's branch too.
    partnership_for(lektiecafe_series(room=RoomFactory(branch=aarhus[0])), stranger.organisation)
    url = reverse("admin:partners_partnership_change", args=[partnership.pk])

    # A partnership's picker offers only its own organisation's people...
    assert "Outsider Coordinator" not in page(client, "partners_partnership_change", partnership.pk)
    refused = client.post(url, partnership_form(partnership, coordinators=[stranger.pk]))
    assert refused.status_code == 200
    assert list(partnership.coordinators.all()) != [stranger]

    # ...and a new one, whose organisation is chosen on the same form, says why.
    response = client.post(
        reverse("admin:partners_partnership_add"),
        partnership_form(partnership, coordinators=[stranger.pk]),
    )
    assert response.status_code == 200
    assert (
        "Outsider Coordinator cannot coordinate for Red Barnet Ungdom: a coordinator must be "
        "one of the organisation&#x27;s own contact persons." in response.content.decode()
    )


def test_the_librarys_contact_is_one_of_the_librarys_own(client, aarhus, librarian):
    partnership = aarhus[1]
    partner_side = partnership.coordinators.get()

    response = client.post(
        reverse("admin:partners_partnership_change", args=[partnership.pk]),
        partnership_form(partnership, library_contact=partner_side.pk),
    )

    assert "a partner&#x27;s contact person cannot be the library&#x27;s contact" in (
        response.content.decode()
    )
    partnership.refresh_from_db()
    assert partnership.library_contact.organisation is None


def test_contacts_and_cut_off_are_saved(client, aarhus, librarian):
    partnership = aarhus[1]

    response = client.post(
        reverse("admin:partners_partnership_change", args=[partnership.pk]),
        partnership_form(partnership, cancel_cutoff_hours=48),
    )

    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.cancel_cutoff_hours == 48


def test_the_partnership_page_shows_this_terms_turnover(client, aarhus, librarian):
    html = page(client, "partners_partnership_change", aarhus[1].pk)

    assert "volunteer turnover" in html.lower()
    assert "(so far)" in html


def test_the_agreement_is_downloaded_by_the_branchs_staff_only(
    client, aarhus, librarian, make_librarian, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    partnership = aarhus[1]
    partnership.agreement = SimpleUploadedFile("aftale.pdf", b"%PDF signed agreement")
    partnership.save()
    download = reverse("admin:partners_partnership_agreement", args=[partnership.pk])

    html = page(client, "partners_partnership_change", partnership.pk)
    response = client.get(download)

    assert f'href="{download}"' in html
    assert "/media/" not in html
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF signed agreement"
    assert "attachment" in response["Content-Disposition"]

    client.force_login(make_librarian(Partnership.objects.exclude(pk=partnership.pk)[0].branch))
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302  # to the admin's sign-in


# -- shifts, assignments, volunteers -------------------------------------------------------


def test_shifts_for_a_whole_series_from_the_admin(client, aarhus, librarian):
    branch, partnership = aarhus[0], aarhus[1]
    more = lektiecafe_series(
        room=RoomFactory(branch=branch), programme=partnership.programme, weeks=2
    )
    maths = Subject.objects.get(name="Maths")

    response = client.post(
        reverse("admin:volunteers_shift_for_series"),
        {
            "series": more.pk,
            "partnership": partnership.pk,
            "role": "homework_helper",
            "required_count": 3,
            "subjects": [maths.pk],
        },
        follow=True,
    )

    made = Shift.objects.filter(session__series=more)
    assert made.count() == 6 == more.sessions.count()
    assert {s.required_count for s in made} == {3}
    assert all(list(s.wanted_subjects.all()) == [maths] for s in made)
    assert "6 shifts made for" in response.content.decode()


def test_shifts_for_a_series_of_another_programme_are_refused_with_the_reason(
    client, aarhus, librarian
):
    branch, partnership = aarhus[0], aarhus[1]
    other = lektiecafe_series(room=RoomFactory(branch=branch), weeks=1)

    response = client.post(
        reverse("admin:volunteers_shift_for_series"),
        {"series": other.pk, "partnership": partnership.pk, "role": "host", "required_count": 1},
    )

    assert "The partnership is for another programme than this series." in (
        response.content.decode()
    )
    assert not Shift.objects.filter(session__series=other).exists()


def test_a_librarian_cannot_make_shifts_on_another_branchs_series(client, aarhus, librarian):
    theirs = Partnership.objects.exclude(pk=aarhus[1].pk).get()
    series = theirs.programme.sessions.first().series

    response = client.post(
        reverse("admin:volunteers_shift_for_series"),
        {"series": series.pk, "partnership": theirs.pk, "role": "host", "required_count": 1},
    )

    assert "Select a valid choice" in response.content.decode()


def action(client, name, model, pks, **extra):
    return client.post(
        reverse(f"admin:volunteers_{model}_changelist"),
        {"action": name, "_selected_action": pks, **extra},
        follow=True,
    )


def test_staff_mark_who_came_after_the_session_only(client, aarhus, librarian):
    assignment = Assignment.objects.get(volunteer=aarhus[3])

    response = action(client, "mark_came", "assignment", [assignment.pk])
    assert "Who came can be marked once the session has started." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CONFIRMED

    session = assignment.shift.session
    session.starts_at = timezone.now() - timedelta(hours=3)
    session.ends_at = timezone.now() - timedelta(hours=1)
    session.save()
    response = action(client, "mark_missed", "assignment", [assignment.pk])

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.NO_SHOW
    assert assignment.changed_by == librarian
    assert "1 volunteer marked as did not come." in response.content.decode()


def test_cancelling_from_the_admin_tells_the_volunteer(client, aarhus, librarian):
    assignment = Assignment.objects.get(volunteer=aarhus[3])

    action(client, "cancel", "assignment", [assignment.pk])

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    assert Outbox.objects.filter(kind="shift_withdrawn", recipient="anna@example.com").exists()


def test_an_assignments_status_is_not_edited_by_hand(client, aarhus, librarian):
    assignment = Assignment.objects.get(volunteer=aarhus[3])

    html = page(client, "volunteers_assignment_change", assignment.pk)

    assert 'name="status"' not in html


def test_a_librarian_has_no_status_actions_on_volunteers(client, aarhus, librarian):
    html = page(client, "volunteers_volunteer_changelist")

    assert "mark_left" not in html


def test_a_superuser_changes_a_volunteers_status_through_the_rules(client, aarhus, superuser):
    anna = aarhus[3]

    action(client, "mark_left", "volunteer", [anna.pk])

    anna.refresh_from_db()
    assert anna.status == Volunteer.Status.LEFT
    assert anna.left_on == timezone.localdate()
    # Leaving withdraws the coming shifts.
    assert Assignment.objects.get(volunteer=anna).status == Assignment.Status.CANCELLED


def test_ticking_the_last_welcome_step_makes_the_volunteer_active(client, aarhus, librarian):
    anna = aarhus[3]
    anna.status = Volunteer.Status.ONBOARDING
    anna.save()
    onboarding = anna.onboardings.get()
    Onboarding.objects.filter(pk=onboarding.pk).update(
        met_contact_on=date(2026, 1, 5), certificate_checked_on=date(2026, 1, 5)
    )

    client.post(
        reverse("admin:volunteers_onboarding_change", args=[onboarding.pk]),
        {
            "met_contact_on": "2026-01-05",
            "toured_on": "2026-01-07",
            "certificate_checked_on": "2026-01-05",
            "first_shift_on": "2026-01-12",
            "mentor": "",
        },
    )

    anna.refresh_from_db()
    assert anna.status == Volunteer.Status.ACTIVE
    assert anna.onboardings.get().is_complete


# -- experience meetings -------------------------------------------------------------------


def test_send_invitations_from_the_admin(client, aarhus, librarian):
    meeting = aarhus[4]

    response = action(client, "send_invitations", "experiencemeeting", [meeting.pk])

    # Anna was on the list but not yet told; the library's contact and the coordinator
    # are new.
    assert meeting.invitations.count() == 3
    assert "3 invitations sent." in response.content.decode()
    assert Outbox.objects.filter(kind="meeting_invitation").count() == 3

    again = action(client, "send_invitations", "experiencemeeting", [meeting.pk])
    assert "0 invitations sent. Everyone else was invited before." in again.content.decode()


def test_attendance_is_recorded_on_the_meeting_page_after_it_started(client, aarhus, librarian):
    meeting = aarhus[4]
    invitation = meeting.invitations.get()
    url = reverse("admin:volunteers_experiencemeeting_change", args=[meeting.pk])
    local = timezone.localtime(meeting.starts_at)
    form = {
        "partnership": meeting.partnership_id,
        "title": meeting.title,
        "starts_at_0": local.date().isoformat(),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "ends_at_0": timezone.localtime(meeting.ends_at).date().isoformat(),
        "ends_at_1": timezone.localtime(meeting.ends_at).strftime("%H:%M:%S"),
        "place": "",
        "agenda": "",
        "invitations-TOTAL_FORMS": "1",
        "invitations-INITIAL_FORMS": "1",
        "invitations-0-id": invitation.pk,
        "invitations-0-meeting": meeting.pk,
        "invitations-0-response": "yes",
        "invitations-0-attended": "true",
    }

    response = client.post(url, form, follow=True)

    # Nothing is saved over a refused row, and the page does not say it was.
    invitation.refresh_from_db()
    assert (invitation.response, invitation.attended) == ("", None)
    html = response.content.decode()
    assert "once the meeting has started" in html
    assert "was changed successfully" not in html

    client.post(url, {**form, "invitations-0-attended": "unknown"})
    invitation.refresh_from_db()
    assert (invitation.response, invitation.attended) == ("yes", None)


def test_the_certificate_filter_finds_the_expired(client, aarhus, librarian):
    Certificate.objects.filter(volunteer=aarhus[3]).update(
        checked_on=date(2019, 1, 1), valid_until=date(2020, 1, 1)
    )

    expired = page(client, "volunteers_volunteer_changelist", certificate="expired")
    valid = page(client, "volunteers_volunteer_changelist", certificate="valid")

    assert "Anna Holm" in expired
    assert "Anna Holm" not in valid


def test_a_superuser_welcomes_volunteers_into_a_partnership(client, aarhus, superuser):
    partnership = aarhus[1]
    bo = volunteer(partnership.organisation, "Bo Riis", status=Volunteer.Status.APPLICANT)

    asked = action(client, "join_partnership", "volunteer", [bo.pk])
    assert "Join a partnership" in asked.content.decode()
    response = action(
        client, "join_partnership", "volunteer", [bo.pk], apply="yes", partnership=partnership.pk
    )

    assert "1 volunteer joined and was welcomed." in response.content.decode()
    bo.refresh_from_db()
    assert bo.status == Volunteer.Status.ONBOARDING
    assert bo.onboardings.get().partnership == partnership
    assert Outbox.objects.filter(kind="volunteer_welcome", recipient="bo@example.com").exists()


def test_only_a_superuser_gives_a_contact_person_a_login(
    client, aarhus, make_librarian, django_user_model
):
    contact = aarhus[1].coordinators.get()
    url = reverse("admin:partners_contactperson_change", args=[contact.pk])

    client.force_login(make_librarian(aarhus[0]))
    assert 'name="user"' not in client.get(url).content.decode()

    client.force_login(django_user_model.objects.create_superuser("root", "r@x.dk", "pw"))
    assert 'name="user"' in client.get(url).content.decode()


# -- review: no escalation through contact persons or partnerships --------------------------


def contact_form(contact, **changes) -> dict:
    data = {
        "organisation": contact.organisation_id or "",
        "name": contact.name,
        "title": contact.title,
        "email": contact.email,
        "phone": contact.phone,
        "language": contact.language,
    }
    return {**data, **changes}


def test_a_librarian_cannot_move_a_coordinator_to_another_organisation(client, aarhus, librarian):
    """Moving a contact with a login would make its user coordinator of the other
    organisation, with its volunteers' phone numbers."""
    contact = aarhus[1].coordinators.get()
    elsewhere = Partnership.objects.exclude(pk=aarhus[1].pk).get().organisation
    url = reverse("admin:partners_contactperson_change", args=[contact.pk])

    assert 'name="organisation"' not in client.get(url).content.decode()
    client.post(url, contact_form(contact, organisation=elsewhere.pk, title="Moved"))

    contact.refresh_from_db()
    assert contact.title == "Moved"
    assert contact.organisation == aarhus[1].organisation


def test_a_librarian_adds_contacts_for_the_library_or_their_branchs_partners_only(
    client, aarhus, librarian
):
    other = Partnership.objects.exclude(pk=aarhus[1].pk).get()
    elsewhere = other.organisation
    url = reverse("admin:partners_contactperson_add")
    new = {
        "name": "Nina Ny",
        "title": "",
        "email": "nina@example.org",
        "phone": "",
        "language": "en",
    }

    form = client.get(url).content.decode()
    assert "Red Barnet Ungdom" in form
    assert elsewhere.name not in form
    refused = client.post(url, {**new, "organisation": elsewhere.pk})
    assert "Select a valid choice" in refused.content.decode()
    client.post(url, {**new, "organisation": aarhus[1].organisation_id})
    # The library's own contact works at one of the librarian's branches.
    library = {**new, "email": "nils@library.dk", "organisation": ""}
    assert "one of the two" in client.post(url, library).content.decode()
    assert (
        "Select a valid choice"
        in client.post(url, {**library, "branch": other.branch_id}).content.decode()
    )
    client.post(url, {**library, "branch": aarhus[1].branch_id})

    assert set(
        ContactPerson.objects.filter(name="Nina Ny").values_list("organisation", flat=True)
    ) == {aarhus[1].organisation_id, None}


def test_a_partnership_with_shifts_keeps_its_organisation_programme_and_branch(
    client, aarhus, librarian
):
    partnership = aarhus[1]
    other = organisation("Ungdommens Røde Kors")
    url = reverse("admin:partners_partnership_change", args=[partnership.pk])

    html = client.get(url).content.decode()
    assert 'name="organisation"' not in html
    assert 'name="branch"' not in html
    response = client.post(url, partnership_form(partnership, organisation=other.pk, notes="x"))

    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.organisation.name, partnership.notes) == ("Red Barnet Ungdom", "x")


def test_shifts_planned_while_a_partnership_is_edited_keep_its_organisation(
    client, aarhus, librarian, monkeypatch
):
    # The form was opened before the shifts were planned, so it still offers the field;
    # the service refuses on saving, and nothing of the form is kept. (The other partner
    # works at the branch too: a librarian chooses among the branch's partners.)
    partnership = aarhus[1]
    other = organisation("Ungdommens Røde Kors")
    PartnershipFactory(organisation=other, branch=partnership.branch)
    monkeypatch.setattr("partners.admin.partnership_fixed_fields", lambda partnership: ())
    url = reverse("admin:partners_partnership_change", args=[partnership.pk])

    response = client.post(
        url,
        partnership_form(partnership, organisation=other.pk, notes="x", coordinators=[]),
        follow=True,
    )

    assert "This partnership has shifts" in response.content.decode()
    partnership.refresh_from_db()
    assert (partnership.organisation.name, partnership.notes) == ("Red Barnet Ungdom", "")
    assert partnership.coordinators.exists()


def test_a_new_partnership_chooses_its_organisation(client, aarhus, librarian):
    html = page(client, "partners_partnership_add")

    assert 'name="organisation"' in html


def test_a_shift_is_not_put_on_another_programmes_session(client, aarhus, librarian):
    branch, partnership = aarhus[0], aarhus[1]
    other = lektiecafe_series(room=RoomFactory(branch=branch), weeks=1)

    response = client.post(
        reverse("admin:volunteers_shift_add"),
        {
            "session": other.sessions.first().pk,
            "partnership": partnership.pk,
            "role": "host",
            "required_count": 1,
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )

    assert "The partnership is for another programme than this session." in (
        response.content.decode()
    )
    assert not Shift.objects.filter(session__series=other).exists()


# -- review: welcome steps, statuses, the meeting's time, fixed query counts -----------------


def test_the_certificate_step_is_the_partners_not_the_librarys(client, aarhus, librarian):
    onboarding = aarhus[3].onboardings.get()

    html = page(client, "volunteers_onboarding_change", onboarding.pk)

    assert 'name="met_contact_on"' in html
    assert 'name="certificate_checked_on"' not in html


def test_a_status_change_that_makes_no_sense_is_refused_with_the_reason(client, aarhus, superuser):
    newcomer = volunteer(aarhus[1].organisation, "Bo Riis", status=Volunteer.Status.APPLICANT)

    response = action(client, "mark_active", "volunteer", [newcomer.pk])

    assert "Bo Riis cannot go from “Applicant” to “Active”." in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.status == Volunteer.Status.APPLICANT


def test_an_experience_meeting_is_listed_at_the_branchs_own_time(client, aarhus, librarian):
    branch, meeting = aarhus[0], aarhus[4]
    branch.time_zone = "America/New_York"
    branch.save()

    html = page(client, "volunteers_experiencemeeting_changelist")

    local = meeting.starts_at.astimezone(branch.zone)
    assert formats.date_format(local, "SHORT_DATETIME_FORMAT") in html
    assert (
        formats.date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT")
        not in html
    )


def test_the_welcome_checklists_cost_the_same_queries_for_many_partners(client, aarhus, librarian):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page(client, "volunteers_onboarding_changelist")
        return len(captured)

    few = queries()
    for n in range(3):
        series = lektiecafe_series(room=RoomFactory(branch=aarhus[0]), weeks=1)
        org = organisation(f"Partner {n}")
        Onboarding.objects.create(
            volunteer=volunteer(org, f"Helper {n}"), partnership=partnership_for(series, org)
        )

    assert queries() == few


def test_the_meeting_page_costs_the_same_queries_for_many_contact_guests(client, aarhus, librarian):
    meeting = aarhus[4]
    url = reverse("admin:volunteers_experiencemeeting_change", args=[meeting.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    MeetingInvitation.objects.create(meeting=meeting, contact=aarhus[1].coordinators.get())
    few = queries()
    for n in range(3):
        org = organisation(f"Guest partner {n}")
        MeetingInvitation.objects.create(meeting=meeting, contact=coordinator(org, f"guest{n}"))

    assert queries() == few


# -- walk-through: the shift list and pages, contacts, meetings ---------------------------


def test_the_shift_list_shows_coming_shifts_first_with_their_staffing_early(
    client, aarhus, librarian
):
    shifts = aarhus[2]
    held = shifts[-1].session
    held.starts_at -= timedelta(days=60)
    held.ends_at -= timedelta(days=60)
    held.save()

    response = client.get(reverse("admin:volunteers_shift_changelist"))

    listed = list(response.context["cl"].result_list)
    assert listed == sorted(shifts[:-1], key=lambda s: s.session.starts_at)
    assert response.context["cl"].list_per_page == 50
    html = response.content.decode()
    assert html.index("column-staffing") < html.index("column-programme")
    past = client.get(reverse("admin:volunteers_shift_changelist"), {"when": "past"})
    assert list(past.context["cl"].result_list) == [shifts[-1]]
    # A day picked in the date hierarchy shows its shifts, held or not.
    local = held.local_start
    day = client.get(
        reverse("admin:volunteers_shift_changelist"),
        {
            "session__starts_at__year": local.year,
            "session__starts_at__month": local.month,
            "session__starts_at__day": local.day,
        },
    )
    assert list(day.context["cl"].result_list) == [shifts[-1]]


def test_the_shift_page_links_to_its_planning_page(client, aarhus, librarian):
    shift = aarhus[2][0]

    html = page(client, "volunteers_shift_change", shift.pk)

    assert f'href="{reverse("volunteers:shift_detail", args=[shift.pk])}"' in html
    assert "planning page" not in page(client, "volunteers_shift_add")


def test_a_shift_with_volunteers_on_it_is_not_deleted_but_explained(client, aarhus, librarian):
    staffed = Assignment.objects.get(volunteer=aarhus[3]).shift
    url = reverse("admin:volunteers_shift_delete", args=[staffed.pk])

    for response in (
        client.get(url, follow=True),
        client.post(url, {"post": "yes"}, follow=True),
        action(client, "delete_selected", "shift", [staffed.pk], post="yes"),
    ):
        html = response.content.decode()
        assert "This shift has volunteers on it: take them off first" in html
        assert "permission" not in html
    assert Shift.objects.filter(pk=staffed.pk).exists()


def test_a_volunteer_asked_while_the_deletion_is_confirmed_keeps_the_shift(
    client, aarhus, librarian, monkeypatch
):
    # The page asked before a volunteer came on; the service asks again as it deletes.
    staffed = Assignment.objects.get(volunteer=aarhus[3]).shift
    monkeypatch.setattr("volunteers.admin.shifts_delete_refusal", lambda shifts: "")
    url = reverse("admin:volunteers_shift_delete", args=[staffed.pk])

    for response in (
        client.post(url, {"post": "yes"}, follow=True),
        action(client, "delete_selected", "shift", [staffed.pk], post="yes"),
    ):
        html = response.content.decode()
        assert "This shift has volunteers on it: take them off first" in html
        assert "deleted" not in html
    assert Shift.objects.filter(pk=staffed.pk).exists()


def test_a_shift_whose_volunteers_all_said_no_may_be_deleted(client, aarhus, librarian):
    shift = aarhus[2][1]
    Assignment.objects.create(shift=shift, volunteer=aarhus[3], status="declined")
    url = reverse("admin:volunteers_shift_delete", args=[shift.pk])

    assert "permission" not in client.get(url).content.decode()
    client.post(url, {"post": "yes"})

    assert not Shift.objects.filter(pk=shift.pk).exists()


def test_shifts_for_a_series_is_an_admin_form_that_says_coming_sessions_only(
    client, aarhus, librarian
):
    html = page(client, "volunteers_shift_for_series")

    assert '<fieldset class="module aligned ">' in html
    assert '<label class="required" for="id_series">Series:</label>' in html
    assert '<label class="required" for="id_required_count">Volunteers needed:</label>' in html
    assert "Only the series' coming sessions get a shift" in html


@pytest.fixture
def library_contacts(aarhus):
    """Lene is Aarhus' library contact; Per is another branch's; Nina works at Aarhus but is
    on no partnership yet; Olga works at the other branch, on none either."""
    theirs = Partnership.objects.exclude(pk=aarhus[1].pk).get()
    theirs.library_contact = ContactPerson.objects.create(
        name="Per Andersen", email="per@x.dk", branch=theirs.branch
    )
    theirs.save()
    ContactPerson.objects.create(name="Nina Ny", email="nina@library.dk", branch=aarhus[1].branch)
    ContactPerson.objects.create(name="Olga Ny", email="olga@x.dk", branch=theirs.branch)
    return theirs


def test_a_librarian_sees_only_their_branches_library_contacts(
    client, aarhus, library_contacts, librarian
):
    listed = page(client, "partners_contactperson_changelist")
    picker = page(client, "partners_partnership_change", aarhus[1].pk)

    for html in (listed, picker):
        assert "Lene Bibliotekar" in html
        assert "Nina Ny" in html  # at their branch, on no partnership yet
        assert "Per Andersen" not in html
        assert "Olga Ny" not in html  # another branch's, though on no partnership
    per = library_contacts.library_contact
    response = client.get(reverse("admin:partners_contactperson_change", args=[per.pk]))
    assert response.status_code == 302  # not found, back to the list


def test_a_superuser_sees_every_library_contact(client, aarhus, library_contacts, superuser):
    assert "Per Andersen" in page(client, "partners_contactperson_changelist")


def test_moving_a_meeting_in_the_admin_tells_the_guests(client, aarhus, librarian):
    meeting = aarhus[4]
    url = reverse("admin:volunteers_experiencemeeting_change", args=[meeting.pk])
    later = timezone.localtime(meeting.starts_at + timedelta(days=1))
    form = {
        "partnership": meeting.partnership_id,
        "title": meeting.title,
        "starts_at_0": later.date().isoformat(),
        "starts_at_1": later.strftime("%H:%M:%S"),
        "ends_at_0": (later + timedelta(hours=2)).date().isoformat(),
        "ends_at_1": (later + timedelta(hours=2)).strftime("%H:%M:%S"),
        "place": "Mødelokale 2",
        "agenda": "",
        "invitations-TOTAL_FORMS": "1",
        "invitations-INITIAL_FORMS": "1",
        "invitations-0-id": meeting.invitations.get().pk,
        "invitations-0-meeting": meeting.pk,
        "invitations-0-response": "",
        "invitations-0-attended": "unknown",
    }

    response = client.post(url, form, follow=True)

    assert "1 guest was told of the new time or place." in response.content.decode()
    (told,) = Outbox.objects.filter(kind="meeting_changed")
    assert told.recipient == "anna@example.com"
    assert "has a new time and a new place" in told.body_text


def test_a_meeting_invitation_row_names_its_guest_once_and_keeps_an_answer(
    client, aarhus, librarian
):
    meeting = aarhus[4]
    invitation = meeting.invitations.get()
    invitation.response = "yes"
    invitation.save()

    response = client.get(reverse("admin:volunteers_experiencemeeting_change", args=[meeting.pk]))

    html = response.content.decode()
    assert html.count("Anna Holm") == 1
    (row,) = response.context["inline_admin_formsets"][0].formset.forms
    assert [value for value, _label in row.fields["response"].choices] == ["yes", "no"]
