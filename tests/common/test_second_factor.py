"""A second factor at sign-in (security issue, login protection): superusers in services
mode need the code of an authenticator app, other staff only once they have set one up,
and nobody in the embedded demo."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"


@pytest.fixture
def services_mode(settings):
    settings.SECOND_FACTOR_FOR_SUPERUSERS = True


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)


def code_of(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def admin_login(client, username, code=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": PASSWORD, "otp_token": code},
    )


def test_a_superuser_without_an_authenticator_cannot_sign_in(client, services_mode, superuser):
    response = admin_login(client, "root")

    assert response.status_code == 200
    assert "needs an authenticator app" in response.text
    assert client.get("/admin/").status_code == 302


def test_a_superuser_signs_in_with_the_code_of_the_app_set_up_by_the_command(
    client, services_mode, superuser
):
    out = StringIO()
    call_command("second_factor", "root", stdout=out)
    assert out.getvalue().startswith("otpauth://totp/")

    wrong = admin_login(client, "root", "000000" if code_of(superuser) != "000000" else "111111")
    assert "That code is not right" in wrong.text

    # A wrong code pauses checking for a moment (django-otp's throttle): the next try later.
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        assert admin_login(client, "root", code_of(superuser)).status_code == 302
        assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("url", ["/admin/", "/reports/", "/reports/projects/"])
def test_a_session_without_the_code_is_signed_out_on_every_page(
    client, services_mode, superuser, url
):
    client.force_login(superuser)  # e.g. signed in before services mode, without the code

    response = client.get(url)

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_other_staff_sign_in_without_a_code_until_they_set_one_up(
    client, services_mode, make_librarian, branch
):
    librarian = make_librarian(branch, username="baerum")
    assert admin_login(client, "baerum").status_code == 302
    client.logout()

    call_command("second_factor", "baerum", stdout=StringIO())

    assert "Enter the code" in admin_login(client, "baerum").text
    assert admin_login(client, "baerum", code_of(librarian)).status_code == 302


def test_the_site_login_asks_for_the_code_too(client, services_mode, make_librarian, branch):
    librarian = make_librarian(branch, username="baerum")
    call_command("second_factor", "baerum", stdout=StringIO())
    data = {"username": "baerum", "password": PASSWORD}

    assert "Enter the code" in client.post("/accounts/login/", data).text
    response = client.post("/accounts/login/", {**data, "otp_token": code_of(librarian)})
    assert response.status_code == 302


def test_the_embedded_demo_asks_no_code(client, settings, superuser):
    settings.SECOND_FACTOR_FOR_SUPERUSERS = False

    assert admin_login(client, "root").status_code == 302
    assert client.get("/admin/").status_code == 200
