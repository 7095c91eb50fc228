"""The audit trail of requests about a household's data: every export, correction and
erasure, whether the family made it through its link or a member of staff in the admin.

Kept as django-auditlog's LogEntry rows, written here explicitly (no model is registered
for field-change logging, so no old value is ever kept): an entry names the household by
its id only, never its name or e-mail, which an erasure takes away; it says what was done
(and, for a correction, which fields, not their values), when, and by whom — a user, or
the family through its link. No address is stored (AUDITLOG_DISABLE_REMOTE_ADDR).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import Household


class AuditEvent(models.TextChoices):
    EXPORT = "export", _("Data shown or downloaded")
    CORRECTION = "correction", _("Data corrected")
    ERASURE = "erasure", _("Data erased")


# Who acted, as the entry's additional data says it.
BY_FAMILY = "family"
BY_LIBRARY = "library"

# auditlog's own scale of how intrusive an act is, for its list filter and its admin.
ACTIONS = {
    AuditEvent.EXPORT: LogEntry.Action.ACCESS,
    AuditEvent.CORRECTION: LogEntry.Action.UPDATE,
    AuditEvent.ERASURE: LogEntry.Action.DELETE,
}


def household_label(household_id: int) -> str:
    """How the trail names a household: its id, which outlives its name."""
    return f"household #{household_id}"


def audit_record(
    *,
    household_id: int,
    event: AuditEvent,
    by: AbstractBaseUser | None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> LogEntry:
    """Record ``event`` on the household; ``by`` None: the family, through its link."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Household),
        object_pk=str(household_id),
        object_id=household_id,
        object_repr=household_label(household_id),
        action=ACTIONS[event],
        actor=by,
        timestamp=at or timezone.now(),
        additional_data={
            "event": event.value,
            "by": BY_LIBRARY if by is not None else BY_FAMILY,
            **(detail or {}),
        },
    )


def household_trail(household_id: int) -> QuerySet[LogEntry]:
    """The household's entries, oldest first."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Household),
        object_pk=str(household_id),
    ).order_by("timestamp", "pk")
