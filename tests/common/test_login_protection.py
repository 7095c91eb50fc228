"""Guessing a password (security test hole 5): five wrong passwords lock that user name
for a while on the admin's and the site's login, from any address, with a page that says
what happened; other people behind the same library address still sign in."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LOGINS = ["/admin/login/", "/accounts/login/"]


@pytest.fixture
def librarian(make_librarian, branch):
    return make_librarian(branch, username="baerum")


def sign_in(client, url, username, password, address="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", LOGINS)
def test_forty_wrong_passwords_then_the_right_one_does_not_sign_in(client, librarian, url):
    for _ in range(40):
        sign_in(client, url, "baerum", "wrong")

    response = sign_in(client, url, "baerum", "pw-for-tests")

    # Refused, by the user name's lock or, this fast, by the address's rate first.
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", LOGINS)
def test_the_lock_holds_from_another_address(client, librarian, url):
    for _ in range(5):
        sign_in(client, url, "baerum", "wrong", address="10.0.0.1")

    response = sign_in(client, url, "baerum", "pw-for-tests", address="192.0.2.7")

    assert response.status_code == 429
    assert "Signing in is paused" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", LOGINS)
def test_a_colleague_at_the_same_library_address_still_signs_in(client, librarian, url):
    get_user_model().objects.create_user("aarhus", password="pw-for-tests", is_staff=True)
    for _ in range(5):
        sign_in(client, url, "baerum", "wrong")

    response = sign_in(client, url, "aarhus", "pw-for-tests")

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_four_wrong_passwords_and_the_right_one_sign_in(client, librarian):
    for _ in range(4):
        sign_in(client, "/accounts/login/", "baerum", "wrong")

    assert sign_in(client, "/accounts/login/", "baerum", "pw-for-tests").status_code == 302
