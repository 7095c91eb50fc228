"""A series in Chromium, as a Norwegian librarian makes and changes one: Thursdays in the
weeks before Easter, the winter holiday week left out as a range and Norway's public
holidays (Skjærtorsdag) left out by the box on the form; then a new time, shown first in
the preview, and the booked family receives the move."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from notifications.models import Outbox
from programmes.models import Series, Session
from programmes.public_holidays import public_holidays
from tests.bookings.support import book
from tests.factories import BranchFactory, ProgrammeFactory, RoomFactory
from tests.operations.support import household

from .support import describe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "pw-for-tests"  # make_librarian's


def maundy_thursday(year: int) -> date:
    (day,) = [
        day
        for day, name in public_holidays(
            country="NO", first=date(year, 3, 1), last=date(year, 4, 30)
        ).items()
        if name == "Skjærtorsdag"
    ]
    return day


@pytest.fixture
def sandvika(make_librarian):
    branch = BranchFactory(name="Sandvika", time_zone="Europe/Oslo", country="NO")
    RoomFactory(branch=branch, name="Luftslottet")
    ProgrammeFactory(name="Babydans", min_age_months=3, max_age_months=12)
    make_librarian(branch, username="lise")
    return branch


def sign_in(page: Page, path: str) -> None:
    page.goto(f"/admin/login/?next={path}")
    page.get_by_label("Username").fill("lise")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_librarian_makes_a_series_without_the_holidays_and_moves_it_through_the_preview(
    sandvika, page: Page, axe_violations, screenshot
):
    easter_thursday = maundy_thursday(timezone.localdate().year + 1)
    first = easter_thursday - timedelta(weeks=5)
    winter_monday = easter_thursday - timedelta(weeks=4, days=3)
    sign_in(page, "/admin/programmes/series/add/")

    page.locator("#id_programme").select_option(label="Babydans")
    page.locator("#id_room").select_option(label="Luftslottet (Sandvika)")
    page.locator("#id_title").fill("Vår")
    page.get_by_label("Thursday").check()
    page.locator("#id_start_time").fill("11:00")
    page.locator("#id_end_time").fill("12:00")
    page.locator("#id_start_date").fill(first.isoformat())
    page.locator("#id_end_date").fill((easter_thursday + timedelta(weeks=2)).isoformat())
    # The country's public holidays are left out unless the librarian unticks it.
    expect(page.get_by_label("Leave out public holidays")).to_be_checked()
    page.locator("#id_exclusions-0-start_date").fill(winter_monday.isoformat())
    page.locator("#id_exclusions-0-end_date").fill((winter_monday + timedelta(days=4)).isoformat())
    page.locator("#id_exclusions-0-reason").fill("Vinterferie")
    page.get_by_role("button", name="Save and continue editing").click()

    # Eight Thursdays, less the winter holiday's and Skjærtorsdag.
    expect(page.locator(".messagelist")).to_contain_text("6 sessions created")
    left_out = page.locator(".field-left_out")
    expect(left_out).to_contain_text("(Vinterferie)")
    expect(left_out).to_contain_text("(Skjærtorsdag)")
    series = Series.objects.get(title="Vår")
    sessions = list(Session.objects.filter(series=series).order_by("starts_at"))
    assert len(sessions) == 6
    assert easter_thursday not in [s.series_date for s in sessions]
    assert winter_monday + timedelta(days=3) not in [s.series_date for s in sessions]
    book(sessions[0], household("kari@example.com", "Kari Nordmann"), direct=True)

    # A new time: the page shows what moves and who is told before anything is saved.
    page.reload()
    page.locator("#id_start_time").fill("12:00")
    page.locator("#id_end_time").fill("13:00")
    page.get_by_role("button", name="Save and continue editing").click()

    preview = page.locator("#series-change")
    expect(preview).to_contain_text("Check this change before it is saved")
    expect(preview).to_contain_text("1 family will be told.")
    expect(page.locator("#series-change-moves tbody tr")).to_have_count(6)
    expect(page.locator("#series-change-moves tbody tr").first).to_contain_text(
        "11:00–12:00, Luftslottet"
    )
    expect(page.locator("#series-change-moves tbody tr").first).to_contain_text(
        "12:00–13:00, Luftslottet"
    )
    screenshot(page, "series-change-preview")
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    assert Session.objects.get(pk=sessions[0].pk).local_start.hour == 11
    assert not mail.outbox

    page.get_by_role("button", name="Save and change the sessions, telling the families").click()

    expect(page.locator(".messagelist")).to_contain_text("6 sessions moved, 1 family was told.")
    assert [s.local_start.hour for s in Session.objects.filter(series=series)] == [12] * 6
    assert Session.objects.filter(series=series).count() == 6
    (moved,) = Outbox.objects.filter(kind="session_moved")
    assert moved.recipient == "kari@example.com"
    (told,) = [m for m in mail.outbox if m.to == ["kari@example.com"]]
    assert told.subject.startswith("New time: Babydans is now Thursday")
    assert "12:00" in told.subject
