"""Which language a page speaks when its address does not say."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class VisitorLanguageMiddleware(LocaleMiddleware):
    """An address without a language prefix ("/", a link in a message) speaks the
    visitor's language: the one chosen with the switcher (its cookie), else the browser's
    (Accept-Language), else LANGUAGE_CODE. Django's own middleware gives such an address
    the default language whatever the browser asks, so Bærum's families met Danish.

    A prefix (/nb/, /en/) still decides; pages behind a family's signed link then speak
    the family's language (common.web.speak_to).
    """

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        # After the address is resolved, not before: an address without a prefix belongs
        # to the default language's patterns, and resolving it in another language would
        # find nothing (404).
        if translation.get_language_from_path(request.path_info) is None:
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        if translation.get_language_from_path(request.path_info) is None:
            # The switcher's choice lives in a cookie: a cache must not hand one visitor's
            # language to the next.
            patch_vary_headers(response, ("Cookie",))
        return response
