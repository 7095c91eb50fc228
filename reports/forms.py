"""The impact report's filters: a period, one of the user's branches, a programme."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from programmes.models import Branch, Programme
from reports.selectors import add_months

# Longer periods say little more and cost a lot: ten years of figures is plenty.
LONGEST_PERIOD_DAYS = 3660
# No library here kept records before this; and a report looks at most a year ahead.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_AHEAD_DAYS = 366


def default_period(*, today: date) -> tuple[date, date]:
    """The last twelve months: the eleven whole months before this one, and this one so far."""
    return add_months(today, -11), today


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

    def __init__(
        self,
        *args,
        branches: QuerySet[Branch],
        programmes: QuerySet[Programme],
        today: date,
        **kw,
    ):
        super().__init__(*args, **kw)
        self.today = today
        cast(forms.ModelChoiceField, self.fields["branch"]).queryset = branches
        cast(forms.ModelChoiceField, self.fields["programme"]).queryset = programmes

    def clean(self):
        """Always leaves a period to show in ``starts_on`` and ``ends_on``: the dates given,
        a missing one from the default period, or, when the period is wrong in any way, the
        default period with a message saying why."""
        super().clean()
        data = self.cleaned_data
        default_start, default_end = default_period(today=self.today)
        starts_on = data.get("starts_on") or default_start
        ends_on = data.get("ends_on") or default_end
        latest = self.today + timedelta(days=LATEST_AHEAD_DAYS)
        problem = None
        if starts_on > ends_on:
            problem = _("The period ends before it starts: showing the last twelve months.")
        elif (ends_on - starts_on).days > LONGEST_PERIOD_DAYS:
            problem = _("Choose a period of at most ten years: showing the last twelve months.")
        elif starts_on < EARLIEST_DAY or ends_on > latest:
            problem = _(
                "Choose dates from 2000 up to a year from today: showing the last twelve months."
            )
        if problem is not None:
            self.add_error(None, problem)
            starts_on, ends_on = default_start, default_end
        data["starts_on"], data["ends_on"] = starts_on, ends_on
        return data
