"""A Norwegian librarian reads the admin in Norwegian, with no Danish: Django's Norwegian
catalogue lacks strings its Danish one has, and Django then falls back to the default
language's catalogue (Danish); the project's own Norwegian catalogue fills them. Dates and
times read as the librarian writes them: no ISO dates or weeks, no seconds."""

from __future__ import annotations

import gettext
import json
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import django
import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import clear_url_caches, reverse
from django.utils import translation
from django.utils.translation import trans_real

from bookings.models import Booking
from courses.models import Enrolment
from programmes.models import Session
from programmes.services import series_generate_sessions
from tests.bookings.support import book
from tests.factories import (
    BranchFactory,
    CourseFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    RoomFactory,
    SeriesFactory,
    SessionFactory,
)
from tests.operations.support import household

from .pages import danish_in, input_values, unreadable_dates, visible_text

pytestmark = pytest.mark.django_db

# Tuesday 24 November 2026, 09:00 in Oslo.
NOW = datetime(2026, 11, 24, 8, tzinfo=UTC)


def _catalogue(domain: str, language: str) -> dict:
    """Every translated string Django, the installed apps and the project hold for
    ``language``, as Django merges them, but without its fallback to another language."""
    folders = [Path(django.__file__).parent / "conf" / "locale"]
    folders += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    folders += [Path(folder) for folder in settings.LOCALE_PATHS]
    merged: dict = {}
    for folder in folders:
        found = gettext.translation(domain, folder, languages=[language], fallback=True)
        if isinstance(found, gettext.GNUTranslations):
            merged.update({key: text for key, text in found._catalog.items() if key and text})
    return merged


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_norwegian_has_every_string_danish_has(domain):
    """A string Danish has and Norwegian lacks is shown to Norwegians in Danish."""
    danish, norwegian = _catalogue(domain, "da"), _catalogue(domain, "nb")

    lacking = sorted(str(key) for key in danish if key not in norwegian)

    assert lacking == [], "add these to locale/nb (djangojs.po for scripts)"


@pytest.fixture
def danish_default(settings, monkeypatch):
    """The site's default language as installed (the tests' own is English): what Django
    falls back to where Norwegian lacks a string. Translations are loaded afresh with it."""
    settings.LANGUAGE_CODE = "da"
    monkeypatch.setattr(trans_real, "_translations", {})
    # The addresses' language prefixes are kept per language, worked out for the default.
    clear_url_caches()
    yield
    clear_url_caches()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sandvika(clock):
    """A Norwegian branch in a working week: a Babysang series (today's meeting booked
    full, a family waiting), a Lektiecafé today, a club course with a referral waiting."""
    branch = BranchFactory(name="Sandvika", language="nb")
    room = RoomFactory(branch=branch, name="Eventyrrommet", capacity=40)
    babysang = ProgrammeFactory(name="Babysang", min_age_months=0, max_age_months=24)
    babysang.owners.add(branch)
    series = SeriesFactory(
        programme=babysang,
        room=room,
        weekdays=[1],
        start_time=time(10),
        end_time=time(11),
        start_date=NOW.date() - timedelta(weeks=2),
        end_date=NOW.date() + timedelta(weeks=4),
        capacity=2,
    )
    series_generate_sessions(series=series)
    today = Session.objects.get(series=series, starts_at__date=NOW.date())
    kari = book(today, household("kari@example.com", "Kari Nordmann"), children=("Ella",))
    book(today, household("ola@example.com", "Ola Hansen"), children=("Per",))
    book(today, household("siri@example.com", "Siri Berg"), children=("Liv",))
    lektiecafe = SessionFactory(
        programme=ProgrammeFactory(name="Leksehjelp", drop_in=True),
        room=RoomFactory(branch=branch, name="Verkstedet"),
        starts_at=NOW + timedelta(hours=6),
        ends_at=NOW + timedelta(hours=9),
    )
    course = CourseFactory(series__room=room, series__programme__name="Småbarnsklubb")
    referral = EnrolmentFactory(
        course=course, status=Enrolment.Status.REFERRED, household__name="Nora Lie"
    )
    return {
        "branch": branch,
        "room": room,
        "programme": babysang,
        "series": series,
        "today": today,
        "lektiecafe": lektiecafe,
        "booking": Booking.objects.get(pk=kari.pk),
        "course": course,
        "referral": referral,
    }


def _pages(world) -> list[str]:
    """The pages a librarian opens in a working week, at the addresses of the site's
    default language (a page just opened leaves its language active in the thread)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _addresses(world)


def _addresses(world) -> list[str]:
    session, series, room = world["today"], world["series"], world["room"]
    return [
        reverse("admin:index"),
        reverse("admin:my_language"),
        reverse("admin:password_change"),
        reverse("admin:programmes_session_changelist"),
        reverse("admin:programmes_session_change", args=[session.pk]),
        reverse("admin:programmes_session_add"),
        reverse("admin:programmes_session_history", args=[session.pk]),
        reverse("admin:programmes_session_week"),
        reverse("admin:programmes_session_month"),
        reverse("admin:programmes_session_participants", args=[session.pk]),
        reverse("admin:programmes_session_message", args=[session.pk]),
        reverse("admin:programmes_series_changelist"),
        reverse("admin:programmes_series_change", args=[series.pk]),
        reverse("admin:programmes_series_add"),
        reverse("admin:bookings_booking_changelist"),
        reverse("admin:bookings_booking_change", args=[world["booking"].pk]),
        reverse("admin:courses_enrolment_changelist"),
        reverse("admin:courses_enrolment_change", args=[world["referral"].pk]),
        reverse("admin:courses_course_changelist"),
        reverse("admin:courses_course_change", args=[world["course"].pk]),
        reverse("admin:programmes_programme_changelist"),
        reverse("admin:programmes_programme_change", args=[world["programme"].pk]),
        reverse("admin:programmes_programme_add"),
        reverse("admin:programmes_room_changelist"),
        reverse("admin:programmes_room_change", args=[room.pk]),
        reverse("admin:programmes_room_delete", args=[room.pk]),
        reverse("admin:programmes_branch_change", args=[world["branch"].pk]),
        reverse("reports:impact"),
        reverse("attendance:helper_today"),
        reverse("attendance:check_in", args=[session.pk]),
        reverse("attendance:head_count", args=[world["lektiecafe"].pk]),
    ]


def _every_list(user) -> list[str]:
    """Every admin list the librarian may open."""
    request = RequestFactory().get("/admin/")
    request.user = user
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_view_permission(request)
    )


def _actions(client, world) -> list[str]:
    """The pages the admin's actions and refused forms answer with."""
    series = world["series"]
    cancel = client.post(
        reverse("admin:programmes_series_changelist"),
        {"action": "cancel_coming_sessions", "_selected_action": [series.pk]},
    )
    delete = client.post(
        reverse("admin:programmes_room_changelist"),
        {"action": "delete_selected", "_selected_action": [world["room"].pk]},
    )
    refused = client.post(
        reverse("admin:programmes_series_add"),
        {"title": "", "weekdays": [], "start_date": "not a date"},
    )
    assert "cancel_coming_sessions" in cancel.text
    assert refused.status_code == 200
    return [cancel.text, delete.text, refused.text]


def test_a_norwegian_librarian_meets_no_danish_in_the_admin(
    client, danish_default, sandvika, make_librarian
):
    librarian = make_librarian(sandvika["branch"])
    client.force_login(librarian)
    pages = {}
    for url in _pages(sandvika) + _every_list(librarian):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == "nb", url
        pages[url] = response.text
    for n, text in enumerate(_actions(client, sandvika)):
        pages[f"action {n}"] = text

    danish = {url: danish_in(visible_text(page)) for url, page in pages.items()}

    assert {url: found for url, found in danish.items() if found} == {}
    # The strings Django's Norwegian lacks, read in Norwegian.
    refused = visible_text(pages["action 2"])
    assert "Rett feilene nedenfor." in refused
    lists = visible_text(pages[reverse("admin:programmes_session_changelist")])
    assert "Skriv for å filtrere …" in lists


def test_the_admins_scripts_speak_norwegian(client, danish_default, sandvika, make_librarian):
    client.force_login(make_librarian(sandvika["branch"]))

    script = client.get(reverse("admin:jsi18n")).content.decode()
    # The strings are JSON in the script, letters beyond ASCII escaped.
    found = re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)
    assert found, "no catalogue in the admin's script"
    catalogue = json.loads(found[1])
    # A plural's forms come as a list.
    texts = [t for v in catalogue.values() for t in (v if isinstance(v, list) else [v])]

    assert danish_in(" ".join(texts)) == []
    assert catalogue["Choose all %s"] == "Velg alle %s"
    assert catalogue["Monday"] == "mandag"


@pytest.mark.parametrize("language", ["nb", "da"])
def test_dates_and_times_read_as_the_librarian_writes_them(
    client, sandvika, make_librarian, language
):
    branch = sandvika["branch"]
    branch.language = language
    branch.save()
    client.force_login(make_librarian(branch))
    pages = {url: client.get(url).text for url in _pages(sandvika)}

    unreadable = {url: found for url, page in pages.items() if (found := unreadable_dates(page))}

    assert unreadable == {}
    # The session's page: its time in the inputs without seconds, its date as written here.
    session_page = pages[reverse("admin:programmes_session_change", args=[sandvika["today"].pk])]
    assert "10:00" in input_values(session_page)
    assert "24.11.2026" in input_values(session_page)
    week = visible_text(pages[reverse("admin:programmes_session_week")])
    heading = {"nb": "Uke 48: 23. november 2026", "da": "Uge 48: 23. november 2026"}[language]
    assert heading in week
    assert "Babysang, Sandvika, 24.11.2026 10:00" in visible_text(
        pages[reverse("admin:bookings_booking_change", args=[sandvika["booking"].pk])]
    )
