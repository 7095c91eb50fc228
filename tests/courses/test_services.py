"""Courses: every status change of an enrolment, the message it sends, capacity and waitlist,
completion, and the partnership's referral link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from attendance.models import Attendance
from attendance.services import attendance_record
from courses.models import Enrolment
from courses.outreach import plan_course_messages
from courses.services import (
    EnrolmentError,
    course_complete,
    course_fill_places,
    enrolment_accept,
    enrolment_decline,
    enrolment_offer,
    enrolment_withdraw,
)
from households.services import ChildInput
from notifications.sending import outbox_send_due
from partners.referral_links import partnership_from_referral_token, referral_url
from partners.services import referral_link_close, referral_link_renew
from tests.courses.support import TODDLER, make_course, make_partnership, months_ago, refer
from tests.factories import HouseholdFactory, ProgrammeFactory, RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db

Status = Enrolment.Status


def sent_to(email: str) -> list:
    outbox_send_due()
    return [m for m in mail.outbox if m.to == [email]]


def statuses(*enrolments) -> list[str]:
    return [Enrolment.objects.get(pk=e.pk).status for e in enrolments]


def test_a_referral_joins_the_queue_with_the_whole_family_and_the_parent_is_told():
    course = make_course()
    sibling = ChildInput(first_name="Yusuf", birth_month=months_ago(100))  # 8 years: too old
    enrolment = refer(course, children=[TODDLER, sibling], partnership=make_partnership(course))

    assert enrolment.status == Status.REFERRED
    assert sorted(c.first_name for c in enrolment.children.all()) == ["Amina", "Yusuf"]
    assert enrolment.referrer_name == "Lene Holm"
    (told,) = sent_to("fatima@example.com")
    assert "You have been referred to Småbørnsklub" in told.subject
    assert "/course/" in told.body


def test_a_family_with_no_child_in_the_age_group_is_refused_with_the_reason():
    course = make_course()
    too_old = ChildInput(first_name="Yusuf", birth_month=months_ago(100))
    with pytest.raises(EnrolmentError, match="No child in the family is in this course's age"):
        refer(course, children=[too_old])
    assert not Enrolment.objects.exists()


def test_a_family_referred_twice_is_in_the_queue_once_and_told_once(mailoutbox):
    """Whoever refers a known family is answered as for a new one (security test hole 4:
    "already referred" told them the address was known); nothing is written twice."""
    course = make_course()
    first = refer(course)
    outbox_send_due()
    told = len(mailoutbox)

    again = refer(course, "Fatima@Example.com ")
    outbox_send_due()

    assert again == first
    assert Enrolment.objects.count() == 1
    assert len(mailoutbox) == told


def test_a_referral_of_a_known_family_adds_no_children_to_its_household():
    known = HouseholdFactory(email="fatima@example.com", name="Fatima Ali")

    enrolment = refer(make_course())

    known.refresh_from_db()
    assert known.name == "Fatima Ali"
    assert not known.children.exists()  # Amina is the referral's party, not the household's
    (amina,) = enrolment.children.all()
    assert (amina.first_name, amina.household) == ("Amina", None)


def test_a_course_that_has_ended_takes_no_referrals():
    course = make_course(weeks_before=12, weeks_after=-1)
    with pytest.raises(EnrolmentError, match="This course has ended"):
        refer(course)


def test_offer_holds_a_place_and_sends_accept_and_decline_links():
    course = make_course()
    enrolment = enrolment_offer(enrolment_id=refer(course).pk)
    assert enrolment.status == Status.OFFERED
    offered = sent_to("fatima@example.com")[-1]
    assert "A place for your family at Småbørnsklub" in offered.subject
    assert "Accept or decline on this page" in offered.body


def test_a_full_course_puts_families_on_its_waitlist_in_order_and_never_over_capacity():
    course = make_course(capacity=2)
    families = [refer(course, f"family{n}@example.com") for n in range(4)]
    for family in families:
        enrolment_offer(enrolment_id=family.pk)

    assert statuses(*families) == ["offered", "offered", "waitlisted", "waitlisted"]
    (_, waiting) = sent_to("family3@example.com")
    assert "You are on the waitlist" in waiting.subject
    assert "You are number 2 in line" in waiting.body
    with pytest.raises(EnrolmentError, match="keeps its place on the waitlist"):
        enrolment_offer(enrolment_id=families[2].pk)


def test_accepting_enrols_the_family_with_the_meetings_in_a_calendar_file():
    course = make_course()
    enrolment = enrolment_offer(enrolment_id=refer(course).pk)
    enrolment_accept(enrolment_id=enrolment.pk)
    enrolment_accept(enrolment_id=enrolment.pk)  # a second tap changes nothing

    assert statuses(enrolment) == ["enrolled"]
    welcomes = [m for m in sent_to("fatima@example.com") if "Welcome to" in m.subject]
    assert len(welcomes) == 1
    ((name, ics, mimetype),) = welcomes[0].attachments
    assert mimetype == "text/calendar; method=REQUEST"
    coming = course.series.sessions.filter(ends_at__gte=timezone.now()).count()
    assert ics.count("BEGIN:VEVENT") == coming > 0


def test_an_offer_that_was_declined_cannot_be_accepted_later():
    course = make_course()
    enrolment = enrolment_offer(enrolment_id=refer(course).pk)
    enrolment_decline(enrolment_id=enrolment.pk)
    with pytest.raises(EnrolmentError, match="no longer open"):
        enrolment_accept(enrolment_id=enrolment.pk)
    assert "You have said no to" in sent_to("fatima@example.com")[-1].subject


def test_a_declined_offer_goes_to_the_family_that_waited_longest():
    course = make_course(capacity=1)
    first, second, third = (refer(course, f"f{n}@example.com") for n in range(3))
    for family in (first, second, third):
        enrolment_offer(enrolment_id=family.pk)

    enrolment_decline(enrolment_id=first.pk)

    assert statuses(first, second, third) == ["declined", "offered", "waitlisted"]
    assert "A place for your family" in sent_to("f1@example.com")[-1].subject
    assert len(sent_to("f2@example.com")) == 2  # referred, waitlisted: nothing new while waiting


def test_withdrawing_an_enrolled_family_frees_its_place_for_the_next():
    course = make_course(capacity=1)
    enrolled, waiting = refer(course, "a@example.com"), refer(course, "b@example.com")
    enrolment_offer(enrolment_id=enrolled.pk)
    enrolment_accept(enrolment_id=enrolled.pk)
    enrolment_offer(enrolment_id=waiting.pk)

    enrolment_withdraw(enrolment_id=enrolled.pk)

    assert statuses(enrolled, waiting) == ["withdrawn", "offered"]
    assert "You are no longer on Småbørnsklub" in sent_to("a@example.com")[-1].subject
    with pytest.raises(EnrolmentError, match="can no longer be changed"):
        enrolment_decline(enrolment_id=enrolled.pk)


def test_raising_the_capacity_offers_the_new_places_to_those_waiting():
    course = make_course(capacity=1)
    families = [refer(course, f"f{n}@example.com") for n in range(3)]
    for family in families:
        enrolment_offer(enrolment_id=family.pk)
    course.capacity = 2
    course.save()

    offered = course_fill_places(course_id=course.pk)

    assert [e.pk for e in offered] == [families[1].pk]
    assert statuses(*families) == ["offered", "offered", "waitlisted"]


def _enrol(course, email, came: int):
    """An enrolled family that came to the first ``came`` meetings held."""
    enrolment = refer(course, email)
    held = course.series.sessions.order_by("starts_at")
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Status.ENROLLED, enrolled_at=held.first().starts_at - timedelta(days=1)
    )
    for n, meeting in enumerate(held):
        attendance_record(session=meeting, household=enrolment.household, attended=n < came)
    return enrolment


def test_completion_needs_the_courses_share_of_the_meetings_held():
    course = make_course(capacity=5, weeks_before=3, weeks_after=0)  # 4 meetings, the last today
    course.completion_percent = 50
    course.save()
    often, seldom = _enrol(course, "often@example.com", 2), _enrol(course, "seldom@example.com", 1)
    after_the_last = course.series.sessions.order_by("starts_at").last().ends_at

    with pytest.raises(EnrolmentError, match="meetings still to come"):
        course_complete(course_id=course.pk, now=after_the_last - timedelta(minutes=1))
    assert course_complete(course_id=course.pk, now=after_the_last) == 1
    assert statuses(often, seldom) == ["completed", "enrolled"]


def legeloerdag_at(branch, start):
    """An activity at the branch for children up to six, not on Småbørnsklub's path."""
    return SessionFactory(
        programme=ProgrammeFactory(name="Legelørdag", min_age_months=0, max_age_months=72),
        room=RoomFactory(branch=branch),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


def test_after_the_last_meeting_the_planner_marks_completion_and_sends_the_bridge():
    course = make_course(capacity=5, weeks_before=3, weeks_after=0)
    family = _enrol(course, "often@example.com", 4)
    after_the_last = course.series.sessions.order_by("starts_at").last().ends_at
    # Småbørnsklub has no next step on the family path: the branch's own activities for the
    # children's ages are offered instead.
    legeloerdag_at(course.series.room.branch, after_the_last + timedelta(days=5))

    counts = plan_course_messages(now=after_the_last + timedelta(hours=1))

    assert counts["course_completions"] == 1
    assert counts["course_ends"] == 1
    assert statuses(family) == ["completed"]
    assert Attendance.objects.filter(household=family.household, attended=True).count() == 4
    (bridge,) = [m for m in sent_to("often@example.com") if "what comes next" in m.subject]
    assert "Legelørdag" in bridge.body
    assert "you said yes to them when you were referred" in bridge.body
    assert "when you booked" not in bridge.body


def test_with_nothing_to_offer_yet_the_bridge_waits_for_a_later_run():
    course = make_course(capacity=5, weeks_before=3, weeks_after=0)
    _enrol(course, "often@example.com", 4)
    after_the_last = course.series.sessions.order_by("starts_at").last().ends_at

    assert plan_course_messages(now=after_the_last + timedelta(hours=1))["course_ends"] == 0

    legeloerdag_at(course.series.room.branch, after_the_last + timedelta(days=9))
    assert plan_course_messages(now=after_the_last + timedelta(days=2))["course_ends"] == 1


def test_a_family_that_joins_late_is_measured_against_the_meetings_since():
    course = make_course(capacity=5, weeks_before=3, weeks_after=0)  # 4 meetings
    course.completion_percent = 100
    course.save()
    meetings = list(course.series.sessions.order_by("starts_at"))
    late = refer(course, "late@example.com")
    Enrolment.objects.filter(pk=late.pk).update(
        status=Status.ENROLLED, enrolled_at=meetings[2].starts_at - timedelta(days=1)
    )
    for meeting in meetings[2:]:
        attendance_record(session=meeting, household=late.household, attended=True)

    assert course_complete(course_id=course.pk, now=meetings[-1].ends_at) == 1
    assert statuses(late) == ["completed"]


def test_an_offer_not_answered_in_time_expires_and_the_place_moves_on():
    course = make_course(capacity=1)
    course.offer_days = 7
    course.save()
    first, second = refer(course, "first@example.com"), refer(course, "second@example.com")
    offered_at = timezone.now()
    enrolment_offer(enrolment_id=first.pk, now=offered_at)
    enrolment_offer(enrolment_id=second.pk, now=offered_at)  # full: the waitlist
    assert statuses(first, second) == ["offered", "waitlisted"]
    told = sent_to("first@example.com")[-1]
    assert "Please answer by" in told.body

    six_days = plan_course_messages(now=offered_at + timedelta(days=6, hours=23))
    assert six_days["course_offers_expired"] == 0
    assert statuses(first, second) == ["offered", "waitlisted"]

    seven_days = plan_course_messages(now=offered_at + timedelta(days=7))
    assert seven_days["course_offers_expired"] == 1
    assert statuses(first, second) == ["expired", "offered"]
    assert "has expired" in sent_to("first@example.com")[-1].subject
    assert "A place for your family" in sent_to("second@example.com")[-1].subject

    again = plan_course_messages(now=offered_at + timedelta(days=8))
    assert again["course_offers_expired"] == 0  # told once
    with pytest.raises(EnrolmentError, match="no longer open"):
        enrolment_accept(enrolment_id=first.pk)


def test_the_referral_link_is_signed_and_can_be_revoked():
    course = make_course()
    partnership = make_partnership(course)
    token = referral_url(partnership=partnership).rstrip("/").rsplit("/", 1)[1]
    assert partnership_from_referral_token(token) == partnership
    assert partnership_from_referral_token(token[:-2] + "xx") is None

    referral_link_renew(partnership=partnership)
    assert partnership_from_referral_token(token) is None
    new_token = referral_url(partnership=partnership).rstrip("/").rsplit("/", 1)[1]
    assert partnership_from_referral_token(new_token) == partnership

    referral_link_close(partnership=partnership)
    assert referral_url(partnership=partnership) == ""
    assert partnership_from_referral_token(new_token) is None


def test_the_referral_link_stops_when_the_partnership_ends():
    course = make_course()
    partnership = make_partnership(course)
    token = referral_url(partnership=partnership).rstrip("/").rsplit("/", 1)[1]
    partnership.ends_on = timezone.localdate() - timedelta(days=1)
    partnership.save()
    assert partnership_from_referral_token(token) is None


def test_a_referral_through_another_partnerships_link_is_refused():
    course, other = make_course(), make_course()
    with pytest.raises(EnrolmentError, match="not run through this referral link"):
        refer(course, partnership=make_partnership(other))
