from __future__ import annotations

from django.core import signing
from django.urls import reverse

from common.links import absolute, pk_from, signed_pk
from households.models import Household

MANAGE_SALT = "bookings.manage"


def manage_token(*, household: Household) -> str:
    return signing.dumps(household.pk, salt=MANAGE_SALT, compress=True)


def household_from_token(token: str) -> Household | None:
    """The household a manage token was made for; None for a forged or broken token."""
    try:
        pk = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None
    return _personal(pk)


def _personal(pk: int) -> Household | None:
    """A household whose personal data is gone (erased or purged) opens nothing any more."""
    return Household.objects.filter(pk=pk, anonymised_at__isnull=True).first()


def manage_url(*, household: Household) -> str:
    return absolute(reverse("bookings:manage", args=[manage_token(household=household)]))


UNSUBSCRIBE_SALT = "bookings.unsubscribe"


def unsubscribe_url(*, household: Household) -> str:
    token = signed_pk(household.pk, UNSUBSCRIBE_SALT)
    return absolute(reverse("bookings:unsubscribe", args=[token]))


def household_from_unsubscribe_token(token: str) -> Household | None:
    pk = pk_from(token, UNSUBSCRIBE_SALT)
    return None if pk is None else _personal(pk)
