"""Ways a message leaves the building. E-mail now; an SMS channel implements the same two calls."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from notifications.models import Outbox

# Sends one message; returns None when the channel accepted it, else the error.
Sender = Callable[[Outbox], str | None]


class Channel(Protocol):
    def open(self) -> AbstractContextManager[Sender]:
        """A sender for a batch, over one connection."""


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _without_charset(mimetype: str) -> str:
    """Django adds the charset to a text attachment's content type itself; the other
    parameters (a calendar file's ``method=REQUEST``) go into the e-mail as they are."""
    kept = [part for part in mimetype.split(";") if not part.strip().startswith("charset=")]
    return ";".join(kept).strip()


class EmailChannel:
    @contextmanager
    def open(self) -> Iterator[Sender]:
        with get_connection() as connection:
            yield lambda message: self._send(message, connection)

    def _send(self, message: Outbox, connection) -> str | None:
        # Names the reason: a support question "did they get it?" is one search away.
        headers = {"X-Familieliv-Message": message.key}
        if message.unsubscribe_url:
            # RFC 8058: the mail program's own unsubscribe button posts to the link.
            headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            connection=connection,
            headers=headers,
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        for attachment in message.attachments:
            mimetype = _without_charset(attachment["mimetype"])
            email.attach(attachment["filename"], attachment["content"], mimetype)
        try:
            email.send()
        except SoftTimeLimitExceeded:
            raise  # the task is out of time: stop, the rest stays claimed and is retried
        except Exception as exc:  # noqa: BLE001 — any refusal is recorded and retried
            return describe(exc)
        return None


CHANNELS: dict[str, Channel] = {Outbox.Channel.EMAIL: EmailChannel()}
