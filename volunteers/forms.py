"""The coordinator's forms for their own volunteers: a new volunteer with their weekly
times, a child-safety certificate, a status, a partnership to join, a checklist step.

The forms check what a person typed; the rules behind a change are the services'.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import PartnerOrganisation, Partnership
from programmes.models import WEEKDAYS
from volunteers.models import Certificate, ExperienceMeeting, Onboarding, Subject, Volunteer
from volunteers.services import STATUS_TRANSITIONS, WeeklyTime, email_taken, email_taken_message

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


PHONE_ERROR = _(
    "Enter a phone number we can call, such as 20 30 40 50 or +47 412 34 567 (with the "
    "country code when it is not a Danish number)."
)


def _phone_field(form: forms.BaseForm) -> None:
    """The phone as django-phonenumber-field reads it (stored E.164), with a message that
    says what to type."""
    field = form.fields["phone"]
    field.error_messages["invalid"] = PHONE_ERROR
    field.widget.attrs.update({"type": "tel", "autocomplete": "tel"})
    field.help_text = _("Without a country code, a Danish number is assumed.")


class _EmailOncePerOrganisation:
    """One volunteer per e-mail address in an organisation, said next to the field (the
    database holds the rule too: volunteers.services.email_taken)."""

    organisation_id: int | None
    volunteer: Volunteer | None

    def clean_email(self):
        email = self.cleaned_data["email"].strip()  # type: ignore[attr-defined]
        if self.organisation_id is not None and email_taken(
            organisation=self.organisation_id, email=email, volunteer=self.volunteer
        ):
            raise forms.ValidationError(email_taken_message())
        return email


class VolunteerForm(_EmailOncePerOrganisation, forms.ModelForm):
    """A coordinator's volunteer: a new one (``organisation``) or one to correct
    (``instance``); every field but the status and certificates, which have their own."""

    class Meta:
        model = Volunteer
        fields = (
            "name",
            "email",
            "phone",
            "language",
            "languages",
            "subjects",
            "applied_on",
            "notes",
        )
        widgets = {
            "subjects": forms.CheckboxSelectMultiple,
            "applied_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation: PartnerOrganisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.volunteer = self.instance if self.instance.pk else None
        self.organisation_id = organisation.pk if organisation else self.instance.organisation_id
        subjects = cast(forms.ModelMultipleChoiceField, self.fields["subjects"])
        subjects.queryset = Subject.objects.order_by("name")
        if self.volunteer is None:
            # A new volunteer applies today; the date is corrected on their edit page.
            del self.fields["applied_on"]
        _phone_field(self)

    def validate_constraints(self, exclude=None):
        # One e-mail per organisation is checked in clean_email; the service saves.
        return None


class OwnDetailsForm(_EmailOncePerOrganisation, forms.ModelForm):
    """What a volunteer keeps up to date on their own page."""

    class Meta:
        model = Volunteer
        fields = ("email", "phone", "language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.volunteer = self.instance
        self.organisation_id = self.instance.organisation_id
        _phone_field(self)

    def validate_constraints(self, exclude=None):
        return None


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
# The weekly times of a volunteer already registered: what they have, and one empty row.
WeeklyTimeEditFormSet = forms.formset_factory(
    WeeklyTimeForm, extra=1, max_num=14, validate_max=True
)


def weekly_times(formset) -> list[WeeklyTime]:
    return [t for t in (form.weekly_time() for form in formset.forms) if t is not None]


def weekly_times_initial(volunteer: Volunteer) -> list[dict]:
    return [
        {"weekday": a.weekday, "starts_at": a.starts_at, "ends_at": a.ends_at}
        for a in volunteer.availability.all()
    ]


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
        # Most coordinators have one partnership: it is chosen for them.
        field.empty_label = None


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


class EveryWeekForm(forms.Form):
    """How far "every week" runs: a date the coordinator picks."""

    # Left empty: every_week_until's default.
    until = forms.DateField(label=_("Until"), widget=DATE_INPUT, required=False)


class MeetingForm(forms.ModelForm):
    """An experience meeting on the coordinator's page: a day and times at the branch."""

    partnership = PartnershipChoiceField(label=_("Partnership"), queryset=Partnership.objects)
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    starts = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    ends = forms.TimeField(label=_("Until"), widget=TIME_INPUT)

    class Meta:
        model = ExperienceMeeting
        fields = ("partnership", "title", "place", "agenda")
        widgets = {"agenda": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, partnerships: QuerySet[Partnership], **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(PartnershipChoiceField, self.fields["partnership"])
        field.queryset = partnerships.select_related("programme", "branch")
        # Most coordinators have one partnership: it is chosen for them.
        field.empty_label = None
        if self.instance.pk:
            # The partnership of a meeting with invitations out stays.
            del self.fields["partnership"]
            local = self.instance.starts_at.astimezone(self.instance.partnership.branch.zone)
            self.initial.update(
                day=local.date(),
                starts=local.time(),
                ends=self.instance.ends_at.astimezone(local.tzinfo).time(),
            )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("“Until” must be later than “from”."))
        return cleaned

    def times(self) -> tuple[datetime, datetime]:
        """The meeting's start and end on the wall clock of its branch."""
        partnership = self.cleaned_data.get("partnership") or self.instance.partnership
        zone = partnership.branch.zone
        day = self.cleaned_data["day"]
        return (
            datetime.combine(day, self.cleaned_data["starts"], tzinfo=zone),
            datetime.combine(day, self.cleaned_data["ends"], tzinfo=zone),
        )

    def validate_constraints(self, exclude=None):
        # The times are set from the day and hours; meeting_refusal checks them.
        return None


class ShiftPolicyForm(forms.Form):
    volunteers_take_open_shifts = forms.BooleanField(
        label=_("Volunteers may take open shifts themselves"), required=False
    )
