"""Tokens in addresses never reach the logs: Django's (a refused link, runserver's request
lines) and gunicorn's access log show ``/manage/<redacted>/``."""

import logging
import runpy
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from gunicorn.config import Config

from common.log_redaction import redact
from households.links import manage_url
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token():
    return urlsplit(manage_url(household=HouseholdFactory())).path.split("/")[2]


@pytest.fixture
def captured():
    """What the named logger writes, through a handler of the test's own."""
    added: list[tuple[logging.Logger, logging.Handler]] = []

    def capture(name: str) -> StringIO:
        stream = StringIO()
        handler = logging.StreamHandler(stream)
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        added.append((logger, handler))
        return stream

    yield capture
    for logger, handler in added:
        logger.removeHandler(handler)


def test_a_refused_link_is_logged_without_its_token(client, token, captured):
    log = captured("django.request")
    assert client.get(f"/manage/{token}x/").status_code == 404
    assert client.get(f"/en/cant-come/{token}/").status_code == 404

    written = log.getvalue()
    assert "Not Found: /manage/<redacted>/" in written
    assert "Not Found: /en/cant-come/<redacted>/" in written
    assert token not in written


def test_runservers_request_line_is_logged_without_its_token(client, token, captured):
    log = captured("django.server")
    assert client.get(f"/manage/{token}/").status_code == 200
    # As django.core.servers.basehttp.WSGIRequestHandler.log_message writes it.
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /manage/{token}/cancel/3/ HTTP/1.1", "200", "5120"
    )
    assert log.getvalue() == '"GET /manage/<redacted>/cancel/3/ HTTP/1.1" 200 5120\n'


def test_gunicorns_access_log_shows_no_token(token, capsys):
    options = runpy.run_path(str(settings.BASE_DIR / "config" / "gunicorn.py"))
    config = Config()
    config.set("accesslog", options["accesslog"])
    logger = options["logger_class"](config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/nb/manage/{token}/?page=2",
        "PATH_INFO": f"/nb/manage/{token}/",
        "QUERY_STRING": "page=2",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://familieliv.example/rate/{token}/4/",
        "REMOTE_ADDR": "192.0.2.1",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))

    written = capsys.readouterr().out
    assert '"GET /nb/manage/<redacted>/?page=2 HTTP/1.1" 200 512' in written
    assert '"https://familieliv.example/rate/<redacted>/4/"' in written
    assert token not in written


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/shift/abc:def/calendar.ics", "/shift/<redacted>/calendar.ics"),
        ("/refer/abc/", "/refer/<redacted>/"),
        ("/booked/abc/", "/booked/<redacted>/"),
        # Addresses with no token stay as they are.
        ("/admin/volunteers/shift/12/change/", "/admin/volunteers/shift/12/change/"),
        ("/coordinator/shifts/3/", "/coordinator/shifts/3/"),
        ("/new-link/", "/new-link/"),
    ],
)
def test_every_address_with_a_token_and_no_other(text, expected):
    assert redact(text) == expected
