from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from common.links import absolute, end_of_day, link_row, signed_link
from courses.models import Enrolment

ENROLMENT_SALT = "bookings.enrolment"
# After the course's last date the family's course page still works this long (as the
# family's own page does after its last session: households.links).
ENROLMENT_LINK_VALIDITY = timedelta(days=183)


def enrolment_url(*, enrolment: Enrolment) -> str:
    """The family's page for one course: accept or decline an offer, leave the course.

    It works until six months after the course's last date, and until the household asks
    for new links (its link version).
    """
    token = signed_link(
        enrolment.pk,
        salt=ENROLMENT_SALT,
        version=enrolment.household.link_version,
        valid_until=end_of_day(enrolment.course.series.end_date) + ENROLMENT_LINK_VALIDITY,
    )
    return absolute(reverse("courses:enrolment", args=[token]))


def enrolment_from_token(token: str) -> Enrolment | None:
    return link_row(
        Enrolment.objects.select_related(
            "household", "course__series__programme", "course__series__room__branch"
        ),
        token,
        salt=ENROLMENT_SALT,
        version_of=lambda enrolment: enrolment.household.link_version,
    )
