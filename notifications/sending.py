"""Sending what the outbox holds: claim due rows, hand each to its channel, record the
outcome at once, retry with a bounded backoff. Called by the Celery tasks (tasks.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.channels import CHANNELS, describe
from notifications.models import Outbox

MAX_ATTEMPTS = 6
# Rows claimed, written or dispatched at once.
BATCH_SIZE = 100


def _claim(*, ids: list[int] | None, now: datetime) -> list[Outbox]:
    """Lease due rows to this worker; a row leased MAX_ATTEMPTS times already is given up."""
    with transaction.atomic():
        due = Outbox.objects.filter(next_attempt_at__lte=now).filter(
            status__in=[Outbox.Status.PENDING, Outbox.Status.SENDING]
        )
        if ids is not None:
            due = due.filter(pk__in=ids)
        rows = list(
            due.select_for_update(skip_locked=True).order_by("next_attempt_at")[:BATCH_SIZE]
        )
        claimed = []
        for row in rows:
            if row.attempts >= MAX_ATTEMPTS:
                # Only a sender that stopped part-way (a killed worker) leaves it here.
                row.status = Outbox.Status.FAILED
                row.last_error = row.last_error or "Sending stopped part-way too many times."
                continue
            row.status = Outbox.Status.SENDING
            row.attempts += 1
            row.next_attempt_at = now + timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)
            claimed.append(row)
        Outbox.objects.bulk_update(rows, ["status", "attempts", "next_attempt_at", "last_error"])
    return claimed


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def _record(row: Outbox, error: str | None) -> None:
    """Save one message's outcome at once, so a worker dying later cannot resend it."""
    if error is None:
        row.status, row.sent_at, row.last_error = Outbox.Status.SENT, timezone.now(), ""
    elif row.attempts >= MAX_ATTEMPTS:
        row.status, row.last_error = Outbox.Status.FAILED, error
    else:
        row.status, row.last_error = Outbox.Status.PENDING, error
        row.next_attempt_at = timezone.now() + backoff(row.attempts)
    row.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])


def outbox_send_due(*, ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Send due messages (all, or the given ids); returns how many were accepted."""
    now = now or timezone.now()
    rows = _claim(ids=ids, now=now)
    sent = 0
    for channel_name in {row.channel for row in rows}:
        batch = [row for row in rows if row.channel == channel_name]
        try:
            with CHANNELS[channel_name].open() as send:
                for row in batch:
                    error = send(row)
                    _record(row, error)
                    sent += error is None
        except (OSError, SMTPException) as exc:  # the connection itself failed
            for row in batch:
                if row.status == Outbox.Status.SENDING:
                    _record(row, describe(exc))
    return sent
