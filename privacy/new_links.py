"""“Send me a new link”: whoever types an address gets the same answer; the address, if we
know it, gets its links anew and every older one stops working.

A household gets the link to its page and to the course pages it has; a volunteer the
pages of their coming shifts and meetings. An address may be both (or several
volunteers' rows, one per organisation): each gets its own message. Not again within
NEW_LINK_PAUSE: the message on its way will do, and typing an address again and again
does not fill its mailbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max

from bookings.models import Booking
from common.links import links_renew
from courses.links import enrolment_url
from courses.models import Enrolment, EnrolmentStatus
from households.links import manage_url
from households.models import Household
from households.services import normalise_email
from notifications.models import Outbox
from notifications.services import Message, notify
from volunteers.links import meeting_url, shift_url
from volunteers.models import Assignment, MeetingInvitation, Volunteer

NEW_LINK_PAUSE = timedelta(minutes=15)
HOUSEHOLD_KIND = "new_link"
VOLUNTEER_KIND = "volunteer_new_link"
# Courses a family still has a page for: asked, waiting, offered or on it.
OPEN_ENROLMENT = [
    EnrolmentStatus.REFERRED,
    EnrolmentStatus.WAITLISTED,
    EnrolmentStatus.OFFERED,
    EnrolmentStatus.ENROLLED,
]


def new_links_send(*, email: str, now: datetime) -> int:
    """Renew the links of everyone known by ``email`` and e-mail them; how many messages
    were written (0 for an unknown address, or one asked for a moment ago)."""
    email = normalise_email(email)
    written = 0
    with transaction.atomic():
        household = Household.objects.filter(email=email, anonymised_at__isnull=True).first()
        if household is not None and _renew(
            household, reference=f"household:{household.pk}", kind=HOUSEHOLD_KIND, now=now
        ):
            notify(household_new_link_message(household=household, now=now))
            written += 1
        volunteers = Volunteer.objects.filter(email__iexact=email, anonymised_at__isnull=True)
        for volunteer in volunteers.order_by("pk"):
            if _renew(
                volunteer, reference=f"volunteer:{volunteer.pk}", kind=VOLUNTEER_KIND, now=now
            ):
                notify(volunteer_new_link_message(volunteer=volunteer, now=now))
                written += 1
    return written


def _renew(person: Household | Volunteer, *, reference: str, kind: str, now: datetime) -> bool:
    recent = Outbox.objects.filter(
        kind=kind, reference=reference, created_at__gt=now - NEW_LINK_PAUSE
    ).exists()
    if recent:
        return False
    seen = person.link_version
    if not links_renew(type(person)._default_manager.filter(pk=person.pk), seen=seen):
        return False
    person.link_version = seen + 1
    return True


def household_new_link_message(*, household: Household, now: datetime) -> Message:
    enrolments = (
        Enrolment.objects.filter(
            household=household,
            status__in=OPEN_ENROLMENT,
            course__series__end_date__gte=now.date(),
        )
        .select_related("household", "course__series__programme", "course__series__room__branch")
        .order_by("course__series__start_date", "pk")
    )
    return Message(
        key=f"{HOUSEHOLD_KIND}:household:{household.pk}:v{household.link_version}",
        kind=HOUSEHOLD_KIND,
        recipient=household.email,
        language=household.language,
        reference=f"household:{household.pk}",
        context={
            "household": household,
            # Works until some months after the household's last booked session.
            "manage_url": manage_url(
                household=household,
                after=Booking.objects.filter(household=household).aggregate(
                    last=Max("session__ends_at")
                )["last"],
            ),
            "courses": [
                {
                    "enrolment": e,
                    "programme": e.course.series.programme,
                    "url": enrolment_url(enrolment=e),
                }
                for e in enrolments
            ],
        },
    )


def volunteer_new_link_message(*, volunteer: Volunteer, now: datetime) -> Message:
    assignments = (
        Assignment.objects.filter(
            volunteer=volunteer,
            status__in=[Assignment.Status.PROPOSED, Assignment.Status.CONFIRMED],
            shift__session__ends_at__gt=now,
        )
        .select_related("volunteer", "shift__session__programme", "shift__session__room__branch")
        .order_by("shift__session__starts_at", "pk")
    )
    invitations = (
        MeetingInvitation.objects.filter(volunteer=volunteer, meeting__ends_at__gt=now)
        .select_related("volunteer", "meeting__partnership__branch")
        .order_by("meeting__starts_at", "pk")
    )
    return Message(
        key=f"{VOLUNTEER_KIND}:volunteer:{volunteer.pk}:v{volunteer.link_version}",
        kind=VOLUNTEER_KIND,
        recipient=volunteer.email,
        language=volunteer.language,
        reference=f"volunteer:{volunteer.pk}",
        context={
            "volunteer": volunteer,
            "shifts": [
                {
                    "assignment": a,
                    "session": a.shift.session,
                    "programme": a.shift.session.programme,
                    "branch": a.shift.session.room.branch,
                    "url": shift_url(assignment=a),
                }
                for a in assignments
            ],
            "meetings": [
                {
                    "meeting": i.meeting,
                    "branch": i.meeting.partnership.branch,
                    "url": meeting_url(invitation=i),
                }
                for i in invitations
            ],
        },
    )
