"""Course rules: referral, offer or waitlist, accept, decline, withdraw, completion.

The only place that changes an enrolment's status. Every change that takes or frees one of
a course's places runs with the course row locked, inside one transaction, so a course is
never over capacity and its waitlist is strictly first come, first served. Each change
tells the family (bookings.messages.enrolment_message) in the same transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError
from courses.messages import notify_enrolment
from courses.models import Course, Enrolment, EnrolmentStatus
from courses.selectors import course_places_taken, meetings_since
from households.services import ChildInput, household_get_or_create, party_children
from programmes.eligibility import party_eligibility
from programmes.models import Session

Status = Enrolment.Status


class EnrolmentError(DomainError):
    """A place on a course that cannot be given or changed; safe to show a family."""


@dataclass(frozen=True)
class Referral:
    """What a professional tells us about a family, with the parent's consent."""

    name: str
    email: str
    language: str
    children: list[ChildInput]
    phone: str = ""
    languages: str = ""
    wishes: str = ""
    referrer_name: str = ""
    referrer_role: str = ""
    referrer_contact: str = ""
    wants_followups: bool = False


def _lock_course(course_id: int) -> Course:
    try:
        return (
            Course.objects.select_for_update(of=("self",))
            .select_related("series__programme", "series__room__branch")
            .get(pk=course_id)
        )
    except Course.DoesNotExist as exc:
        raise EnrolmentError(_("This course does not exist (any more).")) from exc


def _lock_enrolment(enrolment_id: int) -> Enrolment:
    """The enrolment, locked after its course: always the same order, so no deadlock."""
    course_id = (
        Enrolment.objects.filter(pk=enrolment_id).values_list("course_id", flat=True).first()
    )
    if course_id is None:
        raise EnrolmentError(_("This place on a course does not exist (any more)."))
    course = _lock_course(course_id)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("household")
        .get(pk=enrolment_id)
    )
    enrolment.course = course
    return enrolment


def _check_running(course: Course) -> None:
    if course.series.end_date < timezone.localdate():
        raise EnrolmentError(_("This course has ended."))


def _check_children(course: Course, children: list[ChildInput]) -> None:
    """The whole family joins; at least one child must be in the course's age group."""
    if not children:
        raise EnrolmentError(_("Tell us about the children in the family."))
    result = party_eligibility(
        programme=course.series.programme,
        children=children,
        on=max(course.series.start_date, timezone.localdate()),
        every_child=False,
    )
    if not result.eligible:
        raise EnrolmentError(
            _("No child in the family is in this course's age group. %(reason)s")
            % {"reason": result.reason}
        )


def _set_status(enrolment: Enrolment, status: str, now: datetime) -> None:
    enrolment.status = status
    fields = ["status", "status_changed_at"]
    if status == Status.WAITLISTED:
        enrolment.waitlisted_at = now
        fields.append("waitlisted_at")
    elif status == Status.OFFERED:
        enrolment.offered_at = now
        fields.append("offered_at")
    elif status == Status.ENROLLED:
        enrolment.enrolled_at = now
        fields.append("enrolled_at")
    enrolment.save(update_fields=fields)


def _fill_places(course: Course, now: datetime) -> list[Enrolment]:
    """Offer free places to the families waiting longest. Needs the course locked."""
    free = course.capacity - course_places_taken(course=course)
    if free <= 0:
        return []
    waiting = list(
        course.enrolments.filter(status=Status.WAITLISTED)
        .select_related("household")
        .order_by("waitlisted_at", "pk")[:free]
    )
    for enrolment in waiting:
        enrolment.course = course
        _set_status(enrolment, Status.OFFERED, now)
        notify_enrolment(enrolment=enrolment, kind="course_offered")
    return waiting


def enrolment_refer(
    *, course_id: int, referral: Referral, partnership=None, now: datetime | None = None
) -> Enrolment:
    """A professional refers a family: it joins the course's queue for the library to review."""
    with transaction.atomic():
        course = _lock_course(course_id)
        now = now or timezone.now()
        if partnership is not None and (
            course.series.programme_id != partnership.programme_id
            or course.series.room.branch_id != partnership.branch_id
        ):
            raise EnrolmentError(_("This course is not run through this referral link."))
        _check_running(course)
        _check_children(course, referral.children)
        household, is_new = household_get_or_create(
            email=referral.email,
            name=referral.name,
            phone=referral.phone,
            language=referral.language,
            consents_to_followups=referral.wants_followups,
            now=now,
        )
        already = Enrolment.objects.filter(course=course, household=household).first()
        if already is not None:
            # Referred before: the library has the family in its queue already. Whoever
            # typed the address is told what a new referral is told (nothing says whether
            # the address was known), and the family is not written to again.
            return already
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    course=course,
                    household=household,
                    partnership=partnership,
                    referrer_name=referral.referrer_name,
                    referrer_role=referral.referrer_role,
                    referrer_contact=referral.referrer_contact,
                    languages=referral.languages,
                    wishes=referral.wishes,
                )
        except IntegrityError:
            # The same family referred at the same moment by someone else: that one stands.
            return Enrolment.objects.get(course=course, household=household)
        enrolment.children.set(
            party_children(household=household, children=referral.children, household_is_new=is_new)
        )
        notify_enrolment(enrolment=enrolment, kind="referral_received")
    return enrolment


def enrolment_offer(*, enrolment_id: int, now: datetime | None = None) -> Enrolment:
    """The library offers the family a place; on a full course it goes on the waitlist."""
    with transaction.atomic():
        enrolment = _lock_enrolment(enrolment_id)
        now = now or timezone.now()
        course = enrolment.course
        if enrolment.status not in (Status.REFERRED, Status.WAITLISTED):
            raise EnrolmentError(
                _("%(family)s is “%(status)s”: only a referred family can be offered a place.")
                % {"family": enrolment.household.name, "status": enrolment.get_status_display()}
            )
        _check_running(course)
        if course_places_taken(course=course) < course.capacity:
            _set_status(enrolment, Status.OFFERED, now)
            notify_enrolment(enrolment=enrolment, kind="course_offered")
        elif enrolment.status == Status.REFERRED:
            _set_status(enrolment, Status.WAITLISTED, now)
            notify_enrolment(enrolment=enrolment, kind="course_waitlisted")
        else:
            raise EnrolmentError(
                _("The course is full: %(family)s keeps its place on the waitlist.")
                % {"family": enrolment.household.name}
            )
    return enrolment


def enrolment_accept(*, enrolment_id: int, now: datetime | None = None) -> Enrolment:
    """The parent says yes to an offered place. Saying yes twice is the same as once."""
    with transaction.atomic():
        enrolment = _lock_enrolment(enrolment_id)
        if enrolment.status == Status.ENROLLED:
            return enrolment
        if enrolment.status != Status.OFFERED:
            raise EnrolmentError(_("This offer is no longer open. Please contact the library."))
        _check_running(enrolment.course)
        _set_status(enrolment, Status.ENROLLED, now or timezone.now())
        notify_enrolment(enrolment=enrolment, kind="course_enrolled")
    return enrolment


def enrolment_decline(*, enrolment_id: int, now: datetime | None = None) -> Enrolment:
    """The parent says no to an offer (or to waiting); a held place goes to the next family."""
    return _end(enrolment_id, Status.DECLINED, "course_declined", now)


def enrolment_withdraw(*, enrolment_id: int, now: datetime | None = None) -> Enrolment:
    """The family leaves the course, or the library takes the referral back."""
    return _end(enrolment_id, Status.WITHDRAWN, "course_withdrawn", now)


def enrolment_expire_offer(*, enrolment_id: int, now: datetime | None = None) -> Enrolment:
    """An offer not answered in the course's offer_days: the family is told, and the place
    goes to the next family waiting. Answered in time (or already ended), nothing changes."""
    now = now or timezone.now()
    # One transaction, the lock held from the check to the change: a family accepting at
    # this moment either is in time or finds the offer expired, never half of each.
    with transaction.atomic():
        enrolment = _lock_enrolment(enrolment_id)
        if enrolment.status != Status.OFFERED or not offer_has_expired(enrolment, now):
            return enrolment
        return _end(enrolment_id, Status.EXPIRED, "course_offer_expired", now)


def offer_has_expired(enrolment: Enrolment, now: datetime) -> bool:
    expires = enrolment.offer_expires_at
    return expires is not None and expires <= now


_ENDS_FROM = {
    Status.EXPIRED: (Status.OFFERED,),
    Status.DECLINED: (Status.REFERRED, Status.WAITLISTED, Status.OFFERED),
    Status.WITHDRAWN: (Status.REFERRED, Status.WAITLISTED, Status.OFFERED, Status.ENROLLED),
}


def _end(enrolment_id: int, status: EnrolmentStatus, kind: str, now: datetime | None) -> Enrolment:
    with transaction.atomic():
        enrolment = _lock_enrolment(enrolment_id)
        now = now or timezone.now()
        if enrolment.status == status:
            return enrolment
        if enrolment.status not in _ENDS_FROM[status]:
            raise EnrolmentError(
                _("This family's place is “%(status)s” and can no longer be changed here.")
                % {"status": enrolment.get_status_display()}
            )
        _set_status(enrolment, status, now)
        notify_enrolment(enrolment=enrolment, kind=kind)
        _fill_places(enrolment.course, now)
    return enrolment


def course_fill_places(*, course_id: int, now: datetime | None = None) -> list[Enrolment]:
    """After the course's capacity was raised: offer the new places to those waiting."""
    with transaction.atomic():
        course = _lock_course(course_id)
        if course.series.end_date < timezone.localdate():
            return []
        return _fill_places(course, now or timezone.now())


def course_complete(*, course_id: int, now: datetime | None = None) -> int:
    """After the last meeting: enrolled families who came often enough have completed it.

    The share is the course's ``completion_percent`` of the meetings held (not cancelled)
    since the family joined (courses.selectors.meetings_since), rounded up: a family that
    joined late is measured against the meetings it could come to. Returns how many
    families completed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        course = _lock_course(course_id)
        meetings = list(course.series.sessions.filter(status=Session.Status.SCHEDULED))
        if not meetings or max(m.ends_at for m in meetings) > now:
            raise EnrolmentError(_("The course has meetings still to come."))
        enrolled = course.enrolments.filter(status=Status.ENROLLED)
        came = set(
            enrolled.filter(
                household__attendances__session__in=meetings,
                household__attendances__attended=True,
            ).values_list("household_id", "household__attendances__session_id")
        )
        completed = [
            e.pk
            for e in enrolled
            if (held := meetings_since(meetings, e))
            and sum((e.household_id, m.pk) in came for m in held)
            >= math.ceil(len(held) * course.completion_percent / 100)
        ]
        return Enrolment.objects.filter(pk__in=completed).update(
            status=Status.COMPLETED, status_changed_at=now
        )
