"""The privacy notices: one for families, one for volunteers, public and in every language."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from privacy.notices import family_notice, volunteer_notice


@require_safe
def families(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/families.html", {"notice": family_notice()})


@require_safe
def volunteers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/volunteers.html",
        {"notice": volunteer_notice(today=timezone.localdate())},
    )
