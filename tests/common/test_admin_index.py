"""The admin's index puts what a librarian uses every day first (settings.ADMIN_DAILY_MODELS)
and the rest under "More"; a form's related-object widgets offer no delete link."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import BranchFactory, RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db


def model_links(page: str) -> list[str]:
    """The lists the index links to, in the order it shows them."""
    return re.findall(r'<th scope="row" id="[^"]+">\s*<a href="([^"]+)"', page)


def test_the_daily_models_come_first_in_their_order_and_the_rest_under_more(client, make_librarian):
    client.force_login(make_librarian(BranchFactory()))

    page = client.get(reverse("admin:index")).text

    daily, _, more = page.partition('id="more-heading"')
    assert model_links(daily) == [
        reverse("admin:programmes_session_changelist"),
        reverse("admin:programmes_series_changelist"),
        reverse("admin:bookings_booking_changelist"),
        reverse("admin:courses_enrolment_changelist"),
        reverse("admin:courses_course_changelist"),
        reverse("admin:programmes_programme_changelist"),
        reverse("admin:volunteers_shift_changelist"),
        reverse("admin:volunteers_volunteer_changelist"),
    ]
    assert ">Daily work<" in daily
    assert ">More</h2>" in more
    rest = model_links(more)
    assert reverse("admin:programmes_room_changelist") in rest
    assert reverse("admin:attendance_attendance_changelist") in rest
    assert not set(rest) & set(model_links(daily))
    # The start page is above them all.
    assert page.index('id="start-page"') < page.index(">Daily work<")


def test_an_apps_own_page_still_lists_all_its_models(client, make_librarian):
    client.force_login(make_librarian(BranchFactory()))

    page = client.get(reverse("admin:app_list", args=["programmes"])).text

    links = model_links(page)
    assert reverse("admin:programmes_session_changelist") in links
    assert reverse("admin:programmes_room_changelist") in links
    assert ">Daily work<" not in page.split('id="content-main"', 1)[1]


def test_a_superusers_index_keeps_the_daily_models_first(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-for-tests"))

    page = client.get(reverse("admin:index")).text

    daily, _, more = page.partition('id="more-heading"')
    assert model_links(daily)[0] == reverse("admin:programmes_session_changelist")
    assert reverse("admin:auth_user_changelist") in model_links(more)


def test_the_sessions_form_has_no_delete_link_beside_its_room(client, make_librarian):
    session = SessionFactory(room=RoomFactory())
    client.force_login(make_librarian(session.room.branch))

    for url in (
        reverse("admin:programmes_session_change", args=[session.pk]),
        reverse("admin:programmes_session_add"),
    ):
        page = client.get(url).text
        assert 'id="change_id_room"' in page  # the pencil stays
        assert 'id="delete_id_room"' not in page
        assert 'id="delete_id_programme"' not in page
