"""The coordinator's forms for their own volunteers: a new volunteer with their weekly
times, a child-safety certificate, a status, a partnership to join, a checklist step.

The forms check what a person typed; the rules behind a change are the services'.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Partnership
from programmes.models import WEEKDAYS
from volunteers.models import Certificate, Onboarding, Subject, Volunteer
from volunteers.services import STATUS_TRANSITIONS, WeeklyTime

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class VolunteerForm(forms.ModelForm):
    class Meta:
        model = Volunteer
        fields = ("name", "email", "phone", "language", "languages", "subjects")
        widgets = {"subjects": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        subjects = cast(forms.ModelMultipleChoiceField, self.fields["subjects"])
        subjects.queryset = Subject.objects.order_by("name")


class WeeklyTimeForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=[("", "–"), *WEEKDAYS], coerce=int, required=False
    )
    starts_at = forms.TimeField(label=_("From"), widget=TIME_INPUT, required=False)
    ends_at = forms.TimeField(label=_("Until"), widget=TIME_INPUT, required=False)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        weekday, starts_at, ends_at = (
            cleaned.get("weekday"),
            cleaned.get("starts_at"),
            cleaned.get("ends_at"),
        )
        given = [value not in (None, "") for value in (weekday, starts_at, ends_at)]
        if any(given) and not all(given) and not self.errors:
            raise forms.ValidationError(_("Give the weekday, and the time from and until."))
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("“Until” must be later than “from”."))
        return cleaned

    def weekly_time(self) -> WeeklyTime | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("weekday") in (None, "") or not data.get("starts_at"):
            return None
        return WeeklyTime(
            weekday=data["weekday"], starts_at=data["starts_at"], ends_at=data["ends_at"]
        )


WeeklyTimeFormSet = forms.formset_factory(WeeklyTimeForm, extra=3, max_num=14, validate_max=True)


def weekly_times(formset) -> list[WeeklyTime]:
    return [t for t in (form.weekly_time() for form in formset.forms) if t is not None]


class CertificateForm(forms.ModelForm):
    class Meta:
        model = Certificate
        fields = ("kind", "checked_on", "valid_until", "notes")
        widgets = {"checked_on": DATE_INPUT, "valid_until": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        checked_on, valid_until = cleaned.get("checked_on"), cleaned.get("valid_until")
        if checked_on and valid_until and valid_until < checked_on:
            self.add_error("valid_until", _("A certificate cannot expire before it was checked."))
        if checked_on and checked_on > timezone.localdate():
            self.add_error("checked_on", _("The day it was checked cannot be in the future."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The volunteer is set by the service; the dates are checked in clean().
        return None


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS.get(volunteer.status, ())
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (value, label) for value, label in Volunteer.Status.choices if value in allowed
        ]


class PartnershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Partnership) -> str:
        return f"{obj.programme.name}, {obj.branch.name}"


class JoinForm(forms.Form):
    partnership = PartnershipChoiceField(label=_("Partnership"), queryset=Partnership.objects)

    def __init__(self, *args, partnerships: QuerySet[Partnership], **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(PartnershipChoiceField, self.fields["partnership"])
        field.queryset = partnerships.select_related("programme", "branch")


class TickForm(forms.Form):
    onboarding = forms.ModelChoiceField(queryset=Onboarding.objects, widget=forms.HiddenInput)
    # The certificate's step is ticked by recording the certificate itself.
    TICKED_HERE = tuple(step for step in Onboarding.STEPS if step != "certificate_checked_on")

    step = forms.ChoiceField(
        choices=[(step, step) for step in TICKED_HERE], widget=forms.HiddenInput
    )
    on = forms.DateField(label=_("Done on"), widget=DATE_INPUT)

    def __init__(self, *args, onboardings: QuerySet[Onboarding], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["onboarding"]).queryset = onboardings

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("A step cannot be done in the future."))
        return on
