"""What the public views share: rate limits, signed links, the recipient's language."""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from common.links import LinkNotValid

logger = logging.getLogger(__name__)

BOOKING_RATE = "20/m"
MANAGE_RATE = "60/m"
# Sign-in attempts per address, on the admin's and the site's login (django-axes locks a
# user name after five wrong passwords, whatever the address).
LOGIN_RATE = "30/m"
# "Send me a new link": each answered request may write an e-mail.
NEW_LINK_RATE = "5/m"


def rate_limited(rate: str, method: str | list[str] = ALL):
    """Limit requests per address; one over the limit gets a kind page and status 429.

    The counters live in the cache (Redis in services mode). When it cannot be reached
    the request goes through: a booking is worth more than the limit.
    """

    def decorate(view):
        group = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def limited_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                limited = is_ratelimited(
                    request, group=group, key="ip", rate=rate, method=method, increment=True
                )
            except (RedisError, OSError):
                logger.warning("Rate limiter unavailable; letting %s through", request.path)
                limited = False
            if limited:
                return render(request, "bookings/too_many.html", status=429)
            return view(request, *args, **kwargs)

        return limited_view

    return decorate


def from_link(lookup, token: str):
    """What a signed link stands for (lookup: a links.*_from_*token function).

    A link that is not ours raises LinkNotValid, one past its time or replaced by a new
    one LinkExpired (from the lookup): common.middleware.SignedLinkMiddleware answers
    both with a page that offers a new link.
    """
    found = lookup(token)
    if found is None:
        raise LinkNotValid(_("This link is not valid."))
    return found


def chosen_language(request: HttpRequest) -> str | None:
    """The language the visitor picked with the site's language switcher, if they did.

    The switcher (Django's set_language) always leaves its cookie, so the cookie is the
    sign of a choice. A language prefix in the address is not: links in e-mails may carry
    the prefix of whoever's action sent them.
    """
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def speak_to(request: HttpRequest, recipient) -> None:
    """Pages opened from an e-mail answer in the recipient's language (a household's, a
    volunteer's), as the e-mail did; unless the visitor has chosen another language with
    the switcher, which then wins, so a choice on the page does not snap back."""
    language = chosen_language(request) or recipient.language
    translation.activate(language)
    request.LANGUAGE_CODE = language


@require_safe
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """One query: the database answers. Used by load balancers and as a benchmark baseline."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from an old page or with cookies blocked: what to do, in the site's
    design and the visitor's language (Django's own page is raw and English)."""
    logger.warning("CSRF check failed on %s: %s", request.path, reason)
    return render(request, "403_csrf.html", status=403)
