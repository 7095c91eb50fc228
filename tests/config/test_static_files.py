"""Static files are fingerprinted and compressed in every mode, and cached for long."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

import config.settings as project_settings

pytestmark = pytest.mark.django_db

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_every_mode_uses_the_compressed_manifest_storage():
    # Not the suite's own settings (tests/conftest.py swaps in plain storage): the
    # project's, the same in embedded and services mode.
    assert project_settings.STORAGES["staticfiles"]["BACKEND"] == MANIFEST_STORAGE


def test_collected_pages_name_fingerprinted_files_served_for_long(client, tmp_path):
    storages = {**project_settings.STORAGES}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        assert (tmp_path / "staticfiles.json").exists()

        page = client.get("/").content.decode()
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page names the fingerprinted stylesheet"

        served = client.get(stylesheet.group(1), headers={"accept-encoding": "gzip"})
        assert served.status_code == 200
        assert served["Content-Encoding"] == "gzip"
        max_age = int(re.search(r"max-age=(\d+)", served["Cache-Control"]).group(1))
        assert max_age >= 365 * 24 * 3600
        served.close()
