"""Where a member of staff chooses their language: the "My language" page in the admin,
and the site's language menu while signed in (programmes.staff_language)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n

from programmes.staff_language import (
    LANGUAGE_CODES,
    branches_language,
    own_language,
    staff_language,
    staff_language_set,
)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language menu; signed in, the choice is also the user's own language, so
    the admin and the staff pages follow it wherever they open them next."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if request.method == "POST" and request.user.is_authenticated and language in LANGUAGE_CODES:
        staff_language_set(user=request.user, language=language)
    return response


def _language_name(code: str) -> str:
    """A language named in itself (Dansk, Norsk bokmål, English), so that whoever chose a
    language they do not read still finds their own."""
    return translation.get_language_info(code)["name_local"].capitalize()


class MyLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the admin"), widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args, branches: str | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        follow = (
            _("My branches' language (now: %(language)s)") % {"language": _language_name(branches)}
            if branches
            else _("My branches' language (I have no branch yet: my browser's)")
        )
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", follow),
            *((code, _language_name(code)) for code in sorted(LANGUAGE_CODES)),
        ]


def my_language(request: HttpRequest) -> HttpResponse:
    """Served by the admin (StaffProfileAdmin), which asks staff to sign in first."""
    user = cast(User, request.user)  # the admin signed them in
    form = MyLanguageForm(
        request.POST if request.method == "POST" else None,
        initial={"language": own_language(user=user)},
        branches=branches_language(user=user),
    )
    if form.is_valid():
        staff_language_set(user=user, language=form.cleaned_data["language"])
        # Said in the language just chosen, as the next page will be.
        chosen = staff_language(user=user) or translation.get_language()
        with translation.override(chosen):
            saved = _("Saved: the admin and the staff pages speak this language.")
        messages.success(request, saved)
        return HttpResponseRedirect(reverse("admin:my_language"))
    return render(
        request,
        "admin/my_language.html",
        {**admin.site.each_context(request), "title": _("My language"), "form": form},
        status=400 if form.is_bound else 200,
    )
