"""Signed tokens stay out of the logs: ``/manage/<redacted>/`` instead of the key itself.

A token in an address is a password (common.links), and logs are read by more people,
and kept longer, than a family's e-mail. Which addresses carry one is read from the URL
patterns: every route with a ``<token>`` part, so a new page behind a link is covered
without a list to keep. The language prefix (``/en/manage/…``) and absolute addresses
(a Referer header: ``https://host/manage/…``) are covered too.

Used by Django's logging (settings.LOGGING: ``django.request``, ``django.server``, the
console) and by gunicorn's access log (config/gunicorn.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern

REDACTED = "<redacted>"
LINK_PARAMETER = "token"  # the name of the part of a route that holds a signed token
# Until the URL patterns can be read (Django not set up yet): any long path segment of
# the characters a signed token is made of.
FALLBACK = re.compile(r"(?P<before>/)[A-Za-z0-9_\-:.]{24,}(?=[/?#\s\"']|$)")


def _token_routes(patterns: list[Any], prefix: str) -> Iterator[str]:
    """Each route's text up to and including its token part, as a regular expression."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            part = pattern.pattern
            here = "" if isinstance(part, LocalePrefixPattern) else re.escape(str(part))
            yield from _token_routes(pattern.url_patterns, prefix + here)
        elif (
            isinstance(pattern, URLPattern)
            and isinstance(pattern.pattern, RoutePattern)
            and LINK_PARAMETER in pattern.pattern.converters
        ):
            route = str(pattern.pattern)
            before = route[: route.index(f":{LINK_PARAMETER}>") + len(f":{LINK_PARAMETER}>")]
            before = before[: before.rindex("<")]
            # Other parts before the token (none today) match any one segment.
            literal = re.sub(r"\\<[^>]*\\>|<[^>]*>", "[^/]+", re.escape(before))
            yield prefix + literal


@cache
def _pattern() -> re.Pattern[str]:
    routes = sorted(set(_token_routes(get_resolver().url_patterns, "")), key=len, reverse=True)
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(
        # Where an address path starts: the string's start, after a space or quote (a
        # request line, a message), or after a scheme and host.
        r"(?P<before>(?:^|(?<=[\s\"'(=])|[a-z][a-z0-9+.-]*://[^/\s\"']*)"
        rf"/(?:(?:{languages})/)?(?:{'|'.join(routes)}))"
        r"[^/?#\s\"']+",
    )


def redact(text: str) -> str:
    """``text`` with the token of every address that carries one replaced."""
    if "/" not in text:
        return text
    try:
        pattern = _pattern()
    except Exception:  # noqa: BLE001 - the URL patterns cannot be read yet: be careful
        return FALLBACK.sub(rf"\g<before>{REDACTED}", text)
    return pattern.sub(rf"\g<before>{REDACTED}", text)


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    """Rewrites a record's message and its arguments (a tuple, or gunicorn's dict of
    atoms); lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            # In place: gunicorn's atoms are a dict of its own kind (a missing one is "-").
            for key, value in record.args.items():
                record.args[key] = _redacted(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(_redacted(value) for value in record.args)
        return True
