"""The Danish and Norwegian catalogues are complete, compiled, and used."""

import gettext
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from programmes.eligibility import age_eligibility
from programmes.models import Programme, Series

ROOT = Path(__file__).resolve().parents[2]

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ["da", "nb"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_matches_the_po(language, tmp_path):
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603
        ["msgfmt", "-o", str(fresh), str(folder / "django.po")],  # noqa: S607
        check=True,
    )
    with (folder / "django.mo").open("rb") as committed, fresh.open("rb") as rebuilt:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(rebuilt)._catalog
        ), "run: .venv/bin/python manage.py compilemessages --ignore=.venv"


def test_eligibility_reason_reaches_a_danish_parent_in_danish():
    babydans = Programme(name="Babydans", min_age_months=3, max_age_months=12)
    with translation.override("da"):
        result = age_eligibility(
            programme=babydans, birth_date=date(2026, 3, 1), on=date(2026, 5, 31)
        )
    assert "Babydans" in result.reason
    assert "måneder" in result.reason
    assert "months" not in result.reason


def test_admin_names_are_translated():
    with translation.override("nb"):
        assert str(Series._meta.verbose_name_plural) == "serier"
    with translation.override("da"):
        assert str(Programme._meta.verbose_name) == "tilbud"


@pytest.mark.parametrize("language", ["da", "nb"])
def test_every_apps_name_in_the_admin_is_translated(language):
    """The admin's sections are the apps: each one's name in the librarian's language."""
    ours = [app for app in apps.get_app_configs() if (ROOT / app.name).is_dir()]
    assert len(ours) >= 12
    with translation.override("en"):
        english = {app.name: str(app.verbose_name) for app in ours}
    with translation.override(language):
        untranslated = [app.name for app in ours if str(app.verbose_name) == english[app.name]]
    assert untranslated == []
