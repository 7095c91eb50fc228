"""Changes to partnerships."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import DomainError
from partners.models import Partnership, new_referral_key

# Once shifts are planned, their volunteers, sessions and places belong to the
# partnership's organisation, programme and branch: changing one would strand them.
FIXED_ONCE_STAFFED = ("organisation", "programme", "branch")


class PartnerError(DomainError):
    """A change to a partnership that breaks a rule; the message is translated."""


def partnership_fixed_fields(*, partnership: Partnership) -> tuple[str, ...]:
    """The fields that can no longer change: FIXED_ONCE_STAFFED once the partnership has
    shifts (the admin shows them read-only; partnership_update refuses them)."""
    # The shifts are the volunteers app's, a layer above: reached by their relation only.
    if partnership.pk is not None and partnership.shifts.exists():
        return FIXED_ONCE_STAFFED
    return ()


def partnership_update(*, partnership: Partnership) -> Partnership:
    """Save a partnership whose fields a form has changed, unless the change moves one
    with shifts to another organisation, programme or branch (PartnerError)."""
    with transaction.atomic():
        stored = Partnership.objects.select_for_update().get(pk=partnership.pk)
        moved = [
            name
            for name in partnership_fixed_fields(partnership=stored)
            if getattr(stored, f"{name}_id") != getattr(partnership, f"{name}_id")
        ]
        if moved:
            raise PartnerError(
                _(
                    "This partnership has shifts: its organisation, programme and branch "
                    "stay as they are."
                )
            )
        partnership.save()
    return partnership


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
