"""Households, their children and their bookings (with the waitlist).

A household is keyed by its normalised e-mail; parents have no password. Of a child we
keep the first name and birth month: what the age check needs, no more.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Course, Session


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
    # The household's answer to the follow-up message: 1 (poor) to 5 (very good).
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    # Added at the door by staff: the family came without booking (and took no place online).
    walk_in = models.BooleanField(_("walk-in"), default=False)

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


class Enrolment(models.Model):
    """A family's place on a course: the whole family is enrolled, not one child.

    Most families come through a professional's referral (``referred``). The library then
    offers a place (``offered``, holding one of the course's places) or, when the course is
    full, puts the family on its first-come waitlist (``waitlisted``); the parent accepts
    (``enrolled``) or declines. After the last meeting, enrolled families who came often
    enough have ``completed`` it.
    """

    BRANCH_PATH = "course__series__room__branch"

    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        WAITLISTED = "waitlisted", _("On the waitlist")
        OFFERED = "offered", _("Offered a place")
        ENROLLED = "enrolled", _("Enrolled")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

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

    class Meta:
        ordering = ["course", "created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "household"], name="one_enrolment_per_household_and_course"
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="waitlisted_enrolment_has_time",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"], name="enrolment_course_status_idx")]

    def __str__(self) -> str:
        return f"{self.household.name} – {self.course}"


class Attendance(models.Model):
    """Whether a household came to a session: recorded by staff for bookings and courses alike."""

    BRANCH_PATH = "session__room__branch"

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("household"),
    )
    attended = models.BooleanField(_("attended"))
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["session", "household"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "household"], name="one_attendance_per_household_and_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household.name} – {self.session}"


class HeadCount(models.Model):
    """Pupils counted at a drop-in session, by grade and first visit: numbers, no names.

    One row per (session, grade, first visit), its count changed by one tap at a time.
    """

    BRANCH_PATH = "session__room__branch"
    OTHER_GRADE = "other"

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="head_counts", verbose_name=_("session")
    )
    # "8", "9", "10" … within the programme's grades, or "other".
    grade = models.CharField(_("grade"), max_length=5)
    first_visit = models.BooleanField(_("first visit"))
    count = models.PositiveIntegerField(_("count"), default=0)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["session", "grade", "first_visit"]
        verbose_name = _("head count")
        verbose_name_plural = _("head counts")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "grade", "first_visit"], name="one_head_count_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.grade} ({self.count})"
