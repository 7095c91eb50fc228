"""Signed links: in e-mails and calendar files they stand in for a password.

One mechanism for every link made for a person (a household, a volunteer): the token
names a row, the person's link version when it was made, and the moment it stops
working. A link is refused when it is forged or cut short (not valid), when its moment
has passed, and when the person has asked for new links since (their version was raised:
"send me a new link"). The last two are ``LinkExpired``: the page then says so and offers
a new link (common.middleware.SignedLinkMiddleware).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TypeVar

from django.conf import settings
from django.core import signing
from django.db.models import F, Model, QuerySet
from django.http import Http404
from django.utils import timezone

M = TypeVar("M", bound=Model)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


class LinkExpired(Exception):
    """A genuine link that no longer works: past its time, or replaced by a new one."""


class LinkNotValid(Http404):
    """A link that was never ours: forged, cut short when copied, or its row is gone.
    Not found (404), with a page that offers a new link."""


@dataclass(frozen=True)
class LinkTarget:
    pk: int
    version: int


def end_of_day(day: date) -> datetime:
    """The last moment of a day, for links valid "until" a date."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def signed_link(pk: int, *, salt: str, version: int, valid_until: datetime) -> str:
    """A token for the row ``pk``, made for the person's link ``version``, that works
    until ``valid_until``. The salt keeps one purpose's token from opening another's."""
    until = int(valid_until.timestamp())
    return signing.dumps([pk, version, until], salt=salt, compress=True)


def link_target(token: str, *, salt: str, now: datetime | None = None) -> LinkTarget | None:
    """What a token names: None when it is not ours; LinkExpired when its time is past.

    A genuine token from before links carried a version and an end (a bare row id) is
    expired too: the page offers a new link rather than a dead end.
    """
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    try:
        pk, version, until = (int(part) for part in data)
    except (TypeError, ValueError):
        raise LinkExpired from None
    if (now or timezone.now()).timestamp() > until:
        raise LinkExpired
    return LinkTarget(pk=pk, version=version)


def link_row(
    queryset: QuerySet[M], token: str, *, salt: str, version_of: Callable[[M], int]
) -> M | None:
    """The row a token names, if it still works: None when the token is not ours or the
    row is gone; LinkExpired when it is past its time or the person's links were renewed
    since (``version_of(row)`` is not the version the link was made for)."""
    target = link_target(token, salt=salt)
    if target is None:
        return None
    row = queryset.filter(pk=target.pk).first()
    if row is None:
        return None
    if version_of(row) != target.version:
        raise LinkExpired
    return row


def links_renew(person: QuerySet[M], *, seen: int) -> bool:
    """Raise a person's link version ("send me a new link"): every link made for them
    before stops working. ``person`` is their row's queryset, ``seen`` the version read
    before; False when another request raised it since (two at once renew once: the
    first one's e-mail is the one that works)."""
    return bool(person.filter(link_version=seen).update(link_version=F("link_version") + 1))
