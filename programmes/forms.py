from datetime import date
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from programmes.models import Branch

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MONTH_CHOICES = [("", _("Month"))] + [(str(n), name) for n, name in MONTHS.items()]


def year_choices() -> "list[tuple[str, StrOrPromise]]":
    """Birth years of children a family programme could be for, newest first."""
    this_year = timezone.localdate().year
    return [("", _("Year"))] + [(str(y), str(y)) for y in range(this_year, this_year - 19, -1)]


class SessionFilterForm(forms.Form):
    # Rendered with plain Bootstrap classes, not crispy: this form is on the busiest pages.
    branch = forms.ModelChoiceField(
        label=_("Library"),
        queryset=Branch.objects.all(),
        required=False,
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date_from = forms.DateField(
        label=_("From date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    birth_month = forms.ChoiceField(
        label=_("Child's birth month"),
        choices=MONTH_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    birth_year = forms.ChoiceField(
        label=_("Birth year"),
        choices=year_choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        month, year = cleaned.get("birth_month"), cleaned.get("birth_year")
        if bool(month) != bool(year):
            raise forms.ValidationError(_("Give both the month and the year your child was born."))
        cleaned["born"] = date(int(year), int(month), 1) if month and year else None
        if cleaned["born"] and cleaned["born"] > timezone.localdate():
            raise forms.ValidationError(_("The birth month cannot be in the future."))
        return cleaned
