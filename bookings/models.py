"""Households, their children and their bookings (with the waitlist).

A household is keyed by its normalised e-mail; parents have no password. Of a child we
keep the first name and birth month: what the age check needs, no more.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import Child, Household
from programmes.models import Session

# The longest reason the library may give for cancelling a booking (forms use it too).
CANCELLATION_REASON_MAX_LENGTH = 200


# At module level so the model's constraints can name its members.
class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


class Booking(models.Model):
    BRANCH_PATH = "session__room__branch"

    Status = BookingStatus

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
    # Given when the library cancels a booking (the family is told it); empty when the
    # family cancelled it themselves.
    cancellation_reason = models.CharField(
        _("reason for cancelling"), max_length=CANCELLATION_REASON_MAX_LENGTH, blank=True
    )
    # The household's answer to the follow-up message: 1 (poor) to 5 (very good).
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    # Added at the door by staff: the family came without booking (and took no place online).
    walk_in = models.BooleanField(_("walk-in"), default=False)
    # The name typed with a booking for an address the library already knew: whoever typed
    # it may not be the household, so the helpers' check-in list shows this name, not the
    # household's own (households.services.party_children keeps its children apart too).
    name_given = models.CharField(_("name given with the booking"), max_length=120, blank=True)

    class Meta:
        ordering = ["session__starts_at", "created_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            # One live booking per household and session, whatever the race.
            models.UniqueConstraint(
                fields=["session", "household"],
                condition=~Q(status=BookingStatus.CANCELLED),
                name="one_live_booking_per_household",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="booking_takes_a_place"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="booking_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="booking_session_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household.name} – {self.session}"
