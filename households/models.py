from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Household(models.Model):
    # A household is at every branch where it booked, was enrolled on a course or came:
    # the librarians there find it when the family asks for its data (common.admin_scoping).
    BRANCH_PATH = (
        "bookings__session__room__branch",
        "enrolments__course__series__room__branch",
        "attendances__session__room__branch",
    )

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("parent's name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="da"
    )
    consents_to_followups = models.BooleanField(
        _("wants invitations to other activities"), default=False
    )
    privacy_accepted_at = models.DateTimeField(_("privacy notice accepted"))
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    # Raised by "send me a new link": every link made before stops working.
    link_version = models.PositiveIntegerField(_("link version"), default=1, editable=False)
    # Set when the purge or an erasure took the personal data away; the row stays for the
    # figures (an opaque id, dates and statuses).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Child(models.Model):
    # Empty for a child typed into the public form with a known household's e-mail: it
    # belongs to that one booking's party, not to the household (anyone can type an address).
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("household"),
        null=True,
        blank=True,
    )
    first_name = models.CharField(_("first name"), max_length=60)
    # The first day of the birth month: parents give month and year only.
    birth_month = models.DateField(_("birth month"))

    class Meta:
        ordering = ["birth_month", "pk"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "first_name", "birth_month"], name="unique_child_in_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} ({self.birth_month:%m/%Y})"
