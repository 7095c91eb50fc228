"""The family's own data, from its signed link: see it, download it, correct it, erase it;
and the privacy notices for families and volunteers, which say what is held and for how long.

The views parse input, call one service (privacy.services) and show its error; what is
held, and what an erasure does, is decided there.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.errors import DomainError
from common.web import MANAGE_RATE, from_link, rate_limited, speak_to
from households.links import household_from_token
from households.models import Child
from privacy.forms import CorrectionForm
from privacy.notices import family_notice, volunteer_notice
from privacy.services import (
    EXPORT_JSON,
    EXPORT_PAGE,
    household_data_correct,
    household_data_erase,
    household_data_export,
)


def data_json_response(data: dict[str, Any]) -> HttpResponse:
    """A household's data as a JSON file to keep; never kept by a cache on the way."""
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    # The household's id, not its name: the file name shows in download lists.
    response["Content-Disposition"] = (
        f'attachment; filename="familieliv-data-{data["household"]["id"]}.json"'
    )
    add_never_cache_headers(response)
    return response


@require_safe
@never_cache
@rate_limited(MANAGE_RATE)
def data(request: HttpRequest, token: str) -> HttpResponse:
    household = from_link(household_from_token, token)
    speak_to(request, household)
    found = household_data_export(household=household, by=None, form=EXPORT_PAGE)
    return render(request, "privacy/data.html", {"data": found, "token": token})


@require_safe
@never_cache
@rate_limited(MANAGE_RATE)
def data_download(request: HttpRequest, token: str) -> HttpResponse:
    household = from_link(household_from_token, token)
    speak_to(request, household)
    return data_json_response(household_data_export(household=household, by=None, form=EXPORT_JSON))


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(MANAGE_RATE)
def correct(request: HttpRequest, token: str) -> HttpResponse:
    household = from_link(household_from_token, token)
    speak_to(request, household)
    children = list(Child.objects.filter(household=household).order_by("birth_month", "pk"))
    form = CorrectionForm(request.POST or None, household=household, children=children)
    if request.method == "POST" and form.is_valid():
        try:
            changed = household_data_correct(
                household=household,
                by=None,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                child_names=form.child_names(),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your corrections are saved.") if changed else _("Nothing needed changing."),
            )
            return redirect("privacy:data", token=token)
    return render(
        request,
        "privacy/correct.html",
        {"form": form, "token": token},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(MANAGE_RATE)
def erase(request: HttpRequest, token: str) -> HttpResponse:
    """What an erasure does, and a button that does it: only a POST from this page erases
    (mail scanners open links, and must not erase a family)."""
    household = from_link(household_from_token, token)
    speak_to(request, household)
    error = ""
    if request.method == "POST":
        try:
            household_data_erase(household_id=household.pk, by=None)
        except DomainError as exc:
            error = str(exc)
        else:
            return redirect("privacy:erased")
    return render(
        request,
        "privacy/erase.html",
        {"household": household, "token": token, "error": error},
        status=400 if error else 200,
    )


@require_safe
def erased(request: HttpRequest) -> HttpResponse:
    """After an erasure: nothing personal, and the old link opens nothing any more."""
    return render(request, "privacy/erased.html")


# -- the privacy notices, public and in every language ---------------------------------------


@require_safe
def notice(request: HttpRequest) -> HttpResponse:
    """The families' privacy notice."""
    return render(request, "privacy/families.html", {"notice": family_notice()})


@require_safe
def volunteer_notice_page(request: HttpRequest) -> HttpResponse:
    """The volunteers' privacy notice."""
    return render(
        request,
        "privacy/volunteers.html",
        {"notice": volunteer_notice(today=timezone.localdate())},
    )
