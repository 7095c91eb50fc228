"""The demo's partners and volunteers: loaded twice changes nothing, and a coordinator finds
work to do in the coming week."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from notifications.models import Outbox
from partners.models import ContactPerson, Partnership
from partners.selectors import coordinator_of, partnerships_for_user
from volunteers.models import (
    Assignment,
    Availability,
    Certificate,
    ExperienceMeeting,
    MeetingInvitation,
    Onboarding,
    Shift,
    Subject,
    Volunteer,
)
from volunteers.services import ASKED_OR_CONFIRMED

pytestmark = pytest.mark.django_db

MODELS = (
    ContactPerson,
    Subject,
    Volunteer,
    Availability,
    Certificate,
    Onboarding,
    Shift,
    Assignment,
    ExperienceMeeting,
    MeetingInvitation,
    Outbox,
)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_loading_the_demo_again_changes_nothing():
    call_command("load_demo", stdout=None)
    first = counts()
    statuses = dict(Assignment.objects.values_list("pk", "status"))

    call_command("load_demo", stdout=None)

    assert counts() == first
    assert dict(Assignment.objects.values_list("pk", "status")) == statuses


def test_red_barnet_ungdom_staffs_the_lektiecafe_with_student_volunteers():
    call_command("load_demo", stdout=None)

    lektiecafe = Partnership.objects.get(programme__slug="lektiecafe")
    students = Volunteer.objects.filter(organisation=lektiecafe.organisation)
    assert students.count() == 15
    assert Onboarding.objects.filter(partnership=lektiecafe).count() == 15
    assert lektiecafe.library_contact.name == "Mette Kjærgaard"
    statuses = set(students.values_list("status", flat=True))
    assert statuses == {"active", "onboarding", "paused", "left"}

    today = timezone.localdate()
    standing = [max((c.valid_until for c in v.certificates.all()), default=None) for v in students]
    assert sum(d is not None and d < today for d in standing) == 1  # expired
    assert sum(d is not None and today <= d <= today + timedelta(days=60) for d in standing) == 2

    held = Shift.objects.filter(partnership=lektiecafe, session__starts_at__lt=timezone.now())
    assert Assignment.objects.filter(shift__in=held, status="done").exists()
    assert Assignment.objects.filter(shift__in=held, status="no_show").exists()


def test_the_coordinator_signs_in_and_finds_unfilled_shifts_this_coming_week():
    call_command("load_demo", stdout=None)

    user = authenticate(
        RequestFactory().post("/accounts/login/"), username="koordinator", password="familieliv"
    )

    assert user is not None
    assert not user.is_staff
    assert coordinator_of(user=user).organisation.name == "Red Barnet Ungdom"
    [partnership] = partnerships_for_user(user=user)
    now = timezone.now()
    week = Shift.objects.filter(
        partnership=partnership,
        session__starts_at__gt=now,
        session__starts_at__lt=now + timedelta(days=7),
    )
    filled = [s.assignments.filter(status__in=ASKED_OR_CONFIRMED).count() for s in week]
    assert len(filled) == 3
    assert sorted(filled) == [0, 2, 3]


def test_red_barnet_staffs_the_smaabornsklub_and_has_its_own_coordinator():
    call_command("load_demo", stdout=None)

    user = authenticate(
        RequestFactory().post("/accounts/login/"), username="redbarnet", password="familieliv"
    )
    [club] = partnerships_for_user(user=user)

    assert club.programme.slug == "smaabornsklub"
    assert Volunteer.objects.filter(organisation=club.organisation).count() == 5
    assert Shift.objects.filter(partnership=club, assignments__status="confirmed").exists()


def test_the_experience_meeting_has_its_invitations_out():
    call_command("load_demo", stdout=None)

    meeting = ExperienceMeeting.objects.get()

    # Active and newly welcomed students, the coordinator and the library's contact.
    assert meeting.invitations.filter(volunteer__isnull=False).count() == 13
    assert meeting.invitations.filter(contact__isnull=False).count() == 2
    assert meeting.invitations.filter(response="yes").count() == 5
    assert Outbox.objects.filter(kind="meeting_invitation").count() == 15


def test_every_branch_has_a_named_library_contact():
    call_command("load_demo", stdout=None)

    assert ContactPerson.objects.filter(organisation=None).count() == 4


def test_the_demo_shows_shifts_planned_past_a_certificate_flagged():
    call_command("load_demo", stdout=None)

    flagged = Assignment.objects.lacking_certificate().filter(
        shift__session__starts_at__gt=timezone.now()
    )
    names = set(flagged.values_list("volunteer__name", flat=True))
    # Noah's ended last month, Ida's ends within the renewal window.
    assert names == {"Noah Friis-Hansen", "Ida Kjeldsen"}
    noah = Volunteer.objects.get(name="Noah Friis-Hansen")
    assert noah.status == "active"
    assert max(c.valid_until for c in noah.certificates.all()) < timezone.localdate()
