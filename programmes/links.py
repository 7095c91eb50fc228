"""Links that leave the site: in e-mails and calendar files they must be absolute."""

from django.conf import settings


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
