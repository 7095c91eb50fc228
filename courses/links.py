from __future__ import annotations

from django.urls import reverse

from common.links import absolute, pk_from, signed_pk
from courses.models import Enrolment

ENROLMENT_SALT = "bookings.enrolment"


def enrolment_url(*, enrolment: Enrolment) -> str:
    """The family's page for one course: accept or decline an offer, leave the course.

    It lives as long as the course does, so it has no expiry of its own.
    """
    token = signed_pk(enrolment.pk, ENROLMENT_SALT)
    return absolute(reverse("courses:enrolment", args=[token]))


def enrolment_from_token(token: str) -> Enrolment | None:
    pk = pk_from(token, ENROLMENT_SALT)
    if pk is None:
        return None
    return (
        Enrolment.objects.select_related(
            "household", "course__series__programme", "course__series__room__branch"
        )
        .filter(pk=pk)
        .first()
    )
