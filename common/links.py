"""Links that leave the site: in e-mails and calendar files they must be absolute."""

from datetime import timedelta

from django.conf import settings
from django.core import signing


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def signed_pk(pk: int, salt: str) -> str:
    return signing.dumps(pk, salt=salt, compress=True)


def pk_from(token: str, salt: str, max_age: timedelta | None = None) -> int | None:
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
