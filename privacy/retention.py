"""PLACEHOLDER until branch `purge` is merged: that branch's privacy/retention.py replaces
this file whole (take theirs in the merge). It holds the erasure the family's and the
library's requests call (privacy.services.household_data_erase)."""

from __future__ import annotations

from datetime import datetime

from common.errors import DomainError

# Tests of the erasure itself wait for the real function (tests/privacy/pending.py).
PLACEHOLDER = True


def household_erase(*, household_id: int, now: datetime | None = None) -> None:
    raise NotImplementedError("household_erase comes with branch purge")


class PrivacyError(DomainError):
    """An erasure that cannot be done; the message is safe to show a family or a librarian."""
