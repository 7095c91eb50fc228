"""Households, their children and their bookings (with the waitlist).

A household is keyed by its normalised e-mail; parents have no password. Of a child we
keep the first name and birth month: what the age check needs, no more.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Session


class Household(models.Model):
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

    class Meta:
        ordering = ["name"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Child(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="children", verbose_name=_("household")
    )
    first_name = models.CharField(_("first name"), max_length=60)
    # The first day of the birth month: parents give month and year only.
    birth_month = models.DateField(_("birth month"))

    class Meta:
        ordering = ["birth_month"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "first_name", "birth_month"], name="unique_child_in_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} ({self.birth_month:%m/%Y})"


class Booking(models.Model):
    BRANCH_PATH = "session__room__branch"

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("session")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("household")
    )
    children = models.ManyToManyField(Child, related_name="bookings", verbose_name=_("children"))
    adults = models.PositiveSmallIntegerField(_("adults"), default=1)
    # Places this booking takes, in the programme's unit: its children, or 1 family.
    places = models.PositiveSmallIntegerField(_("places"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(_("booked"))
    # The place in line: the time the booking joined the waitlist.
    waitlisted_at = models.DateTimeField(_("joined the waitlist"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["session__starts_at", "created_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            # One live booking per household and session, whatever the race.
            models.UniqueConstraint(
                fields=["session", "household"],
                condition=~Q(status="cancelled"),
                name="one_live_booking_per_household",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="booking_takes_a_place"),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="booking_session_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household.name} – {self.session}"
