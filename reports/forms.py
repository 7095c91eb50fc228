"""The impact report's filters: a period, one of the user's branches, a programme."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from programmes.models import Branch, Programme

# Longer periods say little more and cost a lot: ten years of figures is plenty.
LONGEST_PERIOD_DAYS = 3660


def default_period(*, today: date) -> tuple[date, date]:
    """The last twelve months: the eleven whole months before this one, and this one so far."""
    index = today.year * 12 + today.month - 1 - 11
    return date(index // 12, index % 12 + 1, 1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportFilterForm(forms.Form):
    starts_on = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Give the first day as a date, e.g. 2025-01-31.")},
    )
    ends_on = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Give the last day as a date, e.g. 2025-12-31.")},
    )
    branch = forms.ModelChoiceField(
        label=_("Branch"),
        queryset=Branch.objects.none(),
        required=False,
        empty_label=_("All my branches"),
        error_messages={
            "invalid_choice": _("That is not one of your branches: showing all of them.")
        },
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All programmes"),
        error_messages={
            "invalid_choice": _("That programme is not run at your branches: showing all.")
        },
    )

    def __init__(self, *args, branches: QuerySet[Branch], programmes: QuerySet[Programme], **kw):
        super().__init__(*args, **kw)
        self.fields["branch"].queryset = branches
        self.fields["programme"].queryset = programmes

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on:
            if starts_on > ends_on:
                raise forms.ValidationError(
                    _("The period ends before it starts: showing the last twelve months."),
                    code="order",
                )
            if (ends_on - starts_on).days > LONGEST_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most ten years: showing the last twelve months."),
                    code="too_long",
                )
        return data
