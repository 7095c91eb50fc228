"""Writes for reporting: a family's answers to its course's questionnaire."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment
from reports.models import (
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
)

LOWEST, HIGHEST = 1, 5

# Families who had a place on the course; those only referred, waiting or who said no
# never started it, so there is nothing "before" or "after" to ask them about.
ANSWERING = (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED, Enrolment.Status.WITHDRAWN)


class ReportError(Exception):
    """Answers or report input that cannot be used; the message is safe to show staff."""


def questionnaire_of(*, enrolment: Enrolment) -> Questionnaire:
    """The questionnaire of the enrolment's programme, or a ReportError saying there is none."""
    programme = enrolment.course.series.programme
    try:
        return programme.questionnaire
    except Questionnaire.DoesNotExist:
        raise ReportError(
            _("%(programme)s has no questionnaire.") % {"programme": programme.name}
        ) from None


def questionnaire_answers_check(
    *,
    enrolment: Enrolment,
    moment: str,
    answers: dict[int, int],
    answered_on: date,
    today: date | None = None,
) -> Questionnaire:
    """Every rule a set of answers must pass; the admin runs it before saving, too."""
    if moment not in QuestionnaireResponse.Moment.values:
        raise ReportError(_("Choose whether the answers were given at the start or at the end."))
    if enrolment.status not in ANSWERING:
        raise ReportError(
            _("Only a family that had a place on the course answers its questionnaire.")
        )
    today = today or timezone.localdate()
    if answered_on > today:
        raise ReportError(_("The answers cannot be dated in the future."))
    questionnaire = questionnaire_of(enrolment=enrolment)
    if not answers:
        raise ReportError(_("Give at least one answer."))
    for value in answers.values():
        if isinstance(value, bool) or not isinstance(value, int) or not LOWEST <= value <= HIGHEST:
            raise ReportError(_("Every answer is a whole number from 1 to 5."))
    known = set(
        QuestionnaireItem.objects.filter(
            questionnaire=questionnaire, pk__in=list(answers)
        ).values_list("pk", flat=True)
    )
    if known != set(answers):
        raise ReportError(
            _("Some answers are not to statements of “%(title)s”.") % {"title": questionnaire.title}
        )
    return questionnaire


def questionnaire_answer(
    *,
    enrolment: Enrolment,
    moment: str,
    answers: dict[int, int],
    answered_on: date,
    today: date | None = None,
) -> QuestionnaireResponse:
    """Record a family's answers (item id → 1–5) at the start or the end of its course.

    Answering the same moment again replaces the earlier answers: a correction, not a
    second family. An item left out was not answered; the means count only those given.
    """
    questionnaire_answers_check(
        enrolment=enrolment, moment=moment, answers=answers, answered_on=answered_on, today=today
    )
    with transaction.atomic():
        response, _created = QuestionnaireResponse.objects.update_or_create(
            enrolment=enrolment, moment=moment, defaults={"answered_on": answered_on}
        )
        response.answers.all().delete()
        QuestionnaireAnswer.objects.bulk_create(
            QuestionnaireAnswer(response=response, item_id=item_id, value=value)
            for item_id, value in answers.items()
        )
    return response
