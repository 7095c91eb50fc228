"""Every model has a factory, and every factory builds rows the model's own rules accept.

A factory that breaks (a new required field, a new constraint) fails here, by name,
rather than somewhere in a test that happens to use it.
"""

import factory
import pytest
from django.apps import apps

from bookings.models import Booking
from courses.models import Enrolment
from tests import factories
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

PROJECT_APPS = [
    "common",
    "notifications",
    "programmes",
    "partners",
    "households",
    "bookings",
    "courses",
    "attendance",
    "volunteers",
    "operations",
    "reports",
    "demo",
]

FACTORIES = {
    value._meta.model: value
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, factory.django.DjangoModelFactory)
    and not value._meta.abstract
}

# The traits and choices that lead a factory down another path.
VARIANTS = [
    (factories.ProgrammeFactory, {"drop_in": True}),
    (factories.ProgrammeFactory, {"course": True}),
    (factories.ContactPersonFactory, {"organisation": None}),
    (factories.BookingFactory, {"status": Booking.Status.WAITLISTED}),
    (factories.BookingFactory, {"status": Booking.Status.CANCELLED, "rating": 5}),
    (factories.BookingFactory, {"children": []}),
    (factories.EnrolmentFactory, {"status": Enrolment.Status.WAITLISTED}),
    (factories.VolunteerFactory, {"status": Volunteer.Status.APPLICANT}),
    (factories.MeetingInvitationFactory, {"contact_guest": True}),
]


def project_models():
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def test_every_model_of_the_project_has_a_factory():
    missing = [model._meta.label for model in project_models() if model not in FACTORIES]

    assert missing == []


@pytest.mark.parametrize("made_by", FACTORIES.values(), ids=lambda f: f.__name__)
def test_a_factory_builds_rows_the_model_accepts_and_a_second_beside_the_first(made_by):
    first, second = made_by(), made_by()

    for row in (first, second):
        row.full_clean()
    if made_by is not factories.SustainableDevelopmentGoalFactory:  # 17 goals, found
        assert first.pk != second.pk


@pytest.mark.parametrize(
    ("made_by", "options"),
    VARIANTS,
    ids=[f"{f.__name__}-{'-'.join(f'{k}={v}' for k, v in o.items())}" for f, o in VARIANTS],
)
def test_a_factory_variant_builds_a_row_the_model_accepts(made_by, options):
    made_by(**options).full_clean()


def test_related_rows_fit_together():
    shift = factories.ShiftFactory()
    assignment = factories.AssignmentFactory(shift=shift)
    answer = factories.QuestionnaireAnswerFactory()
    booking = factories.BookingFactory()
    invitation = factories.MeetingInvitationFactory(contact_guest=True)

    assert shift.partnership.programme == shift.session.programme
    assert shift.partnership.branch == shift.session.room.branch
    assert assignment.volunteer.organisation == shift.partnership.organisation
    programme = answer.response.enrolment.course.series.programme
    assert answer.item.questionnaire.programme == programme
    assert [child.household for child in booking.children.all()] == [booking.household]
    assert invitation.volunteer is None
    assert invitation.contact.organisation == invitation.meeting.partnership.organisation
