from __future__ import annotations

from households.links import manage_url, unsubscribe_url
from households.models import Household
from notifications.services import Message


def household_context(household: Household) -> dict:
    return {"household": household, "manage_url": manage_url(household=household)}


def household_invitation(*, household: Household, key: str, kind: str, reference: str, **context):
    """Follow-up invitations: only to consenting households, always with an unsubscribe link."""
    link = unsubscribe_url(household=household)
    return Message(
        key=key,
        kind=kind,
        recipient=household.email,
        language=household.language,
        reference=reference,
        context={**household_context(household), **context, "unsubscribe_url": link},
        unsubscribe_url=link,
    )
