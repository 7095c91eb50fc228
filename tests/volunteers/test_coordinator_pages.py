"""The coordinator's planning pages: who may see what, the week grid, the suitable-volunteer
list, the buttons on a shift, the volunteer list and page, and their query counts."""

from datetime import date, time, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from programmes.models import BranchMembership
from programmes.weeks import week_monday
from tests.factories import RoomFactory
from volunteers.models import (
    Assignment,
    Availability,
    Certificate,
    Onboarding,
    Shift,
    Subject,
    Volunteer,
)
from volunteers.selectors import suitable_volunteers
from volunteers.services import (
    assignment_cancel,
    assignment_confirm,
    assignment_decline,
    assignment_propose,
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


@pytest.fixture
def term():
    """Red Barnet Ungdom's Lektiecafé, three afternoons a week for four weeks, two helpers
    wanted on each shift; Sofie is an active, certified volunteer."""
    series = lektiecafe_series()
    org = organisation()
    contact = coordinator(org)
    partnership = partnership_for(series, org, coordinators=[contact])
    shifts = shifts_for(series, partnership, required=2)
    return {
        "series": series,
        "org": org,
        "partnership": partnership,
        "user": contact.user,
        "shifts": shifts,
        "shift": shifts[0],
        "sofie": volunteer(org, "Sofie Lund", subjects=("Maths",)),
    }


@pytest.fixture
def other_org():
    """Another organisation, with its own coordinator, partnership, shift and volunteer."""
    series = lektiecafe_series(weekdays=(1,), weeks=1)
    org = organisation("Ungdommens Røde Kors")
    contact = coordinator(org, username="otheradmin")
    partnership = partnership_for(series, org, coordinators=[contact])
    return {
        "user": contact.user,
        "shift": shifts_for(series, partnership)[0],
        "volunteer": volunteer(org, "Oskar Berg"),
    }


def pages(term) -> list[str]:
    return [
        reverse("volunteers:week"),
        reverse("volunteers:shift_detail", args=[term["shift"].pk]),
        reverse("volunteers:volunteer_list"),
        reverse("volunteers:volunteer_detail", args=[term["sofie"].pk]),
    ]


def week_of(shift: Shift) -> str:
    year, week, _ = shift.session.local_start.date().isocalendar()
    return f"{year}-W{week:02d}"


def week_page(client, shift: Shift):
    return client.get(reverse("volunteers:week"), {"week": week_of(shift)})


# -- who may see what ----------------------------------------------------------------------


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in_on_every_page(client, term):
    for url in pages(term):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("kind", ["plain", "staff_without_branch", "helper_not_staff"])
def test_someone_neither_coordinator_nor_staff_with_a_branch_is_refused_every_page(
    client, term, kind
):
    user = get_user_model().objects.create_user(
        username="someone", password="pw", is_staff=kind == "staff_without_branch"
    )
    if kind == "helper_not_staff":
        BranchMembership.objects.create(user=user, branch=term["series"].room.branch)
    client.force_login(user)
    for url in pages(term):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("volunteers:shift_detail", args=[term["shift"].pk]),
        {"action": "assign", "volunteer": term["sofie"].pk},
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_a_coordinator_of_another_organisation_finds_none_of_its_shifts_or_volunteers(
    client, term, other_org
):
    client.force_login(other_org["user"])
    shift_url = reverse("volunteers:shift_detail", args=[term["shift"].pk])
    assert client.get(shift_url).status_code == 404
    assert (
        client.get(reverse("volunteers:volunteer_detail", args=[term["sofie"].pk])).status_code
        == 404
    )
    assert (
        client.post(shift_url, {"action": "assign", "volunteer": term["sofie"].pk}).status_code
        == 404
    )
    assert not Assignment.objects.exists()

    assert "Sofie Lund" not in client.get(reverse("volunteers:volunteer_list")).content.decode()
    week = week_page(client, term["shift"]).content.decode()
    assert reverse("volunteers:shift_detail", args=[term["shift"].pk]) not in week
    # Their own are there.
    assert "Oskar Berg" in client.get(reverse("volunteers:volunteer_list")).content.decode()


def test_a_coordinator_cannot_put_another_organisations_volunteer_on_their_shift(
    client, term, other_org
):
    client.force_login(term["user"])
    response = client.post(
        reverse("volunteers:shift_detail", args=[term["shift"].pk]),
        {"action": "assign", "volunteer": other_org["volunteer"].pk},
    )
    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_a_coordinator_finds_no_shift_of_a_partnership_they_do_not_coordinate(client, term):
    """Same organisation, another partnership with its own coordinator."""
    series = lektiecafe_series(weekdays=(4,), weeks=1)
    colleague = coordinator(term["org"], username="colleague")
    elsewhere = shifts_for(series, partnership_for(series, term["org"], coordinators=[colleague]))
    client.force_login(term["user"])
    assert client.get(reverse("volunteers:shift_detail", args=[elsewhere[0].pk])).status_code == 404
    assert (
        client.get(reverse("volunteers:shift_detail", args=[term["shift"].pk])).status_code == 200
    )


def test_a_librarian_sees_the_shifts_at_their_branch_and_not_at_another(
    client, term, other_org, make_librarian
):
    client.force_login(make_librarian(term["series"].room.branch))
    assert (
        client.get(reverse("volunteers:shift_detail", args=[term["shift"].pk])).status_code == 200
    )
    assert (
        client.get(reverse("volunteers:shift_detail", args=[other_org["shift"].pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("volunteers:volunteer_detail", args=[other_org["volunteer"].pk])
        ).status_code
        == 404
    )
    week = week_page(client, term["shift"]).content.decode()
    assert reverse("volunteers:shift_detail", args=[term["shift"].pk]) in week


def test_a_librarian_sees_names_and_certificate_status_but_no_contact_details_or_record(
    client, term, make_librarian
):
    sofie = term["sofie"]
    Certificate.objects.filter(volunteer=sofie).update(notes="Checked by phone with the police")
    client.force_login(make_librarian(term["series"].room.branch))

    listed = client.get(reverse("volunteers:volunteer_list")).content.decode()
    page = client.get(reverse("volunteers:volunteer_detail", args=[sofie.pk])).content.decode()
    for content in (listed, page):
        assert "Sofie Lund" in content
        assert "Valid until 1 January 2099" in content
        assert sofie.email not in content
        assert sofie.phone not in content
        assert "Checked by phone with the police" not in content
    assert "Børneattest" not in page


def test_a_coordinator_sees_their_volunteers_contact_details_and_certificate(client, term):
    sofie = term["sofie"]
    Certificate.objects.filter(volunteer=sofie).update(notes="Checked by phone with the police")
    client.force_login(term["user"])

    listed = client.get(reverse("volunteers:volunteer_list")).content.decode()
    assert sofie.email in listed
    assert sofie.phone in listed
    page = client.get(reverse("volunteers:volunteer_detail", args=[sofie.pk])).content.decode()
    assert sofie.email in page
    assert "Børneattest (Denmark)" in page
    assert "Checked by phone with the police" in page


def test_a_superuser_on_the_planning_pages_sees_no_contact_details_as_library_staff(client, term):
    # The admin shows a superuser everything (volunteers.selectors.sees_contact_details);
    # the planning pages show them what the library sees.
    sofie = term["sofie"]
    client.force_login(get_user_model().objects.create_superuser("root", "root@x.dk", "pw"))

    listed = client.get(reverse("volunteers:volunteer_list")).content.decode()
    page = client.get(reverse("volunteers:volunteer_detail", args=[sofie.pk])).content.decode()
    for content in (listed, page):
        assert "Sofie Lund" in content
        assert sofie.email not in content
        assert sofie.phone not in content
    admin_page = client.get(reverse("admin:volunteers_volunteer_change", args=[sofie.pk]))
    assert sofie.phone in admin_page.content.decode()


def test_a_coordinator_signing_in_lands_on_the_week_of_shifts(client, term):
    response = client.post(
        reverse("login"), {"username": "coordinator", "password": "pw-for-tests"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("volunteers:week")
    assert response.status_code == 200


# -- the week ------------------------------------------------------------------------------


def test_the_week_shows_each_shift_filled_or_not_at_a_glance(client, term):
    shift = term["shift"]
    assignment = assignment_propose(shift=shift, volunteer=term["sofie"])
    client.force_login(term["user"])

    response = week_page(client, shift)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('data-testid="shift-') == 3  # Monday, Wednesday, Thursday
    assert content.count("shift-unfilled") == 3
    assert "1/2" in content
    assert "0 confirmed, 1 asked" in content
    assert "Needs 1 more" in content
    assert "Needs 2 more" in content
    assert "Sofie Lund" in content
    assert "3 shifts, 3 not filled" in content

    assignment_confirm(assignment=assignment)
    shift.required_count = 1
    shift.save()
    content = week_page(client, shift).content.decode()
    assert content.count("shift-unfilled") == 2
    assert "1 confirmed, 0 asked" in content
    assert "3 shifts, 2 not filled" in content


def test_a_held_shift_shows_who_came_and_counts_as_filled(client, term):
    shift = term["shift"]
    Assignment.objects.create(shift=shift, volunteer=term["sofie"], status="done")
    Assignment.objects.create(
        shift=shift, volunteer=volunteer(term["org"], "Bo Krag"), status="no_show"
    )
    client.force_login(term["user"])

    with time_machine.travel(shift.session.ends_at + timedelta(hours=1), tick=False):
        client.force_login(term["user"])  # days later: a staff session lasts a working day
        response = week_page(client, shift)

    content = response.content.decode()
    row = next(row for row in response.context["grid"].rows if row.shift == shift)
    assert (row.filled, row.missing) == (2, 0)
    assert "2/2" in content
    assert "1 came, 1 did not come" in content
    assert "Bo Krag, Sofie Lund" in content


def test_the_week_moves_back_and_forth_and_shows_when_it_is_empty(client, term):
    client.force_login(term["user"])
    monday = term["shift"].session.local_start.date()
    later = monday + timedelta(weeks=8)
    content = client.get(reverse("volunteers:week"), {"week": later.strftime("%G-W%V")})
    assert "No shifts this week" in content.content.decode()
    page = week_page(client, term["shift"]).content.decode()
    assert f"?week={(monday - timedelta(weeks=1)).strftime('%G-W%V')}" in page
    assert f"?week={(monday + timedelta(weeks=1)).strftime('%G-W%V')}" in page
    assert "This week" in page


@pytest.mark.parametrize(
    "week", ["nonsense", "2026-W99", "2026-W00", "99999-W1", "", "0001-W01", "9999-W52"]
)
def test_a_bad_week_shows_the_current_week(client, term, week):
    client.force_login(term["user"])
    response = client.get(reverse("volunteers:week"), {"week": week})
    assert response.status_code == 200
    assert response.context["grid"].monday == week_monday("", today=timezone.localdate())


def test_the_week_can_show_one_partnership_of_several(client, term):
    series = lektiecafe_series(
        weekdays=(4,), weeks=1, first=term["shift"].session.local_start.date()
    )
    other = partnership_for(series, term["org"])
    other.coordinators.add(term["user"].contact_person)
    shifts_for(series, other)
    client.force_login(term["user"])

    everything = week_page(client, term["shift"]).content.decode()
    assert everything.count('data-testid="shift-') == 4
    assert 'name="partnership"' in everything
    only = client.get(
        reverse("volunteers:week"), {"week": week_of(term["shift"]), "partnership": other.pk}
    ).content.decode()
    assert only.count('data-testid="shift-') == 1


def test_the_week_shows_this_terms_turnover(client, term):
    sofie = term["sofie"]
    Onboarding.objects.create(volunteer=sofie, partnership=term["partnership"])
    client.force_login(term["user"])
    response = client.get(reverse("volunteers:week"))
    assert response.context["turnover"][0].active == 1
    assert 'id="turnover"' in response.content.decode()


# -- suitable volunteers -------------------------------------------------------------------


def _subject(name: str) -> Subject:
    return Subject.objects.get_or_create(name=name)[0]


def test_suitable_volunteers_are_ranked_and_the_excluded_are_given_a_reason(term):
    org, shift = term["org"], term["shift"]
    shift.wanted_subjects.set([_subject("Maths"), _subject("Danish")])
    session = shift.session
    weekday = session.local_start.weekday()
    others = tuple(d for d in range(7) if d != weekday)
    # term["sofie"]: available, Maths.
    volunteer(org, "Asta Holm", subjects=("Maths", "Danish"))
    plain = volunteer(org, "Bo Krag", subjects=("German",))
    away = volunteer(org, "Ada Møller", subjects=("Maths", "Danish"), available=others)
    uncertified = volunteer(org, "Carl Dahl", certified_until=None, subjects=("Maths",))
    lapsed = volunteer(
        org, "Cille Dam", certified_until=session.local_start.date() - timedelta(days=1)
    )
    busy = volunteer(org, "Dina Frost", subjects=("Maths", "Danish"))
    host = Shift.objects.create(session=session, partnership=term["partnership"], role="host")
    assignment_propose(shift=host, volunteer=busy)
    volunteer(org, "Ebbe Applicant", status=Volunteer.Status.APPLICANT)
    on_it = volunteer(org, "Frida Fast")
    assignment_propose(shift=shift, volunteer=on_it)

    candidates = suitable_volunteers(shift=shift, now=timezone.now())

    assert [c.volunteer.name for c in candidates if c.suitable] == [
        "Asta Holm",  # available, both subjects
        "Sofie Lund",  # available, one subject
        "Bo Krag",  # available, no subject wanted
        "Ada Møller",  # both subjects, but not usually free then
    ]
    assert candidates[0].available
    assert candidates[0].subjects == ["Danish", "Maths"]
    assert not next(c for c in candidates if c.volunteer == away).available
    excluded = {c.volunteer.name: c.reason for c in candidates if not c.suitable}
    assert set(excluded) == {"Carl Dahl", "Cille Dam", "Dina Frost"}
    assert "Carl Dahl has no child-safety certificate," in excluded["Carl Dahl"]
    lapsed_on = formats.date_format(lapsed.certificates.get().valid_until, "DATE_FORMAT")
    assert f"Cille Dam is valid only until {lapsed_on}" in excluded["Cille Dam"]
    assert "on another shift at the same time" in excluded["Dina Frost"]
    assert [c.volunteer.name for c in candidates][-3:] == ["Carl Dahl", "Cille Dam", "Dina Frost"]
    assert plain in [c.volunteer for c in candidates]
    assert uncertified in [c.volunteer for c in candidates]
    assert lapsed in [c.volunteer for c in candidates]


def test_among_equals_the_volunteer_with_fewer_shifts_this_week_comes_first(term):
    org, shift = term["org"], term["shift"]
    # Both alike to Sofie; Anna already helps on Wednesday of the same week.
    anna = volunteer(org, "Anna Bak", subjects=("Maths",))
    wednesday = term["shifts"][1]
    assignment_propose(shift=wednesday, volunteer=anna)

    candidates = suitable_volunteers(shift=shift, now=timezone.now())
    assert [(c.volunteer.name, c.shifts_this_week) for c in candidates] == [
        ("Sofie Lund", 0),
        ("Anna Bak", 1),
    ]


def test_the_shift_page_shows_why_a_volunteer_cannot_take_it(client, term):
    volunteer(term["org"], "Carl Dahl", certified_until=None)
    client.force_login(term["user"])
    content = client.get(
        reverse("volunteers:shift_detail", args=[term["shift"].pk])
    ).content.decode()
    assert "Cannot take this shift" in content
    assert "Carl Dahl has no child-safety certificate, and children under 15" in content
    assert "Available then" in content
    assert "0 shifts this week" in content


# -- the buttons on a shift ----------------------------------------------------------------


def test_staff_without_the_permission_see_the_shift_but_cannot_change_it(
    client, term, django_user_model
):
    """Staff of the branch who are not librarians (no volunteers.change_assignment)."""
    assignment = assignment_propose(shift=term["shift"], volunteer=term["sofie"])
    staff = django_user_model.objects.create_user(username="porter", password="pw", is_staff=True)
    BranchMembership.objects.create(user=staff, branch=term["series"].room.branch)
    client.force_login(staff)
    url = reverse("volunteers:shift_detail", args=[term["shift"].pk])

    page = client.get(url)
    assert page.status_code == 200
    assert 'value="cancel"' not in page.content.decode()
    assert "Suitable volunteers" not in page.content.decode()
    for data in (
        {"action": "cancel", "assignment": assignment.pk},
        {"action": "assign", "volunteer": volunteer(term["org"], "Bo Krag").pk},
    ):
        assert client.post(url, data).status_code == 403
    assert list(Assignment.objects.values_list("status", flat=True)) == ["proposed"]


def test_a_librarian_takes_a_volunteer_off_the_shift(client, term, make_librarian):
    assignment = assignment_propose(shift=term["shift"], volunteer=term["sofie"])
    client.force_login(make_librarian(term["series"].room.branch))

    post(client, term["shift"], action="cancel", assignment=assignment.pk)

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED


def post(client, shift, **data):
    return client.post(reverse("volunteers:shift_detail", args=[shift.pk]), data, follow=True)


def test_asking_a_volunteer_puts_them_on_the_shift(client, term):
    client.force_login(term["user"])
    response = post(client, term["shift"], action="assign", volunteer=term["sofie"].pk)
    assert response.redirect_chain[-1][0] == reverse(
        "volunteers:shift_detail", args=[term["shift"].pk]
    )
    assert "Sofie Lund was asked to take this shift." in response.content.decode()
    assignment = Assignment.objects.get()
    assert assignment.status == Assignment.Status.PROPOSED
    assert assignment.changed_by == term["user"]
    assert not assignment.above_required


def test_asking_a_volunteer_who_breaks_a_rule_shows_the_reason(client, term):
    carl = volunteer(term["org"], "Carl Dahl", certified_until=None)
    client.force_login(term["user"])
    response = post(client, term["shift"], action="assign", volunteer=carl.pk)
    assert response.status_code == 200
    assert (
        "Carl Dahl has no child-safety certificate, and children under 15"
        in response.content.decode()
    )
    assert not Assignment.objects.exists()


def test_more_than_needed_only_when_the_coordinator_ticks_it(client, term):
    shift = term["shift"]
    shift.required_count = 1
    shift.save()
    assignment_propose(shift=shift, volunteer=volunteer(term["org"], "Anna Bak"))
    client.force_login(term["user"])

    refused = post(client, shift, action="assign", volunteer=term["sofie"].pk)
    assert "This shift already has the volunteer it needs." in refused.content.decode()
    assert 'name="above_required"' in refused.content.decode()
    assert not term["sofie"].assignments.exists()

    post(client, shift, action="assign", volunteer=term["sofie"].pk, above_required="yes")
    assert term["sofie"].assignments.get().above_required


def test_asking_for_every_week_of_the_term_tells_how_many_and_which_weeks_were_skipped(
    early_in_a_term, client, term
):
    sofie, shift = term["sofie"], term["shift"]
    mondays = [s for s in term["shifts"] if s.session.local_start.weekday() == 0]
    assert len(mondays) == 4
    host = Shift.objects.create(
        session=mondays[2].session, partnership=term["partnership"], role="host"
    )
    assignment_propose(shift=host, volunteer=sofie)
    client.force_login(term["user"])

    content = post(client, shift, action="assign", volunteer=sofie.pk, every_week="yes")
    content = content.content.decode()
    assert "Sofie Lund was asked for 3 weeks." in content
    day = formats.date_format(mondays[2].session.local_start.date(), "MONTH_DAY_FORMAT")
    assert f"Not asked for {day}: Sofie Lund is on another shift at the same time." in content
    assert set(
        sofie.assignments.filter(shift__role="homework_helper").values_list("shift", flat=True)
    ) == {
        mondays[0].pk,
        mondays[1].pk,
        mondays[3].pk,
    }


def test_taking_a_volunteer_off_a_shift(client, term):
    assignment = assignment_propose(shift=term["shift"], volunteer=term["sofie"])
    client.force_login(term["user"])
    content = post(client, term["shift"], action="cancel", assignment=assignment.pk)
    assert "Sofie Lund is no longer on this shift." in content.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    assert assignment.changed_by == term["user"]


def test_who_came_is_marked_once_the_session_has_started(client, term):
    shift = term["shift"]
    assignment = assignment_confirm(
        assignment=assignment_propose(shift=shift, volunteer=term["sofie"])
    )
    client.force_login(term["user"])

    early = post(client, shift, action="came", assignment=assignment.pk)
    assert "Who came can be marked once the session has started." in early.content.decode()

    with time_machine.travel(shift.session.starts_at + timedelta(hours=1), tick=False):
        client.force_login(term["user"])  # days later: a staff session lasts a working day
        page = client.get(reverse("volunteers:shift_detail", args=[shift.pk])).content.decode()
        assert "Did not come" in page
        post(client, shift, action="no_show", assignment=assignment.pk)
        assignment.refresh_from_db()
        assert assignment.status == Assignment.Status.NO_SHOW
        post(client, shift, action="came", assignment=assignment.pk)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DONE
    assert assignment.changed_by == term["user"]


@pytest.mark.parametrize(
    "data",
    [
        {"action": "assign", "volunteer": "not-a-number"},
        {"action": "cancel", "assignment": "999999"},
        {"action": "nonsense"},
    ],
)
def test_a_bad_post_is_not_found_or_explained_never_a_server_error(client, term, data):
    client.force_login(term["user"])
    response = client.post(reverse("volunteers:shift_detail", args=[term["shift"].pk]), data)
    assert response.status_code in (302, 404)


# -- volunteers ----------------------------------------------------------------------------


def test_the_volunteer_list_shows_status_certificate_subjects_and_shifts_done(client, term):
    org = term["org"]
    today = timezone.localdate()
    volunteer(org, "Anna Bak", certified_until=today + timedelta(days=20))
    volunteer(org, "Bo Krag", certified_until=today - timedelta(days=3))
    volunteer(org, "Carl Dahl", certified_until=None, status=Volunteer.Status.APPLICANT)
    client.force_login(term["user"])

    content = client.get(reverse("volunteers:volunteer_list")).content.decode()
    assert "4 volunteers" in content
    soon = formats.date_format(today + timedelta(days=20), "DATE_FORMAT")
    assert f"Expiring soon: valid until {soon}" in content
    assert f"Expired on {formats.date_format(today - timedelta(days=3), 'DATE_FORMAT')}" in content
    assert "No certificate" in content
    assert "Valid until 1 January 2099" in content
    assert "Maths" in content

    applicants = client.get(reverse("volunteers:volunteer_list"), {"status": "applicant"})
    assert "1 volunteer" in applicants.content.decode()
    assert "Carl Dahl" in applicants.content.decode()
    assert "Anna Bak" not in applicants.content.decode()


def test_the_volunteer_list_pages_by_fifty(client, term):
    Volunteer.objects.bulk_create(
        Volunteer(organisation=term["org"], name=f"Helper {n:03d}", email="h@example.com")
        for n in range(60)
    )
    client.force_login(term["user"])
    first = client.get(reverse("volunteers:volunteer_list")).content.decode()
    assert "Page 1 of 2" in first
    assert "Helper 049" in first
    assert "Helper 050" not in first
    second = client.get(reverse("volunteers:volunteer_list"), {"page": 2}).content.decode()
    assert "Sofie Lund" in second


def test_the_volunteer_page_shows_availability_checklist_shifts_and_hours(client, term):
    sofie, shift = term["sofie"], term["shift"]
    Onboarding.objects.create(
        volunteer=sofie, partnership=term["partnership"], met_contact_on=date(2026, 1, 5)
    )
    done = assignment_confirm(assignment=assignment_propose(shift=shift, volunteer=sofie))
    assignment_propose(shift=term["shifts"][1], volunteer=sofie)
    done.status = Assignment.Status.DONE
    done.save()
    client.force_login(term["user"])

    with time_machine.travel(shift.session.ends_at + timedelta(hours=1), tick=False):
        client.force_login(term["user"])  # days later: a staff session lasts a working day
        content = client.get(
            reverse("volunteers:volunteer_detail", args=[sofie.pk])
        ).content.decode()
    assert "Monday 14:00–19:00" in content
    assert "Met the library&#x27;s contact person: " in content
    assert "Tour of the library: <em>not yet</em>" in content
    assert "3 hours given" in content
    assert content.count(reverse("volunteers:shift_detail", args=[term["shifts"][1].pk])) == 1


# -- a fixed number of queries -------------------------------------------------------------


def _many_volunteers(org, count: int) -> list[Volunteer]:
    """``count`` active volunteers with subjects and availability; every fifth with an
    expired certificate."""
    people = Volunteer.objects.bulk_create(
        Volunteer(
            organisation=org,
            name=f"Helper {n:03d}",
            email=f"helper{n}@example.com",
            phone="+45 00 00 00 00",
            status=Volunteer.Status.ACTIVE,
        )
        for n in range(count)
    )
    Certificate.objects.bulk_create(
        Certificate(
            volunteer=p,
            kind=Certificate.Kind.BOERNEATTEST,
            checked_on=date(2020, 1, 1),
            valid_until=date(2099, 1, 1) if n % 5 else date(2021, 1, 1),
        )
        for n, p in enumerate(people)
    )
    Availability.objects.bulk_create(
        Availability(volunteer=p, weekday=n % 7, starts_at=time(14), ends_at=time(19))
        for n, p in enumerate(people)
    )
    maths = _subject("Maths")
    Volunteer.subjects.through.objects.bulk_create(
        Volunteer.subjects.through(volunteer_id=p.pk, subject_id=maths.pk) for p in people[::2]
    )
    return people


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_the_week_page_costs_the_same_queries_for_30_shifts_and_100_volunteers(client, term):
    shift = term["shift"]
    monday = shift.session.local_start.date()
    client.force_login(term["user"])
    url, params = reverse("volunteers:week"), {"week": week_of(shift)}
    assignment_propose(shift=shift, volunteer=term["sofie"])
    few = _count_queries(client, url, params)

    branch = term["series"].room.branch
    for _ in range(5):
        series = lektiecafe_series(
            weekdays=(0, 1, 2, 3, 4, 5),
            weeks=1,
            first=monday,
            room=RoomFactory(branch=branch),
            programme=term["series"].programme,
        )
        shifts_for(series, term["partnership"])
    people = _many_volunteers(term["org"], 100)
    week_shifts = list(
        Shift.objects.filter(
            session__starts_at__gte=shift.session.starts_at - timedelta(hours=1),
            session__starts_at__lt=shift.session.starts_at + timedelta(days=7),
        )
    )
    assert len(week_shifts) >= 30
    Assignment.objects.bulk_create(
        Assignment(
            shift=s,
            volunteer=people[(n * 2 + k) % 100],
            status=Assignment.Status.CONFIRMED if k else Assignment.Status.PROPOSED,
        )
        for n, s in enumerate(week_shifts)
        for k in range(2)
    )
    many = _count_queries(client, url, params)
    response = client.get(url, params)
    assert response.content.decode().count('data-testid="shift-') >= 30
    assert many == few


def test_the_shift_page_costs_the_same_queries_for_3_and_100_volunteers(client, term):
    shift = term["shift"]
    shift.wanted_subjects.set([_subject("Maths")])
    client.force_login(term["user"])
    url = reverse("volunteers:shift_detail", args=[shift.pk])
    volunteer(term["org"], "Anna Bak")
    assignment_propose(shift=shift, volunteer=volunteer(term["org"], "Bo Krag"))
    few = _count_queries(client, url)

    people = _many_volunteers(term["org"], 100)
    host = Shift.objects.create(session=shift.session, partnership=term["partnership"], role="host")
    wednesday = term["shifts"][1]
    Assignment.objects.bulk_create(
        [Assignment(shift=host, volunteer=p) for p in people[::3]]
        + [Assignment(shift=wednesday, volunteer=p) for p in people[1::4]]
    )
    many = _count_queries(client, url)
    response = client.get(url)
    assert len(response.context["suitable"]) + len(response.context["excluded"]) == 102
    assert response.context["excluded"]
    assert many == few


# -- walk-through: the coordinator's pages ------------------------------------------------


def alerts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_weeks_not_asked_are_told_once_per_reason_with_their_dates(early_in_a_term, client, term):
    sofie, partnership = term["sofie"], term["partnership"]
    mondays = [s for s in term["shifts"] if s.session.local_start.weekday() == 0]
    days = [m.session.local_start.date() for m in mondays]
    for monday in mondays[1:3]:
        host = Shift.objects.create(session=monday.session, partnership=partnership, role="host")
        assignment_propose(shift=host, volunteer=sofie)
    sofie.certificates.update(valid_until=days[3] - timedelta(days=1))
    client.force_login(term["user"])

    response = post(client, mondays[0], action="assign", volunteer=sofie.pk, every_week="yes")

    told = alerts(response)
    assert told[0] == "Sofie Lund was asked for 1 week."
    assert [t for t in told if t.startswith("Not asked")] == [
        "Not asked for {}, {}: Sofie Lund is on another shift at the same time.".format(
            *(formats.date_format(day, "MONTH_DAY_FORMAT") for day in days[1:3])
        ),
        "Not asked for {}: The child-safety certificate of Sofie Lund is valid only until {}, "
        "and children under 15 come to this session.".format(
            formats.date_format(days[3], "MONTH_DAY_FORMAT"),
            formats.date_format(days[3] - timedelta(days=1)),
        ),
    ]


def test_the_every_week_choice_says_from_when_until_when(early_in_a_term, client, term):
    client.force_login(term["user"])
    page = client.get(reverse("volunteers:shift_detail", args=[term["shift"].pk])).content.decode()
    day = formats.date_format(term["shift"].session.local_start, "MONTH_DAY_FORMAT")
    assert f"From this shift on {day} until the end of the term on 30 June." in page


def test_the_suitable_list_warns_when_a_certificate_ends_before_the_term_does(
    early_in_a_term, client, term
):
    term["sofie"].certificates.update(valid_until=date(2027, 4, 30))
    volunteer(term["org"], "Anna Bak")
    client.force_login(term["user"])

    response = client.get(reverse("volunteers:shift_detail", args=[term["shift"].pk]))

    warned = {c.volunteer.name: c.certificate_until for c in response.context["suitable"]}
    assert warned == {"Anna Bak": None, "Sofie Lund": date(2027, 4, 30)}
    page = response.content.decode()
    assert page.count("candidate-certificate") == 1
    assert "Certificate valid until 30 April: not for the whole term" in page


def checked_candidate(page: str) -> str:
    """The name of the volunteer whose radio button is chosen on the shift page."""
    checked = page.index(" checked>", page.index('id="suitable-heading"'))
    start = page.index('candidate-name">', checked) + len('candidate-name">')
    return page[start : page.index("<", start)]


@pytest.mark.parametrize(
    ("how", "label"),
    [("taken_off", "Taken off this shift"), ("declined", "Said no to this shift")],
)
def test_a_volunteer_who_came_off_the_shift_is_not_chosen_first_again(client, term, how, label):
    shift, sofie = term["shift"], term["sofie"]
    anna = volunteer(term["org"], "Anna Bak")  # otherwise Sofie's equal, so first by name
    assignment = assignment_propose(shift=shift, volunteer=anna, by=term["user"])
    if how == "declined":
        assignment_decline(assignment=assignment)
    else:
        assignment_cancel(assignment=assignment, by=term["user"])
    client.force_login(term["user"])

    response = client.get(reverse("volunteers:shift_detail", args=[shift.pk]))

    assert [c.volunteer for c in response.context["suitable"]] == [sofie, anna]
    page = response.content.decode()
    assert checked_candidate(page) == "Sofie Lund"
    assert f'Anna Bak</span> <span class="badge text-bg-secondary candidate-earlier">{label}' in (
        page
    )


def test_taking_a_volunteer_off_asks_to_confirm_first(client, term):
    assignment = assignment_propose(shift=term["shift"], volunteer=term["sofie"])
    client.force_login(term["user"])

    page = client.get(reverse("volunteers:shift_detail", args=[term["shift"].pk])).content.decode()

    # The first tap only opens the question; the button that takes her off is inside it.
    details = page[page.index('<details class="confirm-step">') : page.index("</details>")]
    assert "<summary" in details
    assert "Take Sofie Lund off the shift</summary>" in details
    assert "Sofie Lund is told at once that they are no longer on this shift." in details
    assert 'value="cancel"' in details
    assert "Yes, take Sofie Lund off" in details
    assert page.count('value="cancel"') == 1
    assert status_of(assignment) == Assignment.Status.PROPOSED


def status_of(assignment: Assignment) -> str:
    return Assignment.objects.get(pk=assignment.pk).status


def test_an_empty_week_sends_the_coordinator_to_the_library_not_the_admin(client, term):
    client.force_login(term["user"])
    later = term["shift"].session.local_start.date() + timedelta(weeks=8)

    page = client.get(reverse("volunteers:week"), {"week": later.strftime("%G-W%V")})

    content = page.content.decode()
    assert "ask the library to make shifts for the series" in content
    assert "admin" not in content


def test_an_empty_week_links_a_librarian_to_making_shifts(client, term, make_librarian):
    client.force_login(make_librarian(term["series"].room.branch))
    later = term["shift"].session.local_start.date() + timedelta(weeks=8)

    page = client.get(reverse("volunteers:week"), {"week": later.strftime("%G-W%V")})

    assert reverse("admin:volunteers_shift_for_series") in page.content.decode()


def test_on_a_phone_the_days_without_shifts_are_one_line(client, term):
    client.force_login(term["user"])

    page = week_page(client, term["shift"]).content.decode()

    # Monday, Wednesday and Thursday have shifts.
    assert '<p class="d-md-none small text-body-secondary" id="days-without-shifts">' in page
    assert "No shifts Tue, Fri, Sat, Sun</p>" in page
    assert page.count('class="col d-none d-md-block"') == 4


def test_the_volunteer_list_puts_contact_details_under_the_name(client, term):
    sofie = term["sofie"]
    client.force_login(term["user"])

    page = client.get(reverse("volunteers:volunteer_list")).content.decode()

    row = page[page.index('<th scope="row">') : page.index("</th>", page.index('<th scope="row">'))]
    assert "Sofie Lund" in row
    assert f'<a class="text-nowrap" href="tel:+4512345678">{sofie.phone}</a>' in row
    assert sofie.email in row
    assert '<th scope="col">Phone</th>' not in page
