from __future__ import annotations

from django.utils import timezone

from courses.calendar import course_calendar_attachment
from courses.links import enrolment_url
from courses.models import Enrolment
from courses.selectors import course_meetings, enrolment_waitlist_position
from households.messages import household_context, household_invitation
from notifications.models import Outbox
from notifications.planning import OutboxKey
from notifications.services import Attachment, Message, notify

# The key of the end-of-course invitation, for its writer and its planner (courses.outreach).
COURSE_END_KEY = OutboxKey("course_end:enrolment:")


def course_end_message(*, enrolment: Enrolment, offers) -> Message:
    """A course has ended: thanks, and what the family can join next (bridging)."""
    series = enrolment.course.series
    return household_invitation(
        household=enrolment.household,
        key=COURSE_END_KEY.for_row(enrolment.pk),
        kind="course_end_invitation",
        reference=f"enrolment:{enrolment.pk}",
        course=enrolment.course,
        programme=series.programme,
        branch=series.room.branch,
        offers=offers,
        # Families come to a course through a referral, not a booking: the footer says so.
        referred=True,
    )


def enrolment_key(*, kind: str, enrolment: Enrolment) -> str:
    return f"{kind}:enrolment:{enrolment.pk}"


def welcome_sent(enrolment: Enrolment) -> bool:
    """Whether the family was sent its welcome, with the meetings in a calendar file."""
    return Outbox.objects.filter(
        key=enrolment_key(kind="course_enrolled", enrolment=enrolment)
    ).exists()


def enrolment_message(*, enrolment: Enrolment, kind: str) -> Message:
    """What a family is told when its place on a course changes, one message per change.

    Each carries the family's course page (accept, decline, leave); the enrolment's welcome
    carries the coming meetings as a calendar file too.
    """
    household = enrolment.household
    course = enrolment.course
    link = enrolment_url(enrolment=enrolment)
    meetings = course_meetings(course=course)
    context = {
        **household_context(household),
        "enrolment": enrolment,
        "course": course,
        "programme": course.series.programme,
        "branch": course.series.room.branch,
        "enrolment_url": link,
        "meetings": meetings,
    }
    if kind == "course_waitlisted":
        context["position"] = enrolment_waitlist_position(enrolment=enrolment)
    attachments: tuple[Attachment, ...] = ()
    welcome = kind == "course_enrolled"
    # A family leaving the course has its coming meetings taken out of its calendar, if
    # the welcome put them there.
    leaving = kind == "course_withdrawn" and welcome_sent(enrolment)
    if (welcome or leaving) and meetings:
        attachments = (
            course_calendar_attachment(
                enrolment=enrolment, meetings=meetings, link=link, stamp=timezone.now()
            ),
        )
    context["calendar"] = bool(attachments)
    return Message(
        key=enrolment_key(kind=kind, enrolment=enrolment),
        kind=kind,
        recipient=household.email,
        language=household.language,
        reference=f"enrolment:{enrolment.pk}",
        context=context,
        attachments=attachments,
    )


def notify_enrolment(*, enrolment: Enrolment, kind: str) -> None:
    notify(enrolment_message(enrolment=enrolment, kind=kind))
