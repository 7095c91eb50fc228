from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from households.forms import privacy_label


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
        label=lazy(privacy_label, str)(),
        error_messages={"required": _("Please confirm you have read the privacy notice.")},
    )
    wants_followups = forms.BooleanField(
        label=_(
            "Yes, invite me to other activities for my child's age (you can say no at any time)"
        ),
        required=False,
    )
