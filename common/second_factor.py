"""A second factor (a code from an authenticator app, TOTP with django-otp) at sign-in:
required of superusers in services mode, optional for other staff (required of anyone who
has set one up), off in the embedded demo. A superuser's app is set up with
``manage.py second_factor USERNAME``; the admin (admin → TOTP devices) does it for others.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationFormMixin


def second_factor_required(user: AbstractBaseUser) -> bool:
    """Whether signing in as ``user`` (who gave the right password) takes a code from an
    authenticator app."""
    superuser = getattr(user, "is_superuser", False)
    return user_has_device(user) or (superuser and settings.SECOND_FACTOR_FOR_SUPERUSERS)


def second_factor_missing(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A superuser signed in without the code that services mode asks of them (signed in
    before it did): every page signs them out (SecondFactorMiddleware). Asked on every
    request, so it reads no table; other staff's apps are asked for at sign-in."""
    if not getattr(user, "is_superuser", False) or not settings.SECOND_FACTOR_FOR_SUPERUSERS:
        return False
    return not getattr(user, "is_verified", lambda: False)()


def _code_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        label=_("Code from your authenticator app"),
        help_text=_("Only if your account uses one (administrators always do)."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SecondFactorMixin(OTPAuthenticationFormMixin):
    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("Enter the code from your authenticator app."),
        invalid_token=_("That code is not right. The app shows a new one every 30 seconds."),
        device_required=_(
            "This account needs an authenticator app, and none is set up yet. Please ask "
            "the person who runs Familieliv to set one up for you."
        ),
    )

    def _chosen_device(self, user):
        # One authenticator per person: the form asks for no choice of device.
        return next(iter(devices_for_user(user, confirmed=True)), None)

    def clean(self):
        cleaned = super().clean()  # the user name and password (the first factor)
        user = self.get_user()
        if user is not None and second_factor_required(user):
            if self._chosen_device(user) is None:
                raise forms.ValidationError(
                    self.otp_error_messages["device_required"], code="device_required"
                )
            self.clean_otp(user)
        return cleaned


class SiteLoginForm(SecondFactorMixin, AuthenticationForm):
    otp_token = _code_field()


class AdminLoginForm(SecondFactorMixin, AdminAuthenticationForm):
    otp_token = _code_field()


class SecondFactorMiddleware:
    """A signed-in session without the code its user's sign-in now takes (signed in before
    services mode or before setting up an app) is signed out on its next request, on every
    page: the admin, the reports and the helpers' and coordinators' pages alike."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and second_factor_missing(request.user):
            logout(request)
        return self.get_response(request)
