"""Each member of staff's language on the staff pages (programmes.staff_language)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from programmes.staff_language import staff_language


class StaffLanguageMiddleware:
    """Speaks each member of staff's language on the staff pages: those whose URL namespace
    settings.STAFF_PAGES names (the admin, the helpers', the coordinator's, the reports).

    After LocaleMiddleware, which goes by the address (one without a language prefix, such
    as /admin/, gets the site's default language whatever the browser asks), and after
    authentication. On those pages someone signed out, or without a language of their own
    or a branch, gets the address's language when it carries one, else the language menu's
    choice (its cookie) or the browser's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        match = request.resolver_match
        if match is None or not match.namespaces or match.namespaces[0] not in settings.STAFF_PAGES:
            return None
        language = staff_language(user=request.user)
        if language is None:
            if translation.get_language_from_path(request.path_info):
                return None
            language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return None
