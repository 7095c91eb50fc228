"""The scheduled purge: it anonymises exactly what has passed its retention period (24
months for households and volunteers, 90 days for a message's text), nothing else, nothing
twice, and every figure of an old period stays as it was.

"Now" is 15 June 2032, 12:00 in Copenhagen: a household last seen 25 months ago goes, one
seen 23 months ago stays."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from bookings.models import Booking
from courses.models import Enrolment
from households.models import Child, Household
from notifications.models import Outbox
from privacy.retention import (
    household_anonymise,
    purge_personal_data,
    volunteer_anonymise,
)
from programmes.models import Session, StrategyTrack
from programmes.models import SustainableDevelopmentGoal as Goal
from reports.funding import project_reach
from reports.models import ProjectTarget
from reports.selectors import impact_report, report_scope
from tests.bookings.support import book
from tests.factories import (
    AssignmentFactory,
    AvailabilityFactory,
    BranchFactory,
    CertificateFactory,
    ChildFactory,
    FunderProjectFactory,
    HeadCountFactory,
    OutboxFactory,
    ProgrammeFactory,
    ProjectTargetFactory,
    RoomFactory,
    ShiftFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers.models import Assignment, Availability, Certificate, Volunteer

from .support import at, came, course, enrol, household, sent_message, session, snapshot

pytestmark = pytest.mark.django_db

NOW = datetime(2032, 6, 15, 10, tzinfo=UTC)  # 12:00 in Copenhagen
LONG_AGO = at(date(2029, 1, 10))
MONTHS_25_AGO = date(2030, 5, 14)
MONTHS_23_AGO = date(2030, 7, 16)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def room():
    return RoomFactory(branch=BranchFactory(time_zone="Europe/Copenhagen"))


@pytest.fixture
def babydans():
    return ProgrammeFactory(name="Babydans", min_age_months=0, max_age_months=24)


def test_the_purge_anonymises_exactly_what_has_passed_its_period(room, babydans):
    # Households: two whose time is up, five that stay.
    gone = household(LONG_AGO, name="Maja Jensen", phone="+45 20 30 40 50")
    Household.objects.filter(pk=gone.pk).update(consents_to_followups=True)
    old_session = session(babydans, room, MONTHS_25_AGO)
    ella = ChildFactory(household=gone, first_name="Ella", birth_month=date(2029, 9, 1))
    twin = ChildFactory(household=gone, first_name="Bo", birth_month=date(2029, 9, 1))
    booking = book(old_session, gone, children=[ella, twin], direct=True, rating=5)
    # A child typed for this booking alone (not the household's own), and the name typed.
    typed = ChildFactory(household=None, first_name="Sofus", birth_month=date(2029, 9, 1))
    booking.children.add(typed)
    Booking.objects.filter(pk=booking.pk).update(name_given="Maja J.")
    came(old_session, gone)

    seen_23_months_ago = household(LONG_AGO)
    book(session(babydans, room, MONTHS_23_AGO), seen_23_months_ago, direct=True)

    coming_back = household(LONG_AGO)
    book(session(babydans, room, date(2029, 6, 5)), coming_back, direct=True)
    book(
        session(babydans, room, date(2032, 7, 1)), coming_back, direct=True, at=at(date(2029, 6, 1))
    )

    first_seen_last_year = household(at(date(2031, 6, 1)))

    club = ProgrammeFactory(name="Småbørnsklub", course=True)
    old_course = course(club, room, [date(2030, 1, 8), date(2030, 1, 15), date(2030, 1, 22)])
    referred = household(LONG_AGO, name="Amal Hassan")
    referral = enrol(
        old_course,
        referred,
        at(date(2029, 12, 1)),
        referrer_name="Lene Holm",
        referrer_role=Enrolment.ReferrerRole.HEALTH_VISITOR,
        referrer_contact="lene@sundhed.example",
        languages="arabisk, dansk",
        wishes="Mere sang",
    )
    later_course = course(club, room, [date(2030, 8, 6), date(2030, 8, 13)])
    in_a_later_course = household(LONG_AGO)
    enrol(later_course, in_a_later_course, at(date(2029, 12, 1)))

    lektiecafe = ProgrammeFactory(name="Lektiecafé", drop_in=True)
    visited = household(LONG_AGO)
    came(session(lektiecafe, room, date(2030, 8, 20)), visited)

    # Volunteers: one who left 25 months ago, one 23 months ago, one still active.
    left_long_ago = VolunteerFactory(
        name="Karim Volunteer",
        phone="+45 11 22 33 44",
        languages="arabisk",
        status=Volunteer.Status.LEFT,
        joined_on=date(2028, 1, 1),
        left_on=MONTHS_25_AGO,
    )
    checker = UserFactory()
    certificate = CertificateFactory(
        volunteer=left_long_ago,
        checked_on=date(2028, 1, 2),
        valid_until=date(2031, 1, 2),
        checked_by=checker,
        notes="Nothing recorded.",
    )
    AvailabilityFactory(volunteer=left_long_ago)
    assignment = AssignmentFactory(
        volunteer=left_long_ago,
        shift__partnership__organisation=left_long_ago.organisation,
        status=Assignment.Status.DONE,
    )
    left_recently = VolunteerFactory(
        status=Volunteer.Status.LEFT, joined_on=date(2028, 1, 1), left_on=MONTHS_23_AGO
    )
    active = VolunteerFactory()

    # Messages: by age, and about those anonymised (however recent).
    about_the_booking = sent_message(
        sent_at=NOW - timedelta(days=10),
        reference=f"booking:{booking.pk}",
        recipient=gone.email,
        subject="New activities for Ella",
        body_text="Hello Maja Jensen",
    )
    about_the_referral = sent_message(
        sent_at=NOW - timedelta(days=10), reference=f"enrolment:{referral.pk}"
    )
    about_the_shift = sent_message(
        sent_at=NOW - timedelta(days=10),
        reference=f"assignment:{assignment.pk}",
        subject="Karim Volunteer said no",
    )
    sent_91_days_ago = sent_message(sent_at=NOW - timedelta(days=91))
    sent_89_days_ago = sent_message(sent_at=NOW - timedelta(days=89))
    failed_91_days_ago = OutboxFactory(status=Outbox.Status.FAILED, last_error="550 no such user")
    waiting = OutboxFactory(status=Outbox.Status.PENDING)
    Outbox.objects.filter(pk__in=[failed_91_days_ago.pk, waiting.pk]).update(
        created_at=NOW - timedelta(days=91)
    )

    counts = purge_personal_data()

    assert counts == {"households": 2, "volunteers": 1, "messages": 2}
    assert set(Household.objects.filter(anonymised_at__isnull=False)) == {gone, referred}
    assert set(Household.objects.filter(anonymised_at__isnull=True)) == {
        seen_23_months_ago,
        coming_back,
        first_seen_last_year,
        in_a_later_course,
        visited,
    }

    gone.refresh_from_db()
    assert (gone.name, gone.phone, gone.consents_to_followups) == ("", "", False)
    assert gone.email == f"Erased-{gone.pk}@erased.invalid"
    assert gone.anonymised_at == NOW
    assert gone.link_version == 2  # every link in its old e-mails stops working
    names = {c.pk: c.first_name for c in Child.objects.filter(pk__in=[ella.pk, twin.pk, typed.pk])}
    assert names == {ella.pk: f"#{ella.pk}", twin.pk: f"#{twin.pk}", typed.pk: f"#{typed.pk}"}
    # What the figures need stays: birth months, the booking's status, places and rating.
    assert set(Child.objects.filter(bookings=booking).values_list("birth_month", flat=True)) == {
        date(2029, 9, 1)
    }
    booking.refresh_from_db()
    assert (booking.status, booking.places, booking.rating, booking.name_given) == (
        Booking.Status.CONFIRMED,
        2,
        5,
        "",
    )
    referral.refresh_from_db()
    assert (
        referral.referrer_name,
        referral.referrer_contact,
        referral.languages,
        referral.wishes,
    ) == ("", "", "", "")
    assert referral.referrer_role == Enrolment.ReferrerRole.HEALTH_VISITOR
    assert referral.status == Enrolment.Status.ENROLLED

    left_long_ago.refresh_from_db()
    assert (
        left_long_ago.name,
        left_long_ago.email,
        left_long_ago.phone,
        left_long_ago.languages,
    ) == ("", "", "", "")
    assert left_long_ago.anonymised_at == NOW
    assert (left_long_ago.joined_on, left_long_ago.left_on) == (date(2028, 1, 1), MONTHS_25_AGO)
    assert not Availability.objects.filter(volunteer=left_long_ago).exists()
    certificate.refresh_from_db()
    assert certificate.notes == ""
    assert (certificate.kind, certificate.checked_on, certificate.valid_until) == (
        Certificate.Kind.BOERNEATTEST,
        date(2028, 1, 2),
        date(2031, 1, 2),
    )
    assert certificate.checked_by == checker
    assert Assignment.objects.get(pk=assignment.pk).status == Assignment.Status.DONE
    for kept in (left_recently, active):
        kept.refresh_from_db()
        assert kept.name
        assert kept.email
        assert kept.anonymised_at is None

    cleared = [about_the_booking, about_the_referral, about_the_shift]
    cleared += [sent_91_days_ago, failed_91_days_ago]
    for row in cleared:
        row.refresh_from_db()
        assert (row.subject, row.body_text, row.body_html, row.recipient) == ("", "", "", "")
        assert (row.attachments, row.unsubscribe_url) == ([], "")
        # What stays: kind, key, status and times.
        assert row.kind == "test"
        assert row.key.startswith("test:message:")
        assert row.status in (Outbox.Status.SENT, Outbox.Status.FAILED)
    assert about_the_booking.sent_at == NOW - timedelta(days=10)
    assert failed_91_days_ago.last_error == ""
    for row in (sent_89_days_ago, waiting):
        row.refresh_from_db()
        assert row.body_text == "Hello."
        assert row.recipient


def test_running_the_purge_again_changes_nothing(room, babydans):
    gone = household(LONG_AGO)
    book(session(babydans, room, MONTHS_25_AGO), gone, children=["Ella", "Bo"], direct=True)
    book(session(babydans, room, MONTHS_23_AGO), household(LONG_AGO), direct=True)
    VolunteerFactory(
        status=Volunteer.Status.LEFT, joined_on=date(2028, 1, 1), left_on=MONTHS_25_AGO
    )
    sent_message(sent_at=NOW - timedelta(days=91))

    assert purge_personal_data() == {"households": 1, "volunteers": 1, "messages": 1}
    after_first = snapshot()

    assert purge_personal_data() == {"households": 0, "volunteers": 0, "messages": 0}
    # And anonymising one again by hand: not a field changes (nor its time or link version).
    household_anonymise(household=gone, now=NOW + timedelta(days=3))
    volunteer_anonymise(volunteer=Volunteer.objects.get(), now=NOW + timedelta(days=3))
    assert snapshot() == after_first


def test_the_command_prints_what_it_did_and_a_dry_run_changes_nothing(room, babydans):
    book(session(babydans, room, MONTHS_25_AGO), household(LONG_AGO), direct=True)
    sent_message(sent_at=NOW - timedelta(days=91))
    before = snapshot()

    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert (
        "would anonymise: 1 households, 0 volunteers; message texts to clear: 1" in out.getvalue()
    )
    assert snapshot() == before

    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "anonymised: 1 households, 0 volunteers; message texts cleared: 1" in out.getvalue()
    assert Household.objects.get().anonymised_at == NOW


def test_the_figures_of_an_old_period_are_unchanged_by_the_purge():
    """A year's history (2029) at a library: every figure of the impact report and of the
    funder report is the same after the purge anonymised the families and volunteers."""
    here = BranchFactory(name="Ballerup Bibliotek", time_zone="Europe/Copenhagen")
    hall, studio = RoomFactory(branch=here), RoomFactory(branch=here)
    elsewhere = RoomFactory(branch=BranchFactory(time_zone="Europe/Copenhagen"))
    learning = StrategyTrack.objects.create(name="Learning")
    rim = ProgrammeFactory(name="Rim og regler", min_age_months=0, max_age_months=36)
    babydans = ProgrammeFactory(
        name="Babydans",
        min_age_months=0,
        max_age_months=24,
        strategy_track=learning,
        goals=[Goal.objects.get(number=4)],
        next_programmes=[rim],
    )
    lektiecafe = ProgrammeFactory(
        name="Lektiecafé", drop_in=True, goals=[Goal.objects.get(number=10)]
    )
    club = ProgrammeFactory(name="Småbørnsklub", course=True, strategy_track=learning)

    families = [household(at(date(2028, 9, 1)), name=f"Family {n}") for n in range(8)]
    twins = [
        ChildFactory(household=families[0], first_name=name, birth_month=date(2028, 6, 1))
        for name in ("Ella", "Bo")
    ]
    days = [date(2029, 2, 6), date(2029, 3, 6), date(2029, 5, 8), date(2029, 10, 2)]
    baby_sessions = [session(babydans, hall, day) for day in days]
    before_the_period = session(babydans, hall, date(2028, 11, 6))
    cancelled = session(babydans, hall, date(2029, 4, 2), status=Session.Status.CANCELLED)
    rim_session = session(rim, hall, date(2029, 11, 6))
    at_another_branch = session(babydans, elsewhere, date(2029, 3, 6))

    # Family 0 came in 2028 and returns; 1–3 are new in February, 4 in May.
    book(before_the_period, families[0], children=twins, direct=True)
    came(before_the_period, families[0])
    for n, visit in enumerate(baby_sessions[:3]):
        who = families[: 4 + (n == 2)]
        for family in who:
            kids = twins if family == families[0] else [f"Child of {family.name}"]
            booking = book(visit, family, children=kids, direct=True, rating=(n % 5) + 1)
            came(visit, family, attended=family != families[3])
        book(visit, families[6], direct=True, status=Booking.Status.WAITLISTED)
    walk_in = book(baby_sessions[1], families[5], direct=True, walk_in=True)
    Booking.objects.filter(pk=walk_in.pk).update(name_given="Typed at the door")
    came(baby_sessions[1], families[5])
    book(baby_sessions[3], families[7], direct=True, status=Booking.Status.CANCELLED)
    book(cancelled, families[2], direct=True)
    book(rim_session, families[1], direct=True)
    came(rim_session, families[1])
    book(at_another_branch, families[2], direct=True)
    came(at_another_branch, families[2])
    # A child typed for one booking only.
    party = ChildFactory(household=None, first_name="Typed", birth_month=date(2028, 6, 1))
    booking.children.add(party)

    # A course with referral notes; families 3 and 5 came to its meetings.
    meetings = [date(2029, 3, 13), date(2029, 3, 20), date(2029, 3, 27)]
    club_course = course(club, studio, meetings)
    for family in (families[3], families[5]):
        enrol(
            club_course,
            family,
            at(date(2029, 2, 1)),
            referrer_name="Lene Holm",
            referrer_contact="lene@sundhed.example",
            wishes="Sang og leg",
            children=[ChildFactory(household=family, birth_month=date(2027, 1, 1))],
        )
        for meeting in club_course.series.sessions.all():
            came(meeting, family)
    enrol(club_course, families[4], at(date(2029, 2, 1)), status=Enrolment.Status.WITHDRAWN)

    # Lektiecafé: head counts and a volunteer (who left in 2029) marked as having come.
    homework = session(lektiecafe, studio, date(2029, 9, 3), hours=3)
    HeadCountFactory(session=homework, grade="8", first_visit=True, count=4)
    HeadCountFactory(session=homework, grade="9", first_visit=False, count=7)
    volunteer = VolunteerFactory(
        status=Volunteer.Status.LEFT, joined_on=date(2029, 1, 1), left_on=date(2029, 12, 1)
    )
    shift = ShiftFactory(
        session=homework, partnership__organisation=volunteer.organisation, required_count=2
    )
    AssignmentFactory(shift=shift, volunteer=volunteer, status=Assignment.Status.DONE)
    AssignmentFactory(
        shift=shift,
        volunteer__organisation=volunteer.organisation,
        status=Assignment.Status.NO_SHOW,
    )

    project = FunderProjectFactory(
        starts_on=date(2029, 1, 1),
        ends_on=date(2029, 12, 31),
        programmes=[babydans, rim, lektiecafe, club],
        branches=[here],
    )
    for measure in ProjectTarget.Measure.values:
        ProjectTargetFactory(project=project, measure=measure, target=10)

    def figures():
        year = report_scope(
            branches=[here],
            programme_ids=None,
            starts_on=date(2029, 1, 1),
            ends_on=date(2029, 12, 31),
            now=NOW,
        )
        babies_only = report_scope(
            branches=[here],
            programme_ids=[babydans.pk],
            starts_on=date(2029, 2, 1),
            ends_on=date(2029, 6, 30),
            now=NOW,
        )
        return (
            impact_report(scope=year),
            impact_report(scope=babies_only),
            project_reach(project=project, today=NOW.date(), now=NOW),
        )

    before = figures()
    # The history is there to be counted (a test of nothing would pass too).
    year_report = before[0]
    assert year_report.visits.visits > 10
    assert year_report.children > 5
    assert year_report.new_households > 3
    assert year_report.returning_households >= 1
    assert year_report.volunteers.hours == 3.0
    assert year_report.ratings.count > 0
    assert year_report.head_counts.pupils == 11

    counts = purge_personal_data()

    assert counts["households"] == 8
    assert counts["volunteers"] == 1
    assert not Household.objects.exclude(name="").exists()
    assert not Child.objects.filter(first_name__in=["Ella", "Bo", "Typed"]).exists()
    assert not Enrolment.objects.exclude(referrer_name="").exists()
    assert figures() == before
