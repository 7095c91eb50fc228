from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _


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


class HeadCountForm(forms.Form):
    """One tap on the head-count page: a grade, first visit or not, one more or one less.

    Anything else is refused: a value that is not one of the buttons' is never counted as
    "been before" or as one more.
    """

    grade = forms.CharField(max_length=10)
    first_visit = forms.TypedChoiceField(
        choices=(("yes", "yes"), ("no", "no")), coerce=lambda value: value == "yes"
    )
    change = forms.TypedChoiceField(
        choices=(("more", "more"), ("less", "less")),
        coerce=lambda value: -1 if value == "less" else 1,
    )
