import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.utils import translation

from config import celery_app
from programmes.models import BranchMembership
from programmes.roles import ensure_librarian_group

from .factories import BranchFactory


def pytest_configure(config):
    # Assertions read English; the translations have tests of their own.
    settings.LANGUAGE_CODE = "en"
    # Signing test users in need no slow, attack-resistant hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Superusers sign in without an authenticator's code (services mode asks for one);
    # tests/common/test_second_factor.py switches it on.
    settings.SECOND_FACTOR_FOR_SUPERUSERS = False
    # Messages are sent in-process after commit, so tests see them in mail.outbox.
    celery_app.conf.task_always_eager = True
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_runtest_setup(item):
    """A test that needs a service fails loudly without it; it never skips."""
    if item.get_closest_marker("postgresql") and connection.vendor != "postgresql":
        pytest.fail(
            "This test needs PostgreSQL: set DATABASE_URL, or deselect -m 'not postgresql'."
        )
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        pytest.fail("This test needs Redis: set REDIS_URL, or deselect -m 'not redis'.")


@pytest.fixture
def make_librarian(db):
    group = ensure_librarian_group()

    def make(*branches, username: str | None = None):
        user = get_user_model().objects.create_user(
            username=username or f"librarian-{get_user_model().objects.count() + 1}",
            password="pw-for-tests",
            is_staff=True,
        )
        user.groups.add(group)
        for branch in branches:
            BranchMembership.objects.create(user=user, branch=branch)
        return user

    return make


@pytest.fixture
def branch(db):
    return BranchFactory()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages do not leak from one test into the next."""
    for alias in ("default", "local"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _english():
    """Each test starts in English: a page that speaks a family's language (views'
    speak_to) leaves it active in the thread, as the next request would reset it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
