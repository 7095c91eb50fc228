from __future__ import annotations

from datetime import datetime

from households.links import manage_url, unsubscribe_url
from households.models import Household
from notifications.services import Message


def household_context(household: Household, *, after: datetime | None = None) -> dict:
    """``after``: the end of the session or course the message is about; the family's link
    works until some months after it (households.links)."""
    return {"household": household, "manage_url": manage_url(household=household, after=after)}


def household_invitation(
    *,
    household: Household,
    key: str,
    kind: str,
    reference: str,
    after: datetime | None = None,
    **context,
):
    """Follow-up invitations: only to consenting households, always with an unsubscribe link."""
    link = unsubscribe_url(household=household)
    return Message(
        key=key,
        kind=kind,
        recipient=household.email,
        language=household.language,
        reference=reference,
        context={**household_context(household, after=after), **context, "unsubscribe_url": link},
        unsubscribe_url=link,
    )
