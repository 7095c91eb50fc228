from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from courses.models import Enrolment
from households.forms import BaseChildFormSet, child_formset


class ReferralChildFormSet(BaseChildFormSet):
    default_error_messages = {
        **BaseChildFormSet.default_error_messages,
        "too_few_forms": _("Tell us about the children in the family."),
        "too_many_forms": _("At most 6 children. Please tell the library about the rest."),
    }


FamilyChildFormSet = child_formset(ReferralChildFormSet)


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
        cast(CourseChoiceField, self.fields["course"]).queryset = courses
        if courses.count() == 1:
            self.fields["course"].initial = courses.first()
            self.fields["course"].widget = forms.HiddenInput()
