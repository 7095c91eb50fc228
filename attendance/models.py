from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from households.models import Household
from programmes.models import Session


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
