"""A course's questionnaire, aggregated: how families answered at the start and at the end.

Definitions, per statement (item):

- A course counts when its run (the series' first to last date) overlaps the period, and
  then all its answers count, from the start and from the end: a before and its after
  belong together, even when one of them was given outside the period.
- **before** / **after**: how many answers were given at the start / at the end, and their
  mean on the scale 1–5; **change** is the mean after minus the mean before. Families who
  left the course early answered only at the start, so these two groups are not the same
  families.
- **paired**: the families who answered the statement both at the start and at the end,
  with their mean before, mean after and change. This is the fairer measure of change;
  the first is shown because it is what everyone answered.

All the figures come from one query, grouped by item.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, Exists, OuterRef, Q

from reports.models import QuestionnaireAnswer, QuestionnaireResponse

BEFORE = QuestionnaireResponse.Moment.BEFORE
AFTER = QuestionnaireResponse.Moment.AFTER
COURSE = "response__enrolment__course__series"


@dataclass(frozen=True)
class ItemResult:
    questionnaire_id: int
    questionnaire: str
    programme: str
    item_id: int
    text: str
    before_count: int
    before_mean: float | None
    after_count: int
    after_mean: float | None
    paired_count: int
    paired_before_mean: float | None
    paired_after_mean: float | None

    @property
    def change(self) -> float | None:
        if self.before_mean is None or self.after_mean is None:
            return None
        return self.after_mean - self.before_mean

    @property
    def paired_change(self) -> float | None:
        if self.paired_before_mean is None or self.paired_after_mean is None:
            return None
        return self.paired_after_mean - self.paired_before_mean


def _answered_also(moment: str) -> Exists:
    """The same family answered the same statement at ``moment`` too."""
    return Exists(
        QuestionnaireAnswer.objects.filter(
            item=OuterRef("item"),
            response__enrolment=OuterRef("response__enrolment"),
            response__moment=moment,
        )
    )


def questionnaire_results(
    *,
    programme_ids: Collection[int] | None,
    branch_ids: Collection[int] | None,
    starts_on: date,
    ends_on: date,
) -> list[ItemResult]:
    """Per statement of every questionnaire in scope, ordered by programme and position.

    ``programme_ids`` / ``branch_ids``: None means every programme / branch; an empty
    collection means none.
    """
    answers = QuestionnaireAnswer.objects.filter(
        **{f"{COURSE}__start_date__lte": ends_on, f"{COURSE}__end_date__gte": starts_on}
    )
    if programme_ids is not None:
        answers = answers.filter(**{f"{COURSE}__programme__in": list(programme_ids)})
    if branch_ids is not None:
        answers = answers.filter(**{f"{COURSE}__room__branch__in": list(branch_ids)})
    before = Q(response__moment=BEFORE)
    after = Q(response__moment=AFTER)
    paired_before = before & Q(_answered_also(AFTER))
    paired_after = after & Q(_answered_also(BEFORE))
    rows = (
        answers.values(
            "item",
            "item__text",
            "item__position",
            "item__questionnaire",
            "item__questionnaire__title",
            "item__questionnaire__programme__name",
        )
        .annotate(
            before_count=Count("pk", filter=before),
            before_mean=Avg("value", filter=before),
            after_count=Count("pk", filter=after),
            after_mean=Avg("value", filter=after),
            paired_count=Count("pk", filter=paired_after),
            paired_before_mean=Avg("value", filter=paired_before),
            paired_after_mean=Avg("value", filter=paired_after),
        )
        .order_by("item__questionnaire__programme__name", "item__position", "item")
    )
    return [
        ItemResult(
            questionnaire_id=row["item__questionnaire"],
            questionnaire=row["item__questionnaire__title"],
            programme=row["item__questionnaire__programme__name"],
            item_id=row["item"],
            text=row["item__text"],
            before_count=row["before_count"],
            before_mean=_float(row["before_mean"]),
            after_count=row["after_count"],
            after_mean=_float(row["after_mean"]),
            paired_count=row["paired_count"],
            paired_before_mean=_float(row["paired_before_mean"]),
            paired_after_mean=_float(row["paired_after_mean"]),
        )
        for row in rows
    ]


def _float(value) -> float | None:
    return None if value is None else float(value)
