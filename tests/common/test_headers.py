"""What every page answers besides its content: HEAD like GET, a failed CSRF check in the
site's design and language, staff sessions that end after a working day."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/", "/sessions/", "/privacy/", "/privacy/volunteers/", "/healthz"]
)
def test_head_is_answered_wherever_get_is(client, url):
    assert client.head(url).status_code == 200


def test_head_of_a_session_page(client):
    session = SessionFactory()
    assert client.head(f"/sessions/{session.pk}/").status_code == 200


def test_a_failed_csrf_check_gets_the_sites_page_in_the_visitors_language():
    session = SessionFactory()
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="nb")
    response = strict.post(f"/nb/sessions/{session.pk}/", {"name": "Anna"})
    assert response.status_code == 403
    assert "Send skjemaet på nytt" in response.text
    assert 'lang="nb"' in response.text


def test_a_staff_session_ends_after_a_working_day_without_a_request(client, make_librarian, branch):
    client.force_login(make_librarian(branch))
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=6)):
        assert client.get("/admin/").status_code == 200  # in use: the day starts again
    with time_machine.travel(start + timedelta(hours=14)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + timedelta(hours=24)):
        response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
