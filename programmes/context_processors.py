from django.conf import settings
from django.http import HttpRequest


def listing_cache(request: HttpRequest) -> dict:
    return {"LISTING_CACHE_SECONDS": settings.LISTING_CACHE_SECONDS}
