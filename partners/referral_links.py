"""A partnership's referral link: how a professional refers a family, with no account.

The link is signed and carries the partnership's current ``referral_key``; giving the
partnership a new key revokes every link handed out before, and an empty key closes it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from partners.models import Partnership

SALT = "partners.referral"


def referral_url(*, partnership: Partnership) -> str:
    """The link to give professionals; empty when referrals are closed."""
    if not partnership.referral_key:
        return ""
    # No timestamp in it: the link stays the same until the key changes.
    token = signing.Signer(salt=SALT).sign_object(
        [partnership.pk, partnership.referral_key], compress=True
    )
    return settings.SITE_URL.rstrip("/") + reverse("courses:refer", args=[token])


def partnership_from_referral_token(token: str) -> Partnership | None:
    """The running partnership the link was made for; None if forged, revoked or over."""
    try:
        pk, key = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    today = timezone.localdate()
    return (
        Partnership.objects.running(on=today)
        .select_related("organisation", "programme", "branch")
        .filter(pk=pk)
        .exclude(referral_key="")
        .filter(referral_key=key)
        .first()
    )
