"""A household's requests about its data — see it, take it, correct it, erase it — made by
the family through its signed link or by the library in the admin on the family's behalf.
Each is recorded in the audit trail (privacy.audit) in the transaction that does it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from households.models import Household
from households.services import household_correct
from privacy.audit import AuditEvent, audit_record
from privacy.retention import PrivacyError, household_erase
from privacy.selectors import household_data

# How an export was taken, as the trail records it.
EXPORT_PAGE = "page"
EXPORT_JSON = "json"


def household_data_export(
    *, household: Household, by: AbstractBaseUser | None, form: str
) -> dict[str, Any]:
    """Everything held about the household, shown (``form`` "page") or downloaded ("json");
    ``by`` the member of staff who asked, None for the family itself."""
    data = household_data(household)
    audit_record(household_id=household.pk, event=AuditEvent.EXPORT, by=by, detail={"form": form})
    return data


def household_data_correct(
    *,
    household: Household,
    by: AbstractBaseUser | None,
    name: str,
    phone: str,
    child_names: Mapping[int, str],
) -> list[str]:
    """The family's corrections (households.services.household_correct), recorded with
    which fields changed, never their values; nothing is recorded when nothing changed."""
    with transaction.atomic():
        changed = household_correct(
            household=household, name=name, phone=phone, child_names=child_names
        )
        if changed:
            audit_record(
                household_id=household.pk,
                event=AuditEvent.CORRECTION,
                by=by,
                detail={"fields": changed},
            )
    return changed


def household_data_erase(
    *, household_id: int, by: AbstractBaseUser | None, now: datetime | None = None
) -> None:
    """Erase the household's personal data on its request, as the purge does
    (privacy.retention.household_erase: future bookings cancelled and their places given
    on, a last message, the rows anonymised, the figures kept), and record it."""
    with transaction.atomic():
        household = Household.objects.select_for_update().filter(pk=household_id).first()
        if household is None:
            raise PrivacyError(_("There is no such household."))
        if household.anonymised_at is not None:
            raise PrivacyError(_("This household's data has already been erased."))
        household_erase(household_id=household_id, now=now)
        audit_record(household_id=household_id, event=AuditEvent.ERASURE, by=by, at=now)
