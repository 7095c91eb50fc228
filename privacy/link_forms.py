from django import forms
from django.utils.translation import gettext_lazy as _


class NewLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The address our e-mails came to."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
