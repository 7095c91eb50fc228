"""Input that Python or the database cannot hold answers 400 with a message, everywhere
(admin included), never a 500: one middleware, not a check per view."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

HUGE = "-1180591620717411303424"


@pytest.fixture
def librarian_client(client, make_librarian, branch):
    client.force_login(make_librarian(branch))
    return client


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests")
    )
    return client


@pytest.mark.parametrize("year", [HUGE, "9999", "10000", "0", "-1"])
@pytest.mark.parametrize("who", ["superuser_client", "librarian_client"])
def test_a_year_python_cannot_hold_is_a_bad_request(request, who, year):
    response = request.getfixturevalue(who).get(
        f"/admin/bookings/booking/?session__starts_at__year={year}"
    )
    # Ours (400, the page says so) or the admin's own "bad filter" (back to the list, ?e=1).
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")
    else:
        assert response.status_code == 400
        assert "could not be read" in response.text


@pytest.mark.parametrize(
    "query",
    [
        f"session__starts_at__year={HUGE}&session__starts_at__month=1",
        "session__starts_at__year=2026&session__starts_at__month=99999999999999999999",
        "session__starts_at__year=2026&session__starts_at__month=1"
        "&session__starts_at__day=-99999999999999999999999999",
        f"starts_at__year={HUGE}",
    ],
)
@pytest.mark.parametrize("changelist", ["/admin/bookings/booking/", "/admin/programmes/session/"])
def test_no_date_filter_makes_a_server_error(superuser_client, changelist, query):
    response = superuser_client.get(f"{changelist}?{query}")
    assert response.status_code < 500


@pytest.mark.parametrize("who", ["superuser_client", "librarian_client"])
def test_a_non_numeric_selected_id_is_a_bad_request(request, who):
    session = SessionFactory()
    response = request.getfixturevalue(who).post(
        "/admin/programmes/session/",
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: ["1e3", str(session.pk)]},
    )
    assert response.status_code == 400
    assert "could not be read" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/admin/bookings/booking/?status__exact=%00",
        "/admin/programmes/session/?q=a%00b",
        "/sessions/?branch=%00",
        "/?x=%00",
    ],
)
def test_a_nul_byte_anywhere_in_the_query_is_a_bad_request(superuser_client, url):
    response = superuser_client.get(url)
    assert response.status_code == 400
    assert "could not be read" in response.text


def test_a_nul_byte_in_a_form_is_a_bad_request(client):
    session = SessionFactory()
    response = client.post(f"/sessions/{session.pk}/", {"name": "An\x00na"})
    assert response.status_code == 400
    assert "could not be read" in response.text
