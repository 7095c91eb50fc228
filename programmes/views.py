from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .selectors import upcoming_sessions_by_branch


@require_GET
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """One query: the database answers. Used by load balancers and as a benchmark baseline."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "programmes/home.html", {"branches": upcoming_sessions_by_branch()})
