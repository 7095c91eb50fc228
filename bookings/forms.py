from datetime import date

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from programmes.forms import MONTH_CHOICES, year_choices

from .models import Enrolment
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


def _child_formset(base: type[BaseChildFormSet]):
    """One row to start, up to six children; each row first name and birth month."""
    return forms.formset_factory(
        ChildForm, formset=base, extra=1, min_num=1, validate_min=True, max_num=6, validate_max=True
    )


ChildFormSet = _child_formset(BaseChildFormSet)


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


class ReferralChildFormSet(BaseChildFormSet):
    default_error_messages = {
        **BaseChildFormSet.default_error_messages,
        "too_few_forms": _("Tell us about the children in the family."),
        "too_many_forms": _("At most 6 children. Please tell the library about the rest."),
    }


FamilyChildFormSet = _child_formset(ReferralChildFormSet)


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, course):
        series = course.series
        start = date_format(series.start_date, "SHORT_DATE_FORMAT")
        end = date_format(series.end_date, "SHORT_DATE_FORMAT")
        return f"{series.title or series.programme.name}, {start}–{end}"


class ReferralForm(forms.Form):
    """A professional refers a family to a course, with the parent's consent."""

    course = CourseChoiceField(
        label=_("Course"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Parent's name"), max_length=120)
    email = forms.EmailField(
        label=_("Parent's e-mail"),
        help_text=_("The offer of a place, with links to accept or decline, is sent here."),
    )
    phone = forms.CharField(
        label=_("Parent's phone (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language for our messages to the family"), choices=settings.LANGUAGES
    )
    languages = forms.CharField(
        label=_("Languages spoken at home (optional)"), max_length=120, required=False
    )
    wishes = forms.CharField(
        label=_("What would the family like from the club? (optional)"),
        help_text=_("A few words, no diagnoses or case details."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    referrer_name = forms.CharField(label=_("Your name"), max_length=120)
    referrer_role = forms.ChoiceField(label=_("Your profession"), choices=Enrolment.ReferrerRole)
    referrer_contact = forms.CharField(
        label=_("Your phone or e-mail (optional)"),
        help_text=_("In case the library has a question about the referral."),
        max_length=120,
        required=False,
    )
    parent_consents = forms.BooleanField(
        label=_(
            "The parent agrees to this referral and to the library keeping these details "
            "for the course"
        ),
        error_messages={"required": _("A family can only be referred with the parent's consent.")},
    )
    wants_followups = forms.BooleanField(
        label=_("The parent would like invitations to other activities for the children's age"),
        required=False,
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        if courses.count() == 1:
            self.fields["course"].initial = courses.first()
            self.fields["course"].widget = forms.HiddenInput()


class WalkInForm(forms.Form):
    """A family who came without booking, added at the door by a helper on a phone."""

    name = forms.CharField(
        label=_("Parent's name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Parent's e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    language = forms.ChoiceField(label=_("Language for our messages"), choices=settings.LANGUAGES)
    adults = forms.IntegerField(
        label=_("Adults coming"),
        initial=1,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        widget=forms.NumberInput(attrs={"min": 1, "max": 6}),
    )
    told_privacy = forms.BooleanField(
        label=_("I have told the family about the privacy notice"),
        error_messages={"required": _("Tell the family about the privacy notice first.")},
    )
    wants_followups = forms.BooleanField(
        label=_("The parent would like invitations to other activities for the children's age"),
        required=False,
    )
