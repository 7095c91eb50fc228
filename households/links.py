"""The family's own links: its page (manage) and "stop invitations" (unsubscribe).

Both carry the household's link version and an end (common.links). How long each works:

- the family's page: until MANAGE_LINK_VALIDITY (six months) after the session the
  e-mail is about (a confirmation for a session three months ahead works until six
  months after that session), or after the e-mail was made when that is later or it is
  about no session; "send me a new link" counts from the household's last booked
  session (privacy.new_links);
- stop invitations: UNSUBSCRIBE_LINK_VALIDITY from when it was made, and *not* revoked
  by "send me a new link": it does one harmless thing a person must always be able to do
  from an old e-mail (stop the messages; mail programs' one-click button uses it), so a
  new link must not break it. What it opens shows the family's page only to a link of
  the current version (manage_path_for_unsubscribe).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from common.links import absolute, link_row, link_target, signed_link
from households.models import Household

MANAGE_SALT = "bookings.manage"
MANAGE_LINK_VALIDITY = timedelta(days=183)  # six months
UNSUBSCRIBE_SALT = "bookings.unsubscribe"
UNSUBSCRIBE_LINK_VALIDITY = timedelta(days=365)


def _personal() -> QuerySet[Household]:
    """A household whose personal data is gone (erased or purged) opens nothing any more."""
    return Household.objects.filter(anonymised_at__isnull=True)


def _version(household: Household) -> int:
    return household.link_version


def manage_token(*, household: Household, after: datetime | None = None) -> str:
    """``after``: the end of the session (or course) the link is sent about."""
    now = timezone.now()
    return signed_link(
        household.pk,
        salt=MANAGE_SALT,
        version=household.link_version,
        valid_until=max(now, after or now) + MANAGE_LINK_VALIDITY,
    )


def household_from_token(token: str) -> Household | None:
    """The household a manage token was made for; None for a forged or broken token,
    LinkExpired for one past its time or made before the household's newest link."""
    return link_row(_personal(), token, salt=MANAGE_SALT, version_of=_version)


def manage_url(*, household: Household, after: datetime | None = None) -> str:
    token = manage_token(household=household, after=after)
    return absolute(reverse("bookings:manage", args=[token]))


def unsubscribe_url(*, household: Household) -> str:
    token = signed_link(
        household.pk,
        salt=UNSUBSCRIBE_SALT,
        version=household.link_version,
        valid_until=timezone.now() + UNSUBSCRIBE_LINK_VALIDITY,
    )
    return absolute(reverse("bookings:unsubscribe", args=[token]))


def household_from_unsubscribe_token(token: str) -> Household | None:
    """Whatever the household's link version (see the module's note); LinkExpired only
    once a year has passed."""
    target = link_target(token, salt=UNSUBSCRIBE_SALT)
    if target is None:
        return None
    return _personal().filter(pk=target.pk).first()


def manage_path_for_unsubscribe(*, token: str, household: Household) -> str:
    """The family's page, from the unsubscribe page: only for a link of the household's
    current version, so an old, unrevoked unsubscribe link opens nothing more. Empty
    otherwise (the page then offers a new link)."""
    target = link_target(token, salt=UNSUBSCRIBE_SALT)
    if target is None or target.version != household.link_version:
        return ""
    return reverse("bookings:manage", args=[manage_token(household=household)])
