from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import Child, Household
from programmes.models import Programme, Series


class Course(models.Model):
    """A run of a programme in course mode: one weekly series that families join as a whole.

    Families enrol once (bookings.Enrolment) and come to every meeting, the series' sessions.
    """

    BRANCH_PATH = "series__room__branch"

    series = models.OneToOneField(
        Series, on_delete=models.PROTECT, related_name="course", verbose_name=_("series")
    )
    capacity = models.PositiveSmallIntegerField(
        _("places (families)"), default=12, validators=[MinValueValidator(1)]
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("meetings needed to complete (percent)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "After the last meeting, an enrolled family that came to at least this share of "
            "the meetings held since it joined has completed the course."
        ),
    )
    offer_days = models.PositiveSmallIntegerField(
        _("days to answer an offer"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_(
            "An offer the family has not answered after this many days expires: the family is "
            "told, and the place goes to the next family waiting."
        ),
    )

    class Meta:
        ordering = ["-series__start_date"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return str(self.series)

    @property
    def programme(self) -> Programme:
        return self.series.programme

    def clean(self) -> None:
        if self.series_id and self.series.programme.booking_mode != Programme.BookingMode.COURSE:
            raise ValidationError(
                {"series": _("A course runs a programme whose booking mode is “course”.")}
            )


# At module level so the model's constraints can name its members.
class EnrolmentStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Offered a place")
    ENROLLED = "enrolled", _("Enrolled")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Offer expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMPLETED = "completed", _("Completed")


class Enrolment(models.Model):
    """A family's place on a course: the whole family is enrolled, not one child.

    Most families come through a professional's referral (``referred``). The library then
    offers a place (``offered``, holding one of the course's places) or, when the course is
    full, puts the family on its first-come waitlist (``waitlisted``); the parent accepts
    (``enrolled``) or declines. After the last meeting, enrolled families who came often
    enough have ``completed`` it.
    """

    BRANCH_PATH = "course__series__room__branch"

    Status = EnrolmentStatus

    class ReferrerRole(models.TextChoices):
        HEALTH_VISITOR = "health_visitor", _("Health visitor")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        DAYCARE = "daycare", _("Daycare educator")
        OTHER = "other", _("Other professional")

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("household")
    )
    children = models.ManyToManyField(Child, related_name="enrolments", verbose_name=_("children"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REFERRED
    )
    partnership = models.ForeignKey(
        "partners.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred through"),
    )
    referrer_name = models.CharField(_("referred by"), max_length=120, blank=True)
    referrer_role = models.CharField(
        _("profession"), max_length=20, choices=ReferrerRole.choices, blank=True
    )
    referrer_contact = models.CharField(_("referrer's phone or e-mail"), max_length=120, blank=True)
    languages = models.CharField(_("languages spoken at home"), max_length=120, blank=True)
    wishes = models.TextField(_("what the family would like"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed"), auto_now=True)
    # The waitlist is first come, first served by the moment the family was put on it.
    waitlisted_at = models.DateTimeField(_("put on the waitlist"), null=True, blank=True)
    # When the last offer was made: it expires after the course's offer_days.
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    # When the family said yes: it is expected at the meetings from then on, and completion
    # counts the meetings since.
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True)

    class Meta:
        ordering = ["course", "created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "household"], name="one_enrolment_per_household_and_course"
            ),
            models.CheckConstraint(
                condition=~Q(status=EnrolmentStatus.WAITLISTED) | Q(waitlisted_at__isnull=False),
                name="waitlisted_enrolment_has_time",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"], name="enrolment_course_status_idx")]

    def __str__(self) -> str:
        return f"{self.household.name} – {self.course}"

    @property
    def offer_expires_at(self):
        """When an open offer lapses (courses.services.enrolment_expire_offer)."""
        if self.offered_at is None:
            return None
        return self.offered_at + timedelta(days=self.course.offer_days)
