from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from households.models import Child, Household
from households.services import CHILD_NAME_MAX, NAME_MAX, PHONE_MAX


def child_field_name(child: Child) -> str:
    return f"child_{child.pk}"


class CorrectionForm(forms.Form):
    """The parent's name and phone, and the first name of each of the household's own
    children (one field each, labelled with the child's birth month)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=PHONE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, household: Household, children: list[Child], **kwargs) -> None:
        kwargs.setdefault("initial", {"name": household.name, "phone": household.phone})
        super().__init__(*args, **kwargs)
        self.children = children
        for child in children:
            self.fields[child_field_name(child)] = forms.CharField(
                label=_("First name of the child born in %(month)s")
                % {"month": date_format(child.birth_month, "YEAR_MONTH_FORMAT")},
                max_length=CHILD_NAME_MAX,
                initial=child.first_name,
            )

    def child_names(self) -> dict[int, str]:
        return {child.pk: self.cleaned_data[child_field_name(child)] for child in self.children}

    def child_fields(self) -> list[forms.BoundField]:
        return [self[child_field_name(child)] for child in self.children]
