"""The impact report page: who may open it, what it shows, bad filters, and its cost."""

import re
from datetime import date, time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses.models import Course, Enrolment
from programmes.models import Programme, Series
from reports.charts import Series as ChartSeries
from reports.charts import bar_chart, line_chart
from reports.models import (
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
)
from reports.templatetags.report_format import decimal1, share, signed1
from tests.bookings.support import book

from .figures_support import NOW, at, branch, came, household, programme, room, session

pytestmark = pytest.mark.django_db

URL = reverse("reports:impact")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def town():
    """Two branches, each with a Babydans session in March 2025 that two families came to
    (one of them rating it), and a no-show; branch B's figures are twice branch A's."""
    babydans = programme("Babydans")
    made = {"babydans": babydans}
    for name, capacity, hour in (("A", 10, 10), ("B", 20, 12)):
        made[name] = place = branch(f"Branch {name}")
        here = room(place)
        held = session(babydans, here, at(date(2025, 3, 5), hour), capacity=capacity)
        families = [household() for _ in range(3 if name == "A" else 5)]
        for n, family in enumerate(families):
            book(
                held,
                family,
                places=2 if name == "B" else 1,
                rating=5 if n == 0 else None,
                children=(),
                direct=True,
            )
            came(held, family, attended=n != 0 or name == "A")
    return made


def figure(html: str, name: str) -> str:
    """The text of the element with id ``figure-<name>``."""

    class Finder(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth = 0
            self.text = []

        def handle_starttag(self, tag, attrs):
            if self.depth:
                self.depth += 1
            elif dict(attrs).get("id") == f"figure-{name}":
                self.depth = 1

        def handle_endtag(self, tag):
            if self.depth:
                self.depth -= 1

        def handle_data(self, data):
            if self.depth:
                self.text.append(data)

    finder = Finder()
    finder.feed(html)
    # Collapse the template's line breaks, keeping the no-break space before "%".
    return re.sub(r"[ \t\r\n]+", " ", "".join(finder.text)).strip()


def test_a_librarian_sees_the_figures_of_their_branch_only(client, make_librarian, town):
    client.force_login(make_librarian(town["A"]))

    response = client.get(URL, {"starts_on": "2025-01-01", "ends_on": "2025-12-31"})

    assert response.status_code == 200
    html = response.content.decode()
    # Branch A: one session, 10 places, 3 booked, 3 came; B's 5 families and 20 places
    # are nowhere.
    assert figure(html, "held") == "1"
    assert figure(html, "offered") == "10"
    assert figure(html, "booked") == "3"
    assert figure(html, "fill-rate") == "30\u00a0%"
    assert figure(html, "households") == "3"
    assert figure(html, "no-show-rate").startswith("0\u00a0%")
    assert "Branch B" not in html


def test_asking_for_another_branch_shows_a_message_and_ones_own(client, make_librarian, town):
    client.force_login(make_librarian(town["A"]))

    response = client.get(URL, {"branch": town["B"].pk, "starts_on": "2025-01-01"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "That is not one of your branches: showing all of them." in html
    assert figure(html, "offered") == "10"


def test_a_superuser_sees_every_branch_and_can_narrow_to_one(client, town):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(admin)

    both = client.get(URL, {"starts_on": "2025-01-01"}).content.decode()
    only_b = client.get(URL, {"starts_on": "2025-01-01", "branch": town["B"].pk})

    # Both: 10 + 20 places, 3 + 10 booked; 3 + 4 came of 8 recorded (one no-show at B):
    # 12.5 %, rounded half up.
    assert (figure(both, "offered"), figure(both, "booked")) == ("30", "13")
    assert figure(both, "no-show-rate").startswith("13\u00a0%")
    assert figure(only_b.content.decode(), "households") == "4"


def test_people_who_are_not_staff_are_refused(client, town):
    parent = get_user_model().objects.create_user("parent", password="pw")

    anonymous = client.get(URL)
    client.force_login(parent)
    signed_in = client.get(URL)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))
    assert signed_in.status_code == 403


def test_the_page_has_accessible_charts_each_beside_a_table(client, make_librarian, town):
    client.force_login(make_librarian(town["A"]))

    html = client.get(URL, {"starts_on": "2025-01-01", "ends_on": "2025-12-31"}).content.decode()

    assert html.count('role="img"') == 3  # visits per month, cohorts, ratings
    assert '<title id="chart-visits-title">Family visits per month</title>' in html
    assert 'aria-labelledby="chart-cohorts-title chart-cohorts-desc"' in html
    for table in ("table-months", "table-cohorts", "table-ratings"):
        assert f'id="{table}"' in html
    # March's three visits are a bar, and a row of the table beside it.
    assert "<title>Mar 2025 – Visits: 3</title>" in html
    assert '<th scope="row">Mar 2025</th><td>1</td><td>3</td>' in html
    assert "1 rating, on average 5.0 of 5." in " ".join(html.split())
    assert "Back within 3 months" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"starts_on": "yesterday"}, "Give the first day as a date"),
        ({"ends_on": "2025-13-45"}, "Give the last day as a date"),
        ({"starts_on": "2025-06-01", "ends_on": "2025-01-01"}, "The period ends before it"),
        ({"starts_on": "1900-01-01", "ends_on": "2025-01-01"}, "at most ten years"),
        ({"ends_on": "9999-12-31"}, "at most ten years"),
        ({"starts_on": "0001-01-01"}, "at most ten years"),
        ({"ends_on": "9998-06-01"}, "at most ten years"),
        ({"starts_on": "2026-06-01"}, "The period ends before it"),
        ({"starts_on": "1995-01-01", "ends_on": "1995-06-01"}, "Choose dates from 2000"),
        ({"starts_on": "2026-02-01", "ends_on": "2027-06-01"}, "Choose dates from 2000"),
        ({"branch": "abc"}, "That is not one of your branches"),
        ({"programme": "999999"}, "That programme is not run at your branches"),
    ],
)
def test_bad_filters_give_a_message_and_the_defaults(client, make_librarian, town, query, message):
    client.force_login(make_librarian(town["A"]))

    response = client.get(URL, query)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # The defaults: the last twelve months, January to 15 December 2025, which hold March.
    assert figure(html, "held") == "1"


def test_default_period_is_the_last_twelve_months(client, make_librarian, town):
    client.force_login(make_librarian(town["A"]))

    response = client.get(URL)

    assert 'name="starts_on" value="2025-01-01"' in response.content.decode()
    assert 'name="ends_on" value="2025-12-15"' in response.content.decode()


def test_one_date_given_takes_the_other_from_the_default_period(client, make_librarian, town):
    client.force_login(make_librarian(town["A"]))

    html = client.get(URL, {"starts_on": "2020-03-01"}).content.decode()

    assert 'name="starts_on" value="2020-03-01"' in html
    assert 'name="ends_on" value="2025-12-15"' in html


def test_a_programme_filter_narrows_the_figures(client, make_librarian, town):
    rim = programme("Rim og regler")
    session(rim, room(town["A"]), at(date(2025, 4, 2)))
    client.force_login(make_librarian(town["A"]))

    everything = client.get(URL, {"starts_on": "2025-01-01"}).content.decode()
    babydans = client.get(URL, {"starts_on": "2025-01-01", "programme": town["babydans"].pk})

    assert figure(everything, "held") == "2"
    assert figure(babydans.content.decode(), "held") == "1"


def test_a_librarian_of_no_branch_is_told_so(client, make_librarian, town):
    client.force_login(make_librarian())

    response = client.get(URL)

    assert response.status_code == 200
    assert "You do not work at any branch yet" in response.content.decode()


def test_the_admin_home_page_links_to_the_report(client, make_librarian, town):
    client.force_login(make_librarian(town["A"]))

    response = client.get(reverse("admin:index"))

    assert f'href="{URL}"' in response.content.decode()


def _queries_for(client, bookings: int) -> int:
    place = branch(f"Busy {bookings}")
    here = room(place)
    babydans = Programme.objects.get(name="Babydans")
    families = [household() for _ in range(bookings)]
    for n, family in enumerate(families):
        held = session(babydans, here, at(date(2025, 2, 1 + n % 27), 8 + n // 27 % 12))
        book(held, family, rating=n % 5 + 1, children=(), direct=True)
        came(held, family, attended=n % 4 != 0)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"starts_on": "2025-01-01", "branch": place.pk})
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_10_and_for_200_bookings(client, town):
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.org", "pw"))

    few = _queries_for(client, 10)
    many = _queries_for(client, 200)

    assert few == many
    # 26: the page's queries, and the signed-in session's save (a staff session lasts a
    # working day from the last request, so every request writes it).
    assert many <= 26


def test_a_chart_escapes_its_text_and_breaks_a_line_where_a_value_is_missing():
    svg = line_chart(
        chart_id="c",
        title="Families <b>&</b> more",
        description="A line",
        labels=["Jan", "Feb", "Mar", "Apr"],
        series=[ChartSeries("within 3 months", [0.5, None, 0.4, 0.3])],
        y_max=1,
        percent=True,
    )

    assert '<title id="c-title">Families &lt;b&gt;&amp;&lt;/b&gt; more</title>' in svg
    # Jan stands alone; Mar and Apr are joined. Every value has a point with its number.
    assert svg.count("<polyline") == 1
    assert svg.count('class="point"') == 3
    assert "<title>Apr – within 3 months: 30%</title>" in svg


def test_a_chart_with_many_months_thins_out_its_labels():
    labels = [f"Month {n:02d}" for n in range(24)]

    svg = bar_chart(
        chart_id="m",
        title="Visits",
        description="Bars",
        labels=labels,
        series=[ChartSeries("Visits", list(range(24)))],
    )

    shown = svg.count('class="label"')
    assert 6 <= shown < 24
    assert svg.count('class="bar"') == 24


def test_the_page_shows_a_course_questionnaire_before_and_after(client, make_librarian, town):
    klub = programme("Småbørnsklub", Programme.BookingMode.COURSE)
    series = Series.objects.create(
        programme=klub,
        room=room(town["A"]),
        weekdays=[1],
        start_time=time(13),
        end_time=time(15),
        start_date=date(2025, 2, 4),
        end_date=date(2025, 6, 24),
    )
    course = Course.objects.create(series=series)
    questionnaire = Questionnaire.objects.create(programme=klub, title="Trivsel og samspil")
    wellbeing = QuestionnaireItem.objects.create(
        questionnaire=questionnaire, text="The child is thriving", position=1
    )
    for before, after in ((2, 4), (3, 4)):
        enrolment = Enrolment.objects.create(
            course=course, household=household(), status=Enrolment.Status.COMPLETED
        )
        for moment, value in (("before", before), ("after", after)):
            response = QuestionnaireResponse.objects.create(
                enrolment=enrolment, moment=moment, answered_on=date(2025, 2, 4)
            )
            QuestionnaireAnswer.objects.create(response=response, item=wellbeing, value=value)
    client.force_login(make_librarian(town["A"]))

    html = client.get(URL, {"starts_on": "2025-01-01"}).content.decode()

    # Before: (2 + 3) / 2 = 2.5; after: 4.0; change +1.5, for the same two families.
    row = re.search(r"The child is thriving</th>(.*?)</tr>", html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert cells == ["2.5 (n=2)", "4.0 (n=2)", "+1.5", "2", "+1.5"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(2 / 3, "67\u00a0%"), (57 / 200, "29\u00a0%"), (1 / 8, "13\u00a0%"), (0.994, "99\u00a0%")],
)
def test_shares_are_rounded_not_cut_off(value, shown):
    assert share(value) == shown


def test_averages_are_rounded_in_the_readers_decimal_mark():
    assert decimal1(3.96) == "4.0"
    assert signed1(0.25) == "+0.3"
    with translation.override("nb"):
        assert decimal1(3.96) == "4,0"
        assert share(2 / 3) == "67\u00a0%"


def test_each_figure_leads_to_its_definition_on_the_page(client, make_librarian, town):
    client.force_login(make_librarian(town["A"]))

    html = client.get(URL, {"starts_on": "2025-01-01"}).content.decode()

    targets = set(re.findall(r'href="#(def-[a-z-]+)"', html))
    defined = set(re.findall(r'<dt id="(def-[a-z-]+)">', html))
    assert len(targets) >= 14
    assert targets <= defined
    assert re.search(
        r'<th scope="row"><a href="#def-fill-rate" class="figure-name">Fill rate</a></th>', html
    )
    assert "Places booked divided by places offered." in html
    assert '<a href="#definitions">how it is counted</a>' in html


def test_the_report_prints_the_whole_width_of_the_paper():
    """Printed, the admin keeps no room for its hidden sidebar (tests/browser/test_start_page
    measures it in Chromium)."""
    stylesheet = Path(finders.find("reports/reports.css")).read_text()
    printed = stylesheet.split("@media print", 1)[1]

    assert ".main.shifted > #nav-sidebar + .content { max-width: none !important; }" in printed
    assert "#nav-sidebar" in printed
