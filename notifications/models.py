"""The outbox: one row per message, written in the transaction of the change that causes it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outbox(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    # Names the reason for the message, e.g. "confirmation:booking:42"; a second message
    # for the same reason is never written, so never sent.
    key = models.CharField(_("reason"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    # What the message is about, e.g. "booking:42", for a per-booking history.
    reference = models.CharField(_("about"), max_length=100, blank=True, db_index=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # [{"filename": ..., "content": ..., "mimetype": ...}] — small text attachments (.ics)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # Where a one-click unsubscribe goes (invitations only); sent as List-Unsubscribe.
    unsubscribe_url = models.URLField(_("unsubscribe link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="outbox_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"
