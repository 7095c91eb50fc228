"""Each member of staff reads the admin and the staff pages in their own language: the one
they chose (the "My language" page, the site's language menu, or a superuser on their user
page), else their branches'; signed out, the admin follows the browser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from programmes.models import StaffProfile
from programmes.staff_language import staff_language
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

# What the admin's user links say in each language (Django's own catalogue).
LOG_OUT = {"da": "Log ud", "nb": "Logg ut", "en": "Log out"}


def admin_language(client, url: str = "/admin/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response["Content-Language"]


@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_a_librarian_reads_the_admin_in_their_branchs_language(client, make_librarian, language):
    client.force_login(make_librarian(BranchFactory(language=language)))

    page = client.get(reverse("admin:programmes_session_changelist"))

    assert page["Content-Language"] == language
    assert f'<html lang="{language}"' in page.text
    assert LOG_OUT[language] in page.text


@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_their_own_choice_wins_over_the_branchs(client, make_librarian, language):
    librarian = make_librarian(BranchFactory(language="da" if language != "da" else "nb"))
    StaffProfile.objects.create(user=librarian, language=language)
    client.force_login(librarian)

    for url in ("/admin/", reverse("admin:programmes_series_changelist"), "/nb/admin/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="da" if language != "da" else "en")
        if url == "/nb/admin/":
            # The admin has one address in every language.
            assert response.status_code == 404
            continue
        assert response["Content-Language"] == language
        assert LOG_OUT[language] in response.text


def test_the_language_of_most_of_their_branches_else_the_first(make_librarian):
    two_norwegian = make_librarian(
        BranchFactory(name="A", language="da"),
        BranchFactory(name="B", language="nb"),
        BranchFactory(name="C", language="nb"),
    )
    tied = make_librarian(
        BranchFactory(name="Bekkestua", language="nb"), BranchFactory(name="Vejle", language="da")
    )
    nowhere = make_librarian()

    assert staff_language(user=two_norwegian) == "nb"
    assert staff_language(user=tied) == "nb"  # Bekkestua comes first by name
    assert staff_language(user=nowhere) is None


def test_the_language_is_one_query(make_librarian, django_assert_num_queries):
    librarian = make_librarian(BranchFactory(language="nb"), BranchFactory(language="da"))
    StaffProfile.objects.create(user=librarian, language="en")

    with django_assert_num_queries(1):
        assert staff_language(user=librarian) == "en"


def test_the_my_language_page_sets_it_and_unsets_it(client, make_librarian):
    librarian = make_librarian(BranchFactory(language="da"))
    client.force_login(librarian)
    url = reverse("admin:my_language")

    page = client.get(url).text
    assert "Mine filialers sprog (nu: Dansk)" in page  # in their branch's Danish
    assert "Norsk (bokmål)" in page  # each language named in itself
    assert f'href="{url}"' in client.get("/admin/").text  # beside "Log out"

    answer = client.post(url, {"language": "nb"}, follow=True)
    assert StaffProfile.objects.get(user=librarian).language == "nb"
    assert answer["Content-Language"] == "nb"
    assert (
        "Lagret: administrasjonen og sidene for ansatte vises nå på dette språket." in answer.text
    )

    client.post(url, {"language": ""})
    assert StaffProfile.objects.get(user=librarian).language == ""
    assert admin_language(client) == "da"


def test_the_my_language_page_refuses_a_language_the_site_does_not_speak(client, make_librarian):
    librarian = make_librarian(BranchFactory(language="da"))
    client.force_login(librarian)

    answer = client.post(reverse("admin:my_language"), {"language": "sv"})

    assert answer.status_code == 400
    assert not StaffProfile.objects.filter(user=librarian).exists()


def test_the_sites_language_menu_sets_a_signed_in_users_language(client, make_librarian):
    librarian = make_librarian(BranchFactory(language="da"))
    client.force_login(librarian)

    answer = client.post(reverse("set_language"), {"language": "nb", "next": "/helpers/"})

    assert answer.status_code == 302
    assert StaffProfile.objects.get(user=librarian).language == "nb"
    assert admin_language(client) == "nb"


def test_a_superuser_sets_a_librarians_language_on_their_user_page(client, make_librarian):
    librarian = make_librarian(BranchFactory(language="da"))
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-for-tests"))
    url = reverse("admin:auth_user_change", args=[librarian.pk])
    page = client.get(url)
    assert "language of the admin" in page.text.lower()

    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in ((n, form[n].value()) for n in form.fields)
        if value is not None and name != "password"
    }
    data.update(
        {
            "groups": [g.pk for g in librarian.groups.all()],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-11-01",
            "date_joined_1": "09:00",
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "0",
            "staff_profile-MIN_NUM_FORMS": "0",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-language": "en",
            "staff_profile-0-user": librarian.pk,
        }
    )
    data.pop("user_permissions", None)
    answer = client.post(url, data)

    assert answer.status_code == 302, answer.context["adminform"].form.errors
    assert StaffProfile.objects.get(user=librarian).language == "en"
    client.force_login(librarian)
    assert admin_language(client) == "en"


@pytest.mark.parametrize(("browser", "language"), [("nb", "nb"), ("da-DK,da;q=0.9", "da")])
def test_signed_out_the_admin_follows_the_browser(client, browser, language):
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE=browser)

    assert response["Content-Language"] == language


def test_signed_out_the_admin_follows_the_language_menus_choice(client):
    client.post(reverse("set_language"), {"language": "nb", "next": "/"})

    assert client.get(reverse("admin:login"))["Content-Language"] == "nb"


def test_a_helper_reads_the_helpers_pages_in_their_branchs_language(client, make_librarian):
    client.force_login(make_librarian(BranchFactory(language="nb")))

    page = client.get(reverse("attendance:helper_today"))

    assert page["Content-Language"] == "nb"


def test_the_public_pages_keep_the_addresss_language(client, make_librarian):
    client.force_login(make_librarian(BranchFactory(language="nb")))

    assert client.get("/")["Content-Language"] == "en"  # the tests' default language
    assert client.get("/da/")["Content-Language"] == "da"
