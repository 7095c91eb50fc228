"""Writing messages to the outbox and sending what is due.

``notify()`` is called by other apps' services inside their transaction; the row is sent
after commit. ``outbox_send_due()`` claims rows, sends them outside any transaction and
records the outcome, so a message is marked sent only after its channel accepted it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Outbox
from notifications.sending import BATCH_SIZE
from notifications.tasks import send_outbox

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def render_message(*, kind: str, language: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML from templates/emails/<kind>/, in the recipient's language."""
    with translation.override(language):
        subject = render_to_string(f"emails/{kind}/subject.txt", context)
        text = render_to_string(f"emails/{kind}/body.txt", context)
        html = render_to_string(f"emails/{kind}/body.html", context)
    return " ".join(subject.split()), text.strip() + "\n", html


@dataclass(frozen=True)
class Message:
    """A message to write: ``key`` names its reason, so it is written (and sent) once."""

    key: str
    kind: str
    recipient: str
    language: str
    context: dict
    reference: str = ""
    attachments: tuple[Attachment, ...] = ()
    # Invitations carry one: mail programs then show an unsubscribe button (RFC 8058).
    unsubscribe_url: str = ""

    def row(self) -> Outbox:
        subject, text, html = render_message(
            kind=self.kind, language=self.language, context=self.context
        )
        return Outbox(
            key=self.key,
            kind=self.kind,
            reference=self.reference,
            recipient=self.recipient,
            language=self.language,
            subject=subject,
            body_text=text,
            body_html=html,
            attachments=[a.__dict__ for a in self.attachments],
            unsubscribe_url=self.unsubscribe_url,
        )


def notify(message: Message) -> Outbox:
    """Write a message for sending after the current transaction commits.

    A message whose key was written before is not written again.
    """
    existing = Outbox.objects.filter(key=message.key).first()
    if existing is not None:
        return existing
    row = message.row()
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        # A writer racing on the same key: its row stands. Any other failure is raised.
        existing = Outbox.objects.filter(key=message.key).first()
        if existing is None:
            raise
        return existing
    transaction.on_commit(lambda: _dispatch([row.pk]))
    return row


def notify_many(messages: list[Message]) -> int:
    """Write many messages at once (the periodic planners); returns how many are new.

    Keys written before are skipped unrendered; a planner racing on the same keys loses
    nothing and repeats nothing. Sending starts after commit, in batches.
    """
    keys = [m.key for m in messages]
    known = set(Outbox.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [m for m in messages if m.key not in known]
    if not fresh:
        return 0
    Outbox.objects.bulk_create(
        [m.row() for m in fresh], batch_size=BATCH_SIZE, ignore_conflicts=True
    )
    ids = list(
        Outbox.objects.filter(
            key__in=[m.key for m in fresh], status=Outbox.Status.PENDING
        ).values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        transaction.on_commit(partial(_dispatch, chunk))
    return len(ids)


def _dispatch(ids: list[int]) -> None:
    """Hand messages to Celery after commit; the periodic sweep sends them if this fails."""
    # In-process (embedded mode, no beat) every dispatch also retries whatever is due.
    try:
        send_outbox.delay(None if send_outbox.app.conf.task_always_eager else ids)
    except Exception:  # the broker is down
        logger.warning("Could not hand messages %s to Celery; the sweep will send them", ids)


def outbox_retry(*, ids: list[int]) -> int:
    """Send failed or waiting messages again now (a librarian's retry); returns how many."""
    retried = Outbox.objects.filter(
        pk__in=ids, status__in=[Outbox.Status.FAILED, Outbox.Status.PENDING]
    ).update(status=Outbox.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    if retried:
        transaction.on_commit(lambda: _dispatch(ids))
    return retried
