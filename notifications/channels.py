"""Ways a message leaves the building. E-mail now; an SMS channel implements the same call."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from .models import Outbox


class Channel(Protocol):
    def send_batch(self, messages: Iterable[Outbox]) -> dict[int, str | None]:
        """Send each message; return {outbox id: None if accepted, else the error}."""


class EmailChannel:
    def send_batch(self, messages: Iterable[Outbox]) -> dict[int, str | None]:
        results: dict[int, str | None] = {}
        # One connection for the whole batch.
        with get_connection() as connection:
            for message in messages:
                email = EmailMultiAlternatives(
                    subject=message.subject,
                    body=message.body_text,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[message.recipient],
                    connection=connection,
                )
                if message.body_html:
                    email.attach_alternative(message.body_html, "text/html")
                for attachment in message.attachments:
                    email.attach(
                        attachment["filename"], attachment["content"], attachment["mimetype"]
                    )
                try:
                    email.send()
                except Exception as exc:  # noqa: BLE001 — any refusal is recorded and retried
                    results[message.pk] = f"{type(exc).__name__}: {exc}"
                else:
                    results[message.pk] = None
        return results


CHANNELS: dict[str, Channel] = {Outbox.Channel.EMAIL: EmailChannel()}
