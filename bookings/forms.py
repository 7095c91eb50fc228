from datetime import date

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from programmes.forms import MONTH_CHOICES, year_choices

from .services import ChildInput


def _privacy_label():
    return format_html(
        '{} <a href="{}">{}</a>',
        _("I have read the"),
        reverse_lazy("bookings:privacy"),
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
        cleaned = super().clean()
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


ChildFormSet = forms.formset_factory(
    ChildForm,
    formset=BaseChildFormSet,
    extra=1,
    min_num=1,
    validate_min=True,
    max_num=6,
    validate_max=True,
)


class BookingForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("We send the confirmation and a link to change or cancel here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    adults = forms.IntegerField(
        label=_("Adults coming"),
        initial=1,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        widget=forms.NumberInput(attrs={"min": 1, "max": 6}),
    )
    accept_privacy = forms.BooleanField(
        label=lazy(_privacy_label, str)(),
        error_messages={"required": _("Please confirm you have read the privacy notice.")},
    )
    wants_followups = forms.BooleanField(
        label=_(
            "Yes, invite me to other activities for my child's age (you can say no at any time)"
        ),
        required=False,
    )


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language for our messages"), choices=settings.LANGUAGES)
    consents_to_followups = forms.BooleanField(
        label=_("Invite me to other activities for my child's age"), required=False
    )
