"""Everything held about a household, in one place: the family's data page, its JSON
download and the library's export in the admin all read ``household_data``.

Times are given in the time zone of the branch they happened at (a session's, a
booking's), else in the site's; the JSON carries their offset. Each status comes with its
words in the reader's language beside its code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from auditlog.models import LogEntry
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Attendance
from bookings.models import Booking
from bookings.selectors import waitlist_position
from courses.models import Enrolment
from households.models import Child, Household
from notifications.models import Outbox
from privacy.audit import BY_FAMILY, AuditEvent, household_trail
from programmes.models import Branch, Session


def _at(moment: datetime | None, branch: Branch | None = None) -> datetime | None:
    if moment is None:
        return None
    if branch is not None:
        return moment.astimezone(ZoneInfo(branch.time_zone))
    return timezone.localtime(moment)


def _session(session: Session) -> dict[str, Any]:
    branch = session.room.branch
    return {
        "id": session.pk,
        "programme": session.programme.name,
        "branch": branch.name,
        "room": session.room.name,
        "starts_at": _at(session.starts_at, branch),
        "ends_at": _at(session.ends_at, branch),
        "cancelled_by_the_library": session.status == Session.Status.CANCELLED,
    }


def _names(children) -> list[str]:
    return [child.first_name for child in children]


def household_children(household: Household):
    """The household's own children, and those that are only on one of its bookings' or
    enrolments' parties (typed into a public form for a known address)."""
    party_only = Q(household__isnull=True) & (
        Q(bookings__household=household) | Q(enrolments__household=household)
    )
    return (
        Child.objects.filter(Q(household=household) | party_only)
        .distinct()
        .order_by("birth_month", "pk")
    )


def household_message_references(household: Household) -> list[str]:
    """What the outbox says its messages to the household are about (Outbox.reference):
    its bookings, its enrolments, or the household itself (invitations)."""
    return [
        f"household:{household.pk}",
        *(f"booking:{pk}" for pk in household.bookings.values_list("pk", flat=True)),
        *(f"enrolment:{pk}" for pk in household.enrolments.values_list("pk", flat=True)),
    ]


def household_data(household: Household) -> dict[str, Any]:
    """Every row about the household: contact, children, bookings and waitlist places,
    enrolments with their referral, attendance, consents, the messages sent to it and the
    requests it (or the library on its behalf) made about its data."""
    bookings = (
        household.bookings.select_related("session__programme", "session__room__branch")
        .prefetch_related("children")
        .order_by("session__starts_at", "pk")
    )
    enrolments = (
        household.enrolments.select_related(
            "course__series__programme",
            "course__series__room__branch",
            "partnership__organisation",
            "partnership__programme",
            "partnership__branch",
        )
        .prefetch_related("children")
        .order_by("created_at", "pk")
    )
    attendance = Attendance.objects.filter(household=household).select_related(
        "session__programme", "session__room__branch"
    )
    messages = Outbox.objects.filter(reference__in=household_message_references(household))
    return {
        "household": {
            "id": household.pk,
            "name": household.name,
            "email": household.email,
            "phone": household.phone,
            "language": household.language,
            "first_seen": _at(household.created_at),
        },
        "consents": {
            "privacy_notice_accepted_at": _at(household.privacy_accepted_at),
            "wants_invitations": household.consents_to_followups,
        },
        "children": [
            {
                "id": child.pk,
                "first_name": child.first_name,
                "birth_month": child.birth_month,
                "household_child": child.household_id == household.pk,
            }
            for child in household_children(household)
        ],
        "bookings": [_booking(booking) for booking in bookings],
        "enrolments": [_enrolment(enrolment) for enrolment in enrolments],
        "attendance": [
            {
                "session": _session(row.session),
                "came": row.attended,
                "recorded_at": _at(row.recorded_at, row.session.room.branch),
            }
            for row in attendance.order_by("session__starts_at", "pk")
        ],
        "messages": [
            {
                "kind": row.kind,
                "subject": row.subject,
                "to": row.recipient,
                "status": row.status,
                "status_display": str(row.get_status_display()),
                "written_at": _at(row.created_at),
                "sent_at": _at(row.sent_at),
            }
            for row in messages.order_by("created_at", "pk")
        ],
        "requests": [_request(entry) for entry in household_trail(household.pk)],
    }


def _booking(booking: Booking) -> dict[str, Any]:
    branch = booking.session.room.branch
    return {
        "id": booking.pk,
        "session": _session(booking.session),
        "status": booking.status,
        "status_display": str(booking.get_status_display()),
        "place_in_line": waitlist_position(booking=booking),
        "name_given": booking.name_given,
        "children": _names(booking.children.all()),
        "adults": booking.adults,
        "places": booking.places,
        "walk_in": booking.walk_in,
        "booked_at": _at(booking.created_at, branch),
        "waitlisted_at": _at(booking.waitlisted_at, branch),
        "confirmed_at": _at(booking.confirmed_at, branch),
        "cancelled_at": _at(booking.cancelled_at, branch),
        "rating": booking.rating,
        "rated_at": _at(booking.rated_at, branch),
    }


def _enrolment(enrolment: Enrolment) -> dict[str, Any]:
    series = enrolment.course.series
    branch = series.room.branch
    return {
        "id": enrolment.pk,
        "course": str(enrolment.course),
        "programme": series.programme.name,
        "branch": branch.name,
        "first_meeting": series.start_date,
        "last_meeting": series.end_date,
        "status": enrolment.status,
        "status_display": str(enrolment.get_status_display()),
        "children": _names(enrolment.children.all()),
        "referral": {
            "referred_by": enrolment.referrer_name,
            "profession": enrolment.referrer_role,
            "profession_display": str(enrolment.get_referrer_role_display()),
            "referrer_contact": enrolment.referrer_contact,
            "referred_through": str(enrolment.partnership) if enrolment.partnership else "",
            "languages_at_home": enrolment.languages,
            "wishes": enrolment.wishes,
        },
        "created_at": _at(enrolment.created_at, branch),
        "status_changed_at": _at(enrolment.status_changed_at, branch),
        "waitlisted_at": _at(enrolment.waitlisted_at, branch),
    }


def _request(entry: LogEntry) -> dict[str, Any]:
    extra = entry.additional_data or {}
    what = extra.get("event", "")
    return {
        "what": what,
        "what_display": str(AuditEvent(what).label) if what in AuditEvent.values else what,
        "by": extra.get("by", ""),
        "by_display": _("the family") if extra.get("by") == BY_FAMILY else _("the library"),
        "at": _at(entry.timestamp),
    }
