from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from programmes.forms import SessionFilterForm
from programmes.selectors import (
    published_programme,
    sessions_for_child_born,
    sessions_from_date,
    upcoming_sessions,
    upcoming_sessions_by_branch,
    with_places,
)

PAGE_SIZE = 20


@require_GET
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """One query: the database answers. Used by load balancers and as a benchmark baseline."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


def first_page_with_places(sessions, request: HttpRequest):
    paginator = Paginator(with_places(sessions).order_by("starts_at", "pk"), PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programmes/home.html",
        # Lazy: the template's cached fragment asks for them only when it has expired.
        {
            "branches": SimpleLazyObject(upcoming_sessions_by_branch),
            "filter": SimpleLazyObject(SessionFilterForm),
        },
    )


def filtered_sessions(form: SessionFilterForm):
    """Upcoming sessions, narrowed by what the filter form asks for (when it is valid)."""
    sessions = upcoming_sessions(now=timezone.now())
    if form.is_valid():
        if form.cleaned_data["branch"]:
            sessions = sessions.filter(room__branch=form.cleaned_data["branch"])
        if form.cleaned_data["date_from"]:
            sessions = sessions_from_date(sessions, day=form.cleaned_data["date_from"])
        if form.cleaned_data["born"]:
            sessions = sessions_for_child_born(sessions, birth_month=form.cleaned_data["born"])
    return sessions


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    """Upcoming sessions, filtered by library, date and the child's age."""
    # Lazy, the form and the query too: the template's cached fragment asks for them only
    # when it has expired.
    form = SimpleLazyObject(lambda: SessionFilterForm(request.GET or None))
    page = SimpleLazyObject(lambda: first_page_with_places(filtered_sessions(form), request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programmes/session_list.html",
        {"filter": form, "page": page, "query": query.urlencode()},
    )


@require_GET
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = published_programme(slug=slug)
    if programme is None:
        raise Http404
    # Lazy, the query built too: the template's cached fragment asks for it only when it
    # has expired.
    page = SimpleLazyObject(
        lambda: first_page_with_places(
            upcoming_sessions(now=timezone.now()).filter(programme=programme), request
        )
    )
    return render(
        request, "programmes/programme_detail.html", {"programme": programme, "page": page}
    )
