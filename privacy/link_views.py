"""“Send me a new link”: the same answer for every address (privacy.new_links)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.web import NEW_LINK_RATE, rate_limited
from privacy.link_forms import NewLinkForm
from privacy.tasks import new_links_request


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(NEW_LINK_RATE, method="POST")
def new_link(request: HttpRequest) -> HttpResponse:
    form = NewLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_links_request(email=form.cleaned_data["email"])
        # Whether we know the address or not: the same page, which names no address.
        return redirect("links:new_link_sent")
    return render(
        request,
        "privacy/new_link.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def new_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/new_link_sent.html")
