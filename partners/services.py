"""Changes to partnerships."""

from __future__ import annotations

from partners.models import Partnership, new_referral_key


def referral_link_renew(*, partnership: Partnership) -> Partnership:
    """A new referral link; every link given out before stops working."""
    partnership.referral_key = new_referral_key()
    partnership.save(update_fields=["referral_key"])
    return partnership


def referral_link_close(*, partnership: Partnership) -> Partnership:
    """No referrals through this partnership until a new link is made."""
    partnership.referral_key = ""
    partnership.save(update_fields=["referral_key"])
    return partnership
