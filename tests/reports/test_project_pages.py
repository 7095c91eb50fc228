"""The funder report pages: who sees which project, what the page and the CSV say, and the
funded projects in the admin."""

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.staticfiles import finders
from django.urls import reverse

from programmes.models import Programme
from reports.models import FunderProject, ProjectTarget
from tests.bookings.support import book

from .funding_support import branch, came, child, household, programme, project, room, session

pytestmark = pytest.mark.django_db

Measure = ProjectTarget.Measure
# 1 July 2026, noon in Copenhagen: 182 of the year's 365 days gone by.
MID_YEAR = datetime(2026, 7, 1, 10, tzinfo=UTC)


@pytest.fixture
def projects():
    ballerup, herlev = branch("Ballerup Bibliotek"), branch("Herlev Bibliotek")
    play = programme("Legelørdage")
    hall = room(ballerup)
    for day in (date(2026, 3, 7), date(2026, 4, 4)):
        saturday = session(play, hall, day)
        for n in range(3):
            family = household()
            book(
                saturday,
                family,
                children=[child(family, f"Kid {n}"), child(family, f"Sib {n}")],
                direct=True,
            )
            came(saturday, family)
    return {
        "ballerup": ballerup,
        "herlev": herlev,
        "ours": project(
            programmes=[play],
            branches=[ballerup],
            targets={Measure.CHILDREN: 24, Measure.HOUSEHOLDS: 6},
        ),
        "shared": project(programmes=[play], branches=[ballerup, herlev], name="Shared"),
        "theirs": project(programmes=[play], branches=[herlev], name="Herlev only"),
    }


def test_a_librarian_sees_the_projects_of_their_branches(projects, client, make_librarian):
    client.force_login(make_librarian(projects["ballerup"]))

    page = client.get(reverse("project_reports:list"))

    assert page.status_code == 200
    assert {p.name for p in page.context["projects"]} == {"Sammen om Børn", "Shared"}
    theirs = projects["theirs"].pk
    assert client.get(reverse("project_reports:detail", args=[theirs])).status_code == 404
    assert client.get(reverse("project_reports:export", args=[theirs])).status_code == 404


def test_a_superuser_sees_every_project(projects, client):
    client.force_login(
        get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-for-tests")
    )

    page = client.get(reverse("project_reports:list"))

    assert {p.name for p in page.context["projects"]} == {
        "Sammen om Børn",
        "Shared",
        "Herlev only",
    }


def test_people_who_are_not_staff_are_sent_to_sign_in(projects, client):
    client.force_login(get_user_model().objects.create_user("parent", password="pw-for-tests"))

    response = client.get(reverse("project_reports:detail", args=[projects["ours"].pk]))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_the_right_to_view_projects_are_refused(projects, client):
    client.force_login(
        get_user_model().objects.create_user("temp", password="pw-for-tests", is_staff=True)
    )

    assert client.get(reverse("project_reports:list")).status_code == 403


@time_machine.travel(MID_YEAR, tick=False)
def test_the_report_shows_reach_against_target_with_a_chart_and_its_numbers(
    projects, client, make_librarian
):
    client.force_login(make_librarian(projects["ballerup"]))

    page = client.get(reverse("project_reports:detail", args=[projects["ours"].pk]))

    assert page.status_code == 200
    html = page.content.decode()
    targets = {m.measure: m for m in page.context["report"].targets}
    # Six families of two children came: 12 of 24 children (50 %), 6 of 6 families.
    assert targets[Measure.CHILDREN].achieved == 12
    assert targets[Measure.CHILDREN].pace_label == "On track"  # 50 % against 49.9 %
    assert targets[Measure.HOUSEHOLDS].pace_label == "Target reached"
    assert '<svg class="chart" id="reach-chart" role="img"' in html
    # A dashed line at 100 %, the target, the bars are read against: at the top gridline
    # (the chart's highest share is 100 %).
    line = re.search(
        r'<g class="reference"><line x1="48" x2="624" y1="([\d.]+)" y2="\1" stroke="#1b1b1b" '
        r'stroke-width="2" stroke-dasharray="8 4"/><text [^>]*>100 % = target</text></g>',
        html,
    )
    assert line, "no 100 % line on the chart"
    assert f'<line class="grid" x1="48" x2="624" y1="{line[1]}" y2="{line[1]}"/>' in html
    assert (
        f'<text class="tick" x="42" y="{float(line[1]) + 4:.1f}" text-anchor="end">100%</text>'
        in html
    )
    assert "Reach against target" in html
    assert "Nordea-fonden" in html
    # Printed, the page is the report alone: the admin's header and links stay off paper.
    assert "reports/projects.css" in html
    stylesheet = Path(finders.find("reports/projects.css")).read_text()
    assert "@media print" in stylesheet
    assert "#header, .breadcrumbs" in stylesheet


@time_machine.travel(MID_YEAR, tick=False)
def test_the_csv_has_a_row_per_measure(projects, client, make_librarian):
    client.force_login(make_librarian(projects["ballerup"]))

    response = client.get(reverse("project_reports:export", args=[projects["ours"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="sammen-om-boern-2026-07-01.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["project", "funder", "from"]
    by_measure = {row[5]: row for row in rows[1:]}
    assert by_measure["Children reached"] == [
        "Sammen om Børn",
        "Nordea-fonden",
        "2026-01-01",
        "2026-12-31",
        "2026-07-01",
        "Children reached",
        "24",
        "12",
        "50.0",
        "49.9",
        "On track",
    ]
    assert by_measure["Families reached"][6:9] == ["6", "6", "100.0"]
    # Measures without a target: the figure only.
    assert by_measure["Sessions held"][6:] == ["", "2", "", "", ""]
    assert len(rows) == 1 + len(Measure.values)


def test_the_list_takes_the_same_queries_for_more_projects(
    projects, client, make_librarian, django_assert_max_num_queries
):
    client.force_login(make_librarian(projects["ballerup"]))
    client.get(reverse("project_reports:list"))  # sessions and permissions warmed up

    with django_assert_max_num_queries(12) as few:
        client.get(reverse("project_reports:list"))
    play = Programme.objects.get(name="Legelørdage")
    for n in range(5):
        project(programmes=[play], branches=[projects["ballerup"]], name=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("project_reports:list"))
    assert len(page.context["projects"]) == 7


# -- the admin ---------------------------------------------------------------------------


def test_the_admin_lists_a_librarians_projects_with_a_link_to_the_report(
    projects, client, make_librarian
):
    client.force_login(make_librarian(projects["ballerup"]))

    page = client.get(reverse("admin:reports_funderproject_changelist"))

    assert {p.name for p in page.context["cl"].result_list} == {"Sammen om Børn", "Shared"}
    html = page.content.decode()
    assert reverse("project_reports:detail", args=[projects["ours"].pk]) in html
    assert reverse("project_reports:list") in html


def test_a_librarian_changes_only_projects_wholly_at_their_branches(
    projects, client, make_librarian
):
    client.force_login(make_librarian(projects["ballerup"]))
    shared = client.get(reverse("admin:reports_funderproject_change", args=[projects["shared"].pk]))
    ours = client.get(reverse("admin:reports_funderproject_change", args=[projects["ours"].pk]))

    # Saving the shared one would drop Herlev, which the form cannot offer: view only.
    assert shared.status_code == 200
    assert not shared.context["has_change_permission"]
    assert ours.context["has_change_permission"]
    branches = ours.context["adminform"].form.fields["branches"].queryset
    assert list(branches) == [projects["ballerup"]]


def test_a_librarian_adds_a_project_with_its_targets(projects, client, make_librarian):
    client.force_login(make_librarian(projects["ballerup"]))
    play = Programme.objects.get(name="Legelørdage")

    response = client.post(
        reverse("admin:reports_funderproject_add"),
        {
            "name": "Læselyst",
            "funder": "Egmont Fonden",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "programmes": [play.pk],
            "branches": [projects["ballerup"].pk],
            "description": "",
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "0",
            "targets-MIN_NUM_FORMS": "0",
            "targets-MAX_NUM_FORMS": "1000",
            "targets-0-measure": Measure.CHILDREN,
            "targets-0-target": "300",
        },
    )

    assert response.status_code == 302
    made = FunderProject.objects.get(name="Læselyst")
    assert list(made.targets.values_list("measure", "target")) == [(Measure.CHILDREN, 300)]


def test_librarians_may_work_with_questionnaires_and_projects(make_librarian, projects):
    librarian = make_librarian(projects["ballerup"])

    granted = set(
        Permission.objects.filter(
            group__user=librarian, content_type__app_label="reports"
        ).values_list("codename", flat=True)
    )

    assert {
        "view_funderproject",
        "add_questionnaireresponse",
        "change_questionnaireanswer",
    } <= granted
    assert "delete_funderproject" not in granted


@time_machine.travel(MID_YEAR, tick=False)
def test_the_csv_opens_in_danish_excel_with_its_letters_and_decimal_commas(
    projects, client, make_librarian
):
    projects["ballerup"].language = "da"
    projects["ballerup"].save()
    client.force_login(make_librarian(projects["ballerup"]))

    response = client.get(reverse("project_reports:export", args=[projects["ours"].pk]))

    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8's byte-order mark
    text = response.content.decode("utf-8")
    assert text.splitlines()[0].count(";") == 10
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    by_measure = {row[5]: row for row in rows[1:]}
    children = by_measure["Børn nået"]
    assert children[0] == "Sammen om Børn"
    assert children[8:10] == ["50,0", "49,9"]


@time_machine.travel(MID_YEAR, tick=False)
def test_the_csv_defuses_a_name_that_looks_like_a_formula(projects, client, make_librarian):
    tricky = projects["ours"]
    tricky.name, tricky.funder = "=HYPERLINK(1)", "@SUM(A1)"
    tricky.save()
    client.force_login(make_librarian(projects["ballerup"]))

    response = client.get(reverse("project_reports:export", args=[tricky.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {tuple(row[:2]) for row in rows[1:]} == {("'=HYPERLINK(1)", "'@SUM(A1)")}


def test_the_admin_home_links_to_funder_reports_only_for_those_who_may_read_them(
    projects, client, make_librarian
):
    staff = get_user_model().objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(staff)
    assert "Funder reports" not in client.get(reverse("admin:index")).text

    client.force_login(make_librarian(projects["ballerup"]))
    assert "Funder reports" in client.get(reverse("admin:index")).text
