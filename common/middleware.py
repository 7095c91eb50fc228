"""Input that Python or the database cannot hold answers 400, never 500: one place for
every page, the admin's included, rather than a check per view.

- A NUL byte anywhere in the address or a submitted form (PostgreSQL refuses to store or
  compare it) is refused before any view runs.
- A number too large for Python's dates (``?starts_at__year=-11805916…``) or a value a
  field cannot read (an admin action's ``_selected_action=1e3``) is refused when the
  query built from it fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import bad_request

from common.links import LinkExpired, LinkNotValid

logger = logging.getLogger(__name__)


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    sent = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for data in sent:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


def _unreadable_value(exception: Exception) -> bool:
    """A query built from input failed on the input itself: a date part Python cannot hold,
    or a value the field cannot convert (Django says "Field 'id' expected a number...")."""
    if isinstance(exception, OverflowError):
        return True
    message = str(exception)
    if isinstance(exception, ValueError) and message.startswith(
        ("year ", "month must be", "day is out of range")
    ):
        return True  # Python's dates: ?starts_at__year=9999 asks for the end of year 9999
    return isinstance(exception, (ValueError, TypeError)) and message.startswith("Field '")


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request):
            logger.warning("Refused a request holding a NUL byte: %s", request.path)
            return bad_request(request, ValueError("NUL byte"))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _unreadable_value(exception):
            return None
        logger.warning("Refused unreadable input on %s: %s", request.path, exception)
        return bad_request(request, exception)


class SignedLinkMiddleware:
    """A signed link that no longer works gets a page that says why and offers a new
    link, in the visitor's language: expired or replaced (410 Gone), or never valid, e.g.
    cut short when copied (404). Never a 500 or Django's bare 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LinkExpired):
            return render(request, "link_refused.html", {"expired": True}, status=410)
        if isinstance(exception, LinkNotValid):
            return render(request, "link_refused.html", {"expired": False}, status=404)
        return None
