"""What impact is measured against: a course's pre/post questionnaire, a funder's targets.

The figures themselves are read from bookings, attendance and volunteers; this app owns
only what those do not: questions and answers about effects, and funded projects.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courses.models import Enrolment
from programmes.models import Branch, Programme


class Questionnaire(models.Model):
    """A programme's few Likert items, asked when a family starts and when it finishes."""

    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        related_name="questionnaire",
        verbose_name=_("programme"),
    )
    title = models.CharField(_("title"), max_length=120)
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title


class QuestionnaireItem(models.Model):
    """One statement answered on a scale from 1 (not at all) to 5 (very much)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("statement"), max_length=240)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return self.text


class QuestionnaireResponse(models.Model):
    class Moment(models.TextChoices):
        BEFORE = "before", _("At the start")
        AFTER = "after", _("At the end")

    BRANCH_PATH = "enrolment__course__series__room__branch"

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="questionnaire_responses",
        verbose_name=_("family on the course"),
    )
    moment = models.CharField(_("when"), max_length=6, choices=Moment.choices)
    answered_on = models.DateField(_("answered on"))

    class Meta:
        ordering = ["enrolment", "moment"]
        verbose_name = _("questionnaire answer")
        verbose_name_plural = _("questionnaire answers")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "moment"], name="one_response_per_moment")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} – {self.get_moment_display()}"


class QuestionnaireAnswer(models.Model):
    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(QuestionnaireItem, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(
        _("answer (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item"),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="answer_on_the_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.value}"


class FunderProject(models.Model):
    """A funded project: programmes at branches over a period, reported against targets."""

    name = models.CharField(_("name"), max_length=160)
    funder = models.CharField(_("funder"), max_length=160)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    programmes = models.ManyToManyField(
        Programme, related_name="funder_projects", verbose_name=_("programmes")
    )
    branches = models.ManyToManyField(
        Branch, related_name="funder_projects", verbose_name=_("branches")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="project_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProjectTarget(models.Model):
    class Measure(models.TextChoices):
        CHILDREN = "children", _("Children reached")
        HOUSEHOLDS = "households", _("Families reached")
        NEW_HOUSEHOLDS = "new_households", _("New families")
        ATTENDANCES = "attendances", _("Visits (families × sessions)")
        SESSIONS = "sessions", _("Sessions held")
        VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours")

    project = models.ForeignKey(FunderProject, on_delete=models.CASCADE, related_name="targets")
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    target = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["project", "measure"], name="one_target_per_measure")
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()}: {self.target}"
