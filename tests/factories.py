"""One factory per model: each builds a valid row (checks and unique fields kept) on its own.

Related rows are made to fit: a shift's partnership runs the session's programme at its
branch, an assignment's volunteer belongs to that partner. Many-to-many fields take a list
(``ProgrammeFactory(goals=[...])``); booking and enrolment children default to one child of
the household.
"""

from datetime import UTC, date, datetime, time, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from attendance.models import Attendance, HeadCount
from bookings.models import Booking
from courses.models import Course, Enrolment
from households.models import Child, Household
from notifications.models import Outbox
from partners.models import ContactPerson, PartnerOrganisation, Partnership
from programmes.models import (
    Branch,
    BranchMembership,
    Programme,
    Room,
    Series,
    SeriesExclusion,
    Session,
    StaffProfile,
    StrategyTrack,
    SustainableDevelopmentGoal,
)
from reports.models import (
    FunderProject,
    ProjectTarget,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
)
from volunteers.models import (
    Assignment,
    Availability,
    Certificate,
    ExperienceMeeting,
    MeetingInvitation,
    Onboarding,
    Shift,
    ShiftPolicy,
    Subject,
    SwapRequest,
    Volunteer,
)

# Factory sessions fall in January 2030 onwards: after any clock a test sets, so bookable.
FIRST_SESSION = datetime(2030, 1, 7, 10, tzinfo=UTC)  # a Monday
# A baby every baby programme takes in early 2030 (six months old in January).
BABY_BORN = date(2029, 7, 1)
# Partnerships run from a day before every session and every clock the tests use.
PARTNERSHIP_START = date(2020, 1, 1)


def many(field: str) -> factory.PostGeneration:
    """A many-to-many field set from the list given, empty otherwise."""

    def add(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, field).set(extracted)

    return factory.PostGeneration(add)


def children_of_household() -> factory.PostGeneration:
    """The children given, or else one child of the household, as a booking has."""

    def add(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [ChildFactory(household=obj.household)]
        obj.children.set(extracted)

    return factory.PostGeneration(add)


class ModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        # Post-generation hooks save what they change themselves (M2M rows).
        skip_postgeneration_save = True


# -- people who sign in ------------------------------------------------------------------


class UserFactory(ModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user-{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("pw-for-tests")


# -- programmes --------------------------------------------------------------------------


class BranchFactory(ModelFactory):
    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"Branch {n}")
    slug = factory.Sequence(lambda n: f"branch-{n}")
    municipality = "Bærum"
    time_zone = "Europe/Oslo"
    country = "NO"
    # Its librarians' admin speaks the branch's language (programmes.staff_language), and
    # assertions read English; tests of the admin in Danish or Norwegian say so.
    language = "en"


class BranchMembershipFactory(ModelFactory):
    class Meta:
        model = BranchMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    branch = factory.SubFactory(BranchFactory)


class StaffProfileFactory(ModelFactory):
    """A member of staff who chose Norwegian for the admin."""

    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory, is_staff=True)
    language = "nb"


class RoomFactory(ModelFactory):
    class Meta:
        model = Room

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 30


class SustainableDevelopmentGoalFactory(ModelFactory):
    """The 17 goals are written by a migration: this finds the goal of the number."""

    class Meta:
        model = SustainableDevelopmentGoal
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n % 17 + 1)
    name = factory.LazyAttribute(lambda o: f"Goal {o.number}")


class StrategyTrackFactory(ModelFactory):
    class Meta:
        model = StrategyTrack

    name = factory.Sequence(lambda n: f"Strategy track {n}")
    goals = many("goals")


class ProgrammeFactory(ModelFactory):
    """A baby programme by default; ``drop_in=True`` a Lektiecafé for grades 8–10,
    ``course=True`` a club for families with children under seven."""

    class Meta:
        model = Programme

    class Params:
        drop_in = factory.Trait(
            booking_mode=Programme.BookingMode.DROP_IN,
            audience_basis=Programme.AudienceBasis.SCHOOL_GRADE,
            min_age_months=None,
            max_age_months=None,
            min_grade=8,
            max_grade=10,
        )
        course = factory.Trait(
            booking_mode=Programme.BookingMode.COURSE,
            capacity_unit=Programme.CapacityUnit.FAMILIES,
            min_age_months=0,
            max_age_months=83,
        )

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    kind = Programme.Kind.BABY
    min_age_months = 3
    max_age_months = 12
    default_capacity = 15
    goals = many("goals")
    next_programmes = many("next_programmes")


class SeriesFactory(ModelFactory):
    """Wednesdays 11–12 for four weeks from the first factory session's week."""

    class Meta:
        model = Series

    programme = factory.SubFactory(ProgrammeFactory)
    room = factory.SubFactory(RoomFactory)
    weekdays = factory.LazyFunction(lambda: [2])
    start_time = time(11)
    end_time = time(12)
    start_date = FIRST_SESSION.date()
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(weeks=4, days=-1))


class SeriesExclusionFactory(ModelFactory):
    class Meta:
        model = SeriesExclusion

    series = factory.SubFactory(SeriesFactory)
    start_date = factory.LazyAttribute(lambda o: o.series.start_date)
    end_date = factory.LazyAttribute(lambda o: o.start_date)
    reason = "The library is closed."


class SessionFactory(ModelFactory):
    class Meta:
        model = Session

    programme = factory.SubFactory(ProgrammeFactory)
    room = factory.SubFactory(RoomFactory)
    starts_at = factory.Sequence(lambda n: FIRST_SESSION + timedelta(days=n))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    capacity = 15


# -- messages ----------------------------------------------------------------------------


class OutboxFactory(ModelFactory):
    class Meta:
        model = Outbox

    key = factory.Sequence(lambda n: f"test:message:{n}")
    kind = "test"
    recipient = factory.Sequence(lambda n: f"recipient{n}@example.org")
    language = "en"
    subject = "A message"
    body_text = "Hello."


# -- partners ----------------------------------------------------------------------------


class PartnerOrganisationFactory(ModelFactory):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class ContactPersonFactory(ModelFactory):
    """Someone at a partner; ``organisation=None`` for the library's own contact, who then
    works at a branch."""

    class Meta:
        model = ContactPerson

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    branch = factory.Maybe(
        "organisation", yes_declaration=None, no_declaration=factory.SubFactory(BranchFactory)
    )
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    language = "en"  # assertions read English


class PartnershipFactory(ModelFactory):
    class Meta:
        model = Partnership

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    branch = factory.SubFactory(BranchFactory)
    starts_on = PARTNERSHIP_START
    coordinators = many("coordinators")


# -- households --------------------------------------------------------------------------


class HouseholdFactory(ModelFactory):
    class Meta:
        model = Household

    email = factory.Sequence(lambda n: f"family{n}@example.org")
    name = factory.LazyAttribute(lambda o: o.email.split("@")[0].title())
    language = "en"  # assertions read English
    privacy_accepted_at = datetime(2025, 1, 1, tzinfo=UTC)


class ChildFactory(ModelFactory):
    class Meta:
        model = Child

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Sequence(lambda n: f"Child {n}")
    birth_month = BABY_BORN


# -- bookings and courses ----------------------------------------------------------------


def _at_if(status: str):
    """The booking's own time for the status it has, else empty."""
    return factory.LazyAttribute(lambda o: o.created_at if o.status == status else None)


class BookingFactory(ModelFactory):
    """A booking row as written, without the service's rules or messages: booked three
    days before the session, confirmed with one child of the household."""

    class Meta:
        model = Booking

    session = factory.SubFactory(SessionFactory)
    household = factory.SubFactory(HouseholdFactory)
    places = 1
    status = Booking.Status.CONFIRMED
    created_at = factory.LazyAttribute(lambda o: o.session.starts_at - timedelta(days=3))
    confirmed_at = _at_if(Booking.Status.CONFIRMED)
    waitlisted_at = _at_if(Booking.Status.WAITLISTED)
    cancelled_at = _at_if(Booking.Status.CANCELLED)
    rating = None
    rated_at = factory.LazyAttribute(lambda o: o.session.ends_at if o.rating else None)
    children = children_of_household()


class CourseFactory(ModelFactory):
    class Meta:
        model = Course

    series = factory.SubFactory(SeriesFactory, programme__course=True)


class EnrolmentFactory(ModelFactory):
    class Meta:
        model = Enrolment

    course = factory.SubFactory(CourseFactory)
    household = factory.SubFactory(HouseholdFactory)
    status = Enrolment.Status.ENROLLED
    waitlisted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Enrolment.Status.WAITLISTED else None
    )
    offered_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Enrolment.Status.OFFERED else None
    )
    # Enrolled (or completed) a year ago unless told: on every meeting's list.
    enrolled_at = factory.LazyAttribute(
        lambda o: (
            timezone.now() - timedelta(days=365)
            if o.status in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED)
            else None
        )
    )
    children = children_of_household()


# -- attendance --------------------------------------------------------------------------


class AttendanceFactory(ModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    household = factory.SubFactory(HouseholdFactory)
    attended = True
    recorded_at = factory.LazyAttribute(lambda o: o.session.ends_at)


class HeadCountFactory(ModelFactory):
    class Meta:
        model = HeadCount

    session = factory.SubFactory(SessionFactory, programme__drop_in=True)
    grade = "8"
    first_visit = False
    count = 1


# -- volunteers --------------------------------------------------------------------------


class SubjectFactory(ModelFactory):
    class Meta:
        model = Subject
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Subject {n}")


class VolunteerFactory(ModelFactory):
    """An active volunteer (since 200 days ago); pass ``status`` for another."""

    class Meta:
        model = Volunteer

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    name = factory.Sequence(lambda n: f"Volunteer {n}")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    language = "en"  # assertions read English
    status = Volunteer.Status.ACTIVE
    joined_on = factory.LazyAttribute(
        lambda o: (
            timezone.localdate() - timedelta(days=200)
            if o.status == Volunteer.Status.ACTIVE
            else None
        )
    )
    subjects = many("subjects")


class AvailabilityFactory(ModelFactory):
    class Meta:
        model = Availability

    volunteer = factory.SubFactory(VolunteerFactory)
    weekday = 0
    starts_at = time(14)
    ends_at = time(19)


class CertificateFactory(ModelFactory):
    """A børneattest checked 30 days ago, valid for three years."""

    class Meta:
        model = Certificate

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = Certificate.Kind.BOERNEATTEST
    checked_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    valid_until = factory.LazyAttribute(lambda o: o.checked_on + timedelta(days=3 * 365))


class OnboardingFactory(ModelFactory):
    class Meta:
        model = Onboarding

    volunteer = factory.SubFactory(VolunteerFactory)
    partnership = factory.SubFactory(
        PartnershipFactory, organisation=factory.SelfAttribute("..volunteer.organisation")
    )


class ShiftFactory(ModelFactory):
    """A shift whose partnership runs the session's programme at the session's branch."""

    class Meta:
        model = Shift

    session = factory.SubFactory(SessionFactory, programme__drop_in=True)
    partnership = factory.SubFactory(
        PartnershipFactory,
        programme=factory.SelfAttribute("..session.programme"),
        branch=factory.SelfAttribute("..session.room.branch"),
    )
    wanted_subjects = many("wanted_subjects")


class AssignmentFactory(ModelFactory):
    class Meta:
        model = Assignment

    shift = factory.SubFactory(ShiftFactory)
    volunteer = factory.SubFactory(
        VolunteerFactory, organisation=factory.SelfAttribute("..shift.partnership.organisation")
    )


class ShiftPolicyFactory(ModelFactory):
    class Meta:
        model = ShiftPolicy

    partnership = factory.SubFactory(PartnershipFactory)
    volunteers_take_open_shifts = True


class SwapRequestFactory(ModelFactory):
    """A volunteer asks to give up their shift for another of the same partnership."""

    class Meta:
        model = SwapRequest

    assignment = factory.SubFactory(AssignmentFactory)
    to_shift = factory.SubFactory(
        ShiftFactory,
        partnership=factory.SelfAttribute("..assignment.shift.partnership"),
        session__programme=factory.SelfAttribute("...assignment.shift.session.programme"),
        session__room=factory.SelfAttribute("...assignment.shift.session.room"),
    )


class ExperienceMeetingFactory(ModelFactory):
    class Meta:
        model = ExperienceMeeting

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Experience meeting {n}")
    starts_at = factory.Sequence(lambda n: FIRST_SESSION + timedelta(days=n, hours=6))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))


class MeetingInvitationFactory(ModelFactory):
    """A volunteer of the partner invited; ``contact_guest=True`` invites a contact person
    of the partner instead (an invitation has exactly one guest)."""

    class Meta:
        model = MeetingInvitation

    class Params:
        contact_guest = factory.Trait(
            volunteer=None,
            contact=factory.SubFactory(
                ContactPersonFactory,
                organisation=factory.SelfAttribute("..meeting.partnership.organisation"),
            ),
        )

    meeting = factory.SubFactory(ExperienceMeetingFactory)
    volunteer = factory.SubFactory(
        VolunteerFactory, organisation=factory.SelfAttribute("..meeting.partnership.organisation")
    )
    contact = None


# -- reports -----------------------------------------------------------------------------


class QuestionnaireFactory(ModelFactory):
    """A programme's questionnaire: the one it has, or a new one (a programme has one)."""

    class Meta:
        model = Questionnaire
        django_get_or_create = ("programme",)

    programme = factory.SubFactory(ProgrammeFactory, course=True)
    title = "Trivsel og samspil"


class QuestionnaireItemFactory(ModelFactory):
    class Meta:
        model = QuestionnaireItem

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    text = factory.Sequence(lambda n: f"Statement {n}")
    position = factory.Sequence(lambda n: n)


class QuestionnaireResponseFactory(ModelFactory):
    class Meta:
        model = QuestionnaireResponse

    enrolment = factory.SubFactory(EnrolmentFactory)
    moment = QuestionnaireResponse.Moment.BEFORE
    answered_on = factory.LazyAttribute(lambda o: o.enrolment.course.series.start_date)


class QuestionnaireAnswerFactory(ModelFactory):
    """An answer to an item of the questionnaire of the response's programme."""

    class Meta:
        model = QuestionnaireAnswer

    response = factory.SubFactory(QuestionnaireResponseFactory)
    item = factory.SubFactory(
        QuestionnaireItemFactory,
        questionnaire=factory.SubFactory(
            QuestionnaireFactory,
            programme=factory.SelfAttribute("...response.enrolment.course.series.programme"),
        ),
    )
    value = 4


class FunderProjectFactory(ModelFactory):
    class Meta:
        model = FunderProject

    name = factory.Sequence(lambda n: f"Project {n}")
    funder = "Nordea-fonden"
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)
    programmes = many("programmes")
    branches = many("branches")


class ProjectTargetFactory(ModelFactory):
    class Meta:
        model = ProjectTarget

    project = factory.SubFactory(FunderProjectFactory)
    measure = ProjectTarget.Measure.HOUSEHOLDS
    target = 100
