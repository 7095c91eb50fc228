"""Organisations the library runs programmes with, and the partnerships themselves."""

import secrets

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Branch, Programme


class PartnerOrganisation(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


def new_referral_key() -> str:
    return secrets.token_urlsafe(12)


class Partnership(models.Model):
    """An organisation runs (part of) a programme at a branch for a period."""

    BRANCH_PATH = "branch"

    organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("organisation"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("programme"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("branch")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    notes = models.TextField(_("agreement notes"), blank=True)
    # Part of the signed referral link: a new key revokes every link given out before it,
    # and an empty key closes referrals.
    referral_key = models.CharField(
        _("referral link key"), max_length=32, blank=True, default=new_referral_key
    )

    class Meta:
        ordering = ["branch__name", "programme__name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="partnership_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["organisation", "programme", "branch", "starts_on"],
                name="unique_partnership_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.programme} ({self.branch})"
