import json
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.links import rating_url
from bookings.models import Booking
from bookings.services import booking_create
from households.links import manage_token
from households.models import Household
from households.services import ChildInput
from programmes.models import Programme
from tests.factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    start = timezone.now() + timedelta(days=20)
    return SessionFactory(
        programme=ProgrammeFactory(name="Babydans", min_age_months=3, max_age_months=12),
        room__name="Luftslottet",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=2,
    )


def baby_birth(session, months=5):
    """A birth month that makes the child ``months`` old on the session date."""
    day = session.local_start.date()
    total = day.year * 12 + day.month - 1 - months
    return str(total % 12 + 1), str(total // 12)


def form_data(session, email="anna@example.com", months=5, **overrides):
    month, year = baby_birth(session, months)
    data = {
        "name": "Anna Hansen",
        "email": email,
        "phone": "",
        "adults": "1",
        "accept_privacy": "on",
        "children-TOTAL_FORMS": "2",
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "1",
        "children-MAX_NUM_FORMS": "6",
        "children-0-first_name": "Ella",
        "children-0-birth_month": month,
        "children-0-birth_year": year,
        "children-1-first_name": "",
        "children-1-birth_month": "",
        "children-1-birth_year": "",
    }
    data.update(overrides)
    return data


def post_booking(client, session, **kwargs):
    return client.post(reverse("bookings:session", args=[session.pk]), form_data(session, **kwargs))


def test_session_page_shows_places_left_and_event_data(client, session):
    response = client.get(reverse("bookings:session", args=[session.pk]))

    text = response.content.decode()
    assert "2 places left" in text
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)[1])
    assert ld["@type"] == "Event"
    assert ld["name"].startswith("Babydans")
    assert ld["remainingAttendeeCapacity"] == 2
    assert ld["startDate"] == session.local_start.isoformat()


def test_booking_confirms_emails_a_manage_link_that_cancels(
    client, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_booking(client, session)

    assert response.status_code == 302
    done = client.get(response.url)
    assert "We have e-mailed anna@example.com about Babydans" in done.text
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED

    (message,) = mail.outbox
    assert "You have a place at Babydans" in message.body
    manage_path = re.search(r"https?://[^/]+(/manage/\S+/)", message.body)[1]
    manage_page = client.get(manage_path)
    assert "Babydans" in manage_page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bookings:cancel", args=[manage_path.split("/")[2], booking.pk]))

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_full_session_offers_the_waitlist_and_e_mails_the_position(
    client, session, django_capture_on_commit_callbacks
):
    post_booking(client, session, email="a@example.com")
    post_booking(client, session, email="b@example.com")

    page = client.get(reverse("bookings:session", args=[session.pk])).content.decode()
    assert "Full – join the waitlist" in page

    with django_capture_on_commit_callbacks(execute=True):
        post_booking(client, session, email="c@example.com")
    assert "you are on the waitlist, number 1 in line" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"name": ""}, "This field is required."),
        ({"accept_privacy": ""}, "Please confirm you have read the privacy notice."),
        ({"adults": "lots"}, "Enter a whole number."),
        ({"adults": "0"}, "greater than or equal to 1"),
        ({"children-0-birth_year": "1850"}, "Select a valid choice."),
        ({"children-0-first_name": ""}, "This field is required."),
        ({"children-TOTAL_FORMS": "x"}, "Tell us which child is coming."),
        (
            {
                "children-0-first_name": "",
                "children-0-birth_month": "",
                "children-0-birth_year": "",
            },
            "Tell us which child is coming.",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    client, session, overrides, message
):
    response = post_booking(client, session, **overrides)

    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert not Booking.objects.exists()
    if overrides.get("name", "x"):
        assert 'value="Anna Hansen"' in text


def test_birth_month_in_the_future_is_refused(client, session):
    with time_machine.travel(timezone.now().replace(month=6, day=15), tick=False):
        response = post_booking(
            client,
            session,
            **{
                "children-0-birth_month": "7",
                "children-0-birth_year": str(timezone.localdate().year),
            },
        )

    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()


def test_a_child_too_old_gets_the_reason(client, session):
    response = post_booking(client, session, months=14)

    assert response.status_code == 400
    assert "Ella: Babydans is for children up to 12 months old" in response.content.decode()


def test_a_second_booking_by_the_same_household_keeps_one_and_says_so_by_e_mail(
    client, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_booking(client, session)
        post_booking(client, session, email="ANNA@example.com")

    assert Booking.objects.count() == 1
    assert mail.outbox[-1].to == ["anna@example.com"]
    assert mail.outbox[-1].subject.startswith("You already have this booking: Babydans")


def test_drop_in_session_has_no_booking_form(client):
    start = timezone.now() + timedelta(days=3)
    session = SessionFactory(
        programme=ProgrammeFactory(
            booking_mode=Programme.BookingMode.DROP_IN,
            audience_basis=Programme.AudienceBasis.SCHOOL_GRADE,
            min_grade=8,
            max_grade=10,
        ),
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )

    text = client.get(reverse("bookings:session", args=[session.pk])).content.decode()

    assert "just come along" in text
    assert '<form method="post"' not in text


@pytest.mark.parametrize("url_name", ["bookings:manage", "bookings:done"])
def test_forged_links_are_not_found(client, url_name):
    assert client.get(reverse(url_name, args=["forged-token"])).status_code == 404


def test_a_household_cannot_cancel_another_households_booking(client, session):
    post_booking(client, session, email="a@example.com")
    other = Household.objects.create(
        email="b@example.com", name="B", privacy_accepted_at=timezone.now()
    )
    booking = Booking.objects.get()

    response = client.post(
        reverse("bookings:cancel", args=[manage_token(household=other), booking.pk])
    )

    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_booking_is_rate_limited_per_address(client, session):
    # The limiter counts in one-minute windows: the clock stands still inside one.
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        for i in range(20):
            post_booking(client, session, email=f"p{i}@example.com")

        response = post_booking(client, session, email="one-too-many@example.com")

    assert response.status_code == 429
    assert "Please wait a minute" in response.content.decode()
    assert not Household.objects.filter(email="one-too-many@example.com").exists()


def test_unknown_session_is_not_found(client):
    assert client.get(reverse("bookings:session", args=[999999])).status_code == 404


def test_a_past_session_offers_no_form(client):
    start = timezone.now() - timedelta(days=1)
    session = SessionFactory(starts_at=start, ends_at=start + timedelta(hours=1))

    text = client.get(reverse("bookings:session", args=[session.pk])).content.decode()

    assert "can no longer be booked" in text
    assert 'name="email"' not in text


def test_second_child_row_is_optional_but_complete_once_begun(client, session):
    response = post_booking(client, session, **{"children-1-first_name": "Oskar"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()

    both = post_booking(
        client,
        session,
        **{
            "children-1-first_name": "Oskar",
            "children-1-birth_month": form_data(session)["children-0-birth_month"],
            "children-1-birth_year": form_data(session)["children-0-birth_year"],
        },
    )
    assert both.status_code == 302
    assert sorted(Booking.objects.get().children.values_list("first_name", flat=True)) == [
        "Ella",
        "Oskar",
    ]


def test_the_confirmation_link_stops_working_after_a_day(client, session):
    response = post_booking(client, session)

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert client.get(response.url).status_code == 404


def test_booking_still_works_when_the_rate_limiters_redis_is_down(client, session, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }

    response = post_booking(client, session)

    assert response.status_code == 302
    assert Booking.objects.filter(status=Booking.Status.CONFIRMED).count() == 1


def test_the_same_child_twice_is_refused(client, session):
    first = form_data(session)
    response = post_booking(
        client,
        session,
        **{
            "children-1-first_name": "ella",
            "children-1-birth_month": first["children-0-birth_month"],
            "children-1-birth_year": first["children-0-birth_year"],
        },
    )

    assert response.status_code == 400
    assert "The same child is in the list twice." in response.content.decode()


def test_parent_changes_language_and_invitations_through_the_manage_link(client, session):
    post_booking(client, session)
    household = Household.objects.get()
    token = manage_token(household=household)

    client.post(
        reverse("bookings:preferences", args=[token]),
        {"language": "nb", "consents_to_followups": "on"},
    )

    household.refresh_from_db()
    assert household.language == "nb"
    assert household.consents_to_followups is True


def test_unknown_pages_get_a_friendly_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def _a_confirmed_booking_that_has_ended(session):
    month, year = baby_birth(session)
    booking = booking_create(
        session_id=session.pk,
        name="Anna",
        email="anna@example.com",
        language="en",
        children=[ChildInput(first_name="Ella", birth_month=date(int(year), int(month), 1))],
    )
    return booking


def test_opening_a_rating_link_records_nothing_and_the_page_sends_it(client, session):
    booking = _a_confirmed_booking_that_has_ended(session)
    link = urlsplit(rating_url(booking=booking, rating=4)).path

    with time_machine.travel(session.ends_at + timedelta(hours=2)):
        opened = client.get(link)
        booking.refresh_from_db()
        assert opened.status_code == 200
        assert booking.rating is None  # a mail scanner opening the link answers nothing
        assert 'aria-current="true">4<' in opened.text

        sent = client.post(link, {"rating": "5"})
        booking.refresh_from_db()
        assert sent.status_code == 200
        assert booking.rating == 5
        assert "You gave 5 out of 5." in sent.text


@pytest.mark.parametrize("value", ["", "six", "0", "9"])
def test_a_rating_that_is_not_1_to_5_is_refused_with_a_message(client, session, value):
    booking = _a_confirmed_booking_that_has_ended(session)
    link = urlsplit(rating_url(booking=booking, rating=4)).path

    with time_machine.travel(session.ends_at + timedelta(hours=2)):
        response = client.post(link, {"rating": value})
    booking.refresh_from_db()
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in response.text
    assert booking.rating is None
