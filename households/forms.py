from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from households.services import ChildInput
from programmes.forms import MONTH_CHOICES, year_choices


def privacy_label():
    return format_html(
        '{} <a href="{}">{}</a>',
        _("I have read the"),
        reverse_lazy("privacy:notice"),
        _("privacy notice"),
    )


class ChildForm(forms.Form):
    first_name = forms.CharField(label=_("Child's first name"), max_length=60)
    birth_month = forms.ChoiceField(label=_("Birth month"), choices=MONTH_CHOICES)
    birth_year = forms.ChoiceField(label=_("Birth year"), choices=year_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.empty_permitted:
            # A row beyond the first may stay empty; once begun, clean() wants all of it.
            for field in self.fields.values():
                field.required = False

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        month, year = cleaned.get("birth_month"), cleaned.get("birth_year")
        if self.empty_permitted and self.has_changed():
            for name in ("first_name", "birth_month", "birth_year"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        if not (month and year):
            return cleaned
        born = date(int(year), int(month), 1)
        if born > timezone.localdate():
            raise forms.ValidationError(_("The birth month cannot be in the future."))
        if cleaned.get("first_name"):
            cleaned["child"] = ChildInput(first_name=cleaned["first_name"], birth_month=born)
        return cleaned


class BaseChildFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": _("Something went wrong with the form. Please try again."),
        "too_few_forms": _("Tell us which child is coming."),
        "too_many_forms": _("At most 6 children per booking. Please book again for the rest."),
    }

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            child = form.cleaned_data.get("child") if hasattr(form, "cleaned_data") else None
            if child is None:
                continue
            key = (child.first_name.strip().casefold(), child.birth_month)
            if key in seen:
                raise forms.ValidationError(_("The same child is in the list twice."))
            seen.add(key)

    def children(self) -> list[ChildInput]:
        return [f.cleaned_data["child"] for f in self.forms if f.cleaned_data.get("child")]


def child_formset(base: type[BaseChildFormSet]):
    """One row to start, up to six children; each row first name and birth month."""
    return forms.formset_factory(
        ChildForm, formset=base, extra=1, min_num=1, validate_min=True, max_num=6, validate_max=True
    )


ChildFormSet = child_formset(BaseChildFormSet)


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language for our messages"), choices=settings.LANGUAGES)
    consents_to_followups = forms.BooleanField(
        label=_("Invite me to other activities for my child's age"), required=False
    )
