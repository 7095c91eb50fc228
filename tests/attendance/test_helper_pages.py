"""The pages for the people at the session: a check-in list and the Lektiecafé head count.

Who may open them (helpers and librarians of the session's branch, nobody else), and what a
tap does."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from attendance.head_counts import head_count_change, head_count_table
from attendance.models import Attendance, HeadCount
from attendance.services import AttendanceError, attendance_check_in
from courses.services import enrolment_accept, enrolment_offer
from programmes.models import BranchMembership
from programmes.roles import ensure_helper_group
from tests.courses.support import lektiecafe_session, make_course, refer
from tests.factories import BranchFactory, RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_helper():
    def make(*branches):
        user = get_user_model().objects.create_user(
            username=f"helper-{get_user_model().objects.count()}", password="pw-for-tests"
        )
        user.groups.add(ensure_helper_group())
        for branch in branches:
            BranchMembership.objects.create(user=user, branch=branch)
        return user

    return make


@pytest.fixture
def club():
    """A course with two enrolled families, and its meeting today."""
    course = make_course(capacity=5)
    today = course.series.sessions.get(starts_at__date=timezone.localdate())
    before = today.starts_at - timedelta(days=1)
    for email in ("fatima@example.com", "otto@example.com"):
        enrolment = enrolment_offer(enrolment_id=refer(course, email).pk, now=before)
        enrolment_accept(enrolment_id=enrolment.pk, now=before)
    refer(course, "waiting@example.com")  # referred only: not on the list
    return course, today


def test_a_helper_checks_a_family_in_and_corrects_it(client, club, make_helper):
    course, meeting = club
    helper = make_helper(meeting.room.branch)
    client.force_login(helper)
    url = reverse("attendance:check_in", args=[meeting.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "0 of 2 families came" in page.text
    assert "Waiting" not in page.text
    fatima = course.enrolments.get(household__email="fatima@example.com").household

    response = client.post(url, {"household": fatima.pk, "attended": "yes"})
    assert response.status_code == 302
    assert response.url.endswith(f"#family-{fatima.pk}")
    assert "1 of 2 families came" in client.get(url).text
    attendance = Attendance.objects.get(session=meeting, household=fatima)
    assert attendance.attended
    assert attendance.recorded_by == helper

    client.post(url, {"household": fatima.pk, "attended": "no"})
    assert not Attendance.objects.get(session=meeting, household=fatima).attended


def test_a_family_not_on_the_list_cannot_be_checked_in(client, club, make_helper):
    course, meeting = club
    client.force_login(make_helper(meeting.room.branch))
    waiting = course.enrolments.get(household__email="waiting@example.com").household
    url = reverse("attendance:check_in", args=[meeting.pk])
    for household in (waiting.pk, "not-a-number"):
        response = client.post(url, {"household": household, "attended": "yes"})
        assert response.status_code == 400
        assert "This family is not on the list for this session." in response.text
    assert not Attendance.objects.exists()


def test_a_meeting_later_this_week_cannot_be_ticked_yet(club):
    course, meeting = club
    next_week = course.series.sessions.get(starts_at__date=timezone.localdate() + timedelta(7))
    family = course.enrolments.first().household
    with pytest.raises(AttendanceError, match="has not started yet"):
        attendance_check_in(session=next_week, household_id=family.pk, attended=True)


def test_the_check_in_list_costs_the_same_queries_for_many_families(
    client, make_helper, django_assert_max_num_queries
):
    course = make_course(capacity=30)
    meeting = course.series.sessions.get(starts_at__date=timezone.localdate())
    before = meeting.starts_at - timedelta(days=1)
    for n in range(25):
        offered = enrolment_offer(enrolment_id=refer(course, f"f{n}@x.dk").pk, now=before)
        enrolment_accept(enrolment_id=offered.pk, now=before)
    client.force_login(make_helper(meeting.room.branch))
    # One of them is the helper's language (programmes.staff_language).
    with django_assert_max_num_queries(13):
        page = client.get(reverse("attendance:check_in", args=[meeting.pk]))
    assert "0 of 25 families came" in page.text


def test_helpers_see_only_their_branches_sessions(client, club, make_helper):
    course, meeting = club
    drop_in = lektiecafe_session(room=RoomFactory(branch=meeting.room.branch))
    elsewhere = make_helper(RoomFactory().branch)
    client.force_login(elsewhere)
    for name, session in (("attendance:check_in", meeting), ("attendance:head_count", drop_in)):
        assert client.get(reverse(name, args=[session.pk])).status_code == 404
        assert client.post(reverse(name, args=[session.pk]), {}).status_code == 404
    assert "Småbørnsklub" not in client.get(reverse("attendance:helper_today")).text


def test_the_helper_pages_need_a_login_with_the_helper_role(client, club):
    course, meeting = club
    url = reverse("attendance:check_in", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))

    someone = get_user_model().objects.create_user(username="someone", password="pw")
    client.force_login(someone)
    assert client.get(url).status_code == 403
    assert client.get(reverse("attendance:helper_today")).status_code == 403


def test_todays_sessions_link_to_the_check_in_and_the_head_count(client, club, make_helper):
    course, meeting = club
    drop_in = lektiecafe_session(room=RoomFactory(branch=meeting.room.branch))
    client.force_login(make_helper(meeting.room.branch))
    page = client.get(reverse("attendance:helper_today"))
    assert reverse("attendance:check_in", args=[meeting.pk]) in page.text
    assert reverse("attendance:head_count", args=[drop_in.pk]) in page.text


def test_a_helper_counts_pupils_by_grade_and_first_visit(client, make_helper):
    session = lektiecafe_session()
    client.force_login(make_helper(session.room.branch))
    url = reverse("attendance:head_count", args=[session.pk])
    for grade, first in (("9", "no"), ("9", "no"), ("8", "yes"), ("other", "no")):
        tap = {"grade": grade, "first_visit": first, "change": "more"}
        assert client.post(url, tap).status_code == 302
    client.post(url, {"grade": "other", "first_visit": "no", "change": "less"})

    page = client.get(url)
    assert "3 pupils, 1 new" in page.text
    counts = {(h.grade, h.first_visit): h.count for h in HeadCount.objects.all()}
    assert counts == {("9", False): 2, ("8", True): 1, ("other", False): 0}


def test_a_count_never_goes_below_zero_and_only_known_grades_count():
    session = lektiecafe_session()
    assert head_count_change(session=session, grade="10", first_visit=False, delta=-1) == 0
    with pytest.raises(AttendanceError, match="Choose one of the grades"):
        head_count_change(session=session, grade="7", first_visit=False, delta=1)
    table = head_count_table(session=session)
    assert [grade for grade, *_ in table.rows] == ["8", "9", "10", "other"]
    assert table.total == 0


def test_head_counts_are_for_drop_in_sessions_on_the_day():
    booked = SessionFactory(starts_at=timezone.now())
    with pytest.raises(AttendanceError, match="drop-in"):
        head_count_change(session=booked, grade="other", first_visit=False, delta=1)
    tomorrow = lektiecafe_session(starts_at=timezone.now() + timedelta(days=1))
    with pytest.raises(AttendanceError, match="not started yet"):
        head_count_change(session=tomorrow, grade="9", first_visit=False, delta=1)


def test_a_bad_tap_on_the_head_count_page_is_explained(client, make_helper):
    session = lektiecafe_session()
    client.force_login(make_helper(session.room.branch))
    url = reverse("attendance:head_count", args=[session.pk])
    page = client.post(
        url, {"grade": "<script>", "first_visit": "no", "change": "more"}, follow=True
    )
    assert "Choose one of the grades shown." in page.text
    assert not HeadCount.objects.exists()


@pytest.mark.parametrize(
    "tap",
    [
        {"grade": "9", "first_visit": "maybe", "change": "more"},  # was counted as "been before"
        {"grade": "9", "first_visit": "no", "change": "lots"},  # was counted as one more
        {"grade": "9"},
    ],
)
def test_a_tap_that_is_not_one_of_the_buttons_counts_nothing(client, make_helper, tap):
    session = lektiecafe_session()
    client.force_login(make_helper(session.room.branch))
    url = reverse("attendance:head_count", args=[session.pk])

    page = client.post(url, tap, follow=True)

    assert "That was not one of the buttons: nothing was counted." in page.text
    assert not HeadCount.objects.exists()


@pytest.mark.parametrize(("days_ago", "opens"), [(0, True), (6, True), (7, False), (365, False)])
def test_the_helpers_window_is_the_rule_for_reading_a_check_in_list(
    client, make_helper, days_ago, opens
):
    """A helper opens only the sessions the helper page lists: the last few days."""
    session = lektiecafe_session(starts_at=timezone.now() - timedelta(days=days_ago))
    client.force_login(make_helper(session.room.branch))

    check_in = client.get(reverse("attendance:check_in", args=[session.pk]))
    head_count = client.get(reverse("attendance:head_count", args=[session.pk]))

    assert (check_in.status_code, head_count.status_code) == ((200, 200) if opens else (404, 404))


def test_last_months_head_count_cannot_be_corrected_by_a_helper(client, make_helper):
    session = lektiecafe_session(starts_at=timezone.now() - timedelta(days=30))
    client.force_login(make_helper(session.room.branch))

    response = client.post(
        reverse("attendance:head_count", args=[session.pk]),
        {"grade": "9", "first_visit": "no"},
    )

    assert response.status_code == 404
    assert not HeadCount.objects.exists()
    with pytest.raises(AttendanceError, match="too long ago"):
        head_count_change(session=session, grade="9", first_visit=False, delta=1)


def test_the_window_is_counted_in_the_branchs_own_dates(client, make_helper):
    """A late-evening session at a Nuuk branch, seven days ago there (six in Copenhagen):
    outside the window for reading, as for writing."""
    nuuk = RoomFactory(branch=BranchFactory(time_zone="America/Nuuk"))
    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    zone = ZoneInfo("America/Nuuk")
    week_old = lektiecafe_session(starts_at=datetime(2026, 11, 26, 23, 30, tzinfo=zone), room=nuuk)
    client.force_login(make_helper(nuuk.branch))

    with time_machine.travel(now, tick=False):
        page = client.get(reverse("attendance:head_count", args=[week_old.pk]))
        with pytest.raises(AttendanceError, match="too long ago"):
            head_count_change(session=week_old, grade="9", first_visit=False, delta=1)

    assert page.status_code == 404


def test_a_family_is_on_the_course_lists_from_the_day_it_joined(client, make_helper):
    course = make_course(capacity=5)
    today = course.series.sessions.get(starts_at__date=timezone.localdate())
    earlier = SessionFactory(  # an extra meeting three days ago, in the helpers' window
        series=course.series,
        programme=course.series.programme,
        room=today.room,
        starts_at=today.starts_at - timedelta(days=3),
        ends_at=today.ends_at - timedelta(days=3),
    )
    # Offered and accepted between that meeting and today's.
    joined = earlier.ends_at + timedelta(days=1)
    late = enrolment_offer(enrolment_id=refer(course, "late@example.com").pk, now=joined)
    enrolment_accept(enrolment_id=late.pk, now=joined)
    client.force_login(make_helper(today.room.branch))

    before = client.get(reverse("attendance:check_in", args=[earlier.pk]))
    assert "No families are booked or enrolled for this session." in before.text
    with pytest.raises(AttendanceError, match="not on the list"):
        attendance_check_in(session=earlier, household_id=late.household_id, attended=True)
    since = client.get(reverse("attendance:check_in", args=[today.pk]))
    assert "0 of 1 family came" in since.text
