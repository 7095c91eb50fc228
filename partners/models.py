"""Organisations the library runs programmes with, and the partnerships themselves."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Branch, Programme


class PartnerOrganisation(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    certificate_renewal_days = models.PositiveSmallIntegerField(
        _("certificate renewal warning (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("The coordinator is told this many days before a certificate expires."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class ContactPerson(models.Model):
    """A named person on one side of a partnership.

    Without an organisation it is the library's own contact; with one it is someone at the
    partner. A partner's coordinator has a user, signs in on the site and plans shifts.
    """

    organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("organisation"),
        help_text=_("Empty for the library's own staff."),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("branch"),
        help_text=_("For the library's own staff: the branch they work at."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_person",
        verbose_name=_("login"),
        help_text=_("A partner's coordinator signs in with this login to plan shifts."),
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("role"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language for messages"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        constraints = [
            # The library's own (at a branch) or a partner's: whose to see and change.
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, branch__isnull=False)
                | Q(organisation__isnull=False, branch__isnull=True),
                name="contact_is_a_branchs_or_a_partners",
            )
        ]

    def __str__(self) -> str:
        side = self.organisation.name if self.organisation is not None else _("library")
        return f"{self.name} ({side})"

    def clean(self) -> None:
        if (self.organisation_id is None) == (self.branch_id is None):
            raise ValidationError(
                {
                    "branch": _(
                        "Choose the branch of one of the library's own staff, or the "
                        "organisation of a partner's contact: one of the two."
                    )
                }
            )


def new_referral_key() -> str:
    return secrets.token_urlsafe(12)


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def running(self, *, on: date) -> PartnershipQuerySet:
        """The partnerships that run on ``on``: the database's side of
        ``Partnership.runs_on``."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


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
    agreement = models.FileField(_("signed agreement"), upload_to="agreements/%Y/", blank=True)
    library_contact = models.ForeignKey(
        ContactPerson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_contact_for",
        limit_choices_to={"organisation__isnull": True},
        verbose_name=_("library's contact person"),
    )
    coordinators = models.ManyToManyField(
        ContactPerson,
        blank=True,
        related_name="coordinated_partnerships",
        limit_choices_to={"organisation__isnull": False},
        verbose_name=_("partner's coordinators"),
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("volunteers may cancel until (hours before)"),
        default=24,
        validators=[MaxValueValidator(336)],
        help_text=_("Later than this, a volunteer calls the coordinator instead."),
    )
    # Part of the signed referral link: a new key revokes every link given out before it,
    # and an empty key closes referrals.
    referral_key = models.CharField(
        _("referral link key"), max_length=32, blank=True, default=new_referral_key
    )

    objects = PartnershipQuerySet.as_manager()

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

    def runs_on(self, day: date) -> bool:
        """From its first day to its last, both included; with no last day it runs on."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
