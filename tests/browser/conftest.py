"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Mark each test `browser` (the embedded SQLite run deselects them) and
`django_db(transaction=True)`, so that the live server's thread sees the test's data.
"""

import os
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Browser, Page, expect, sync_playwright

from programmes.staff_language import staff_language_set

from . import support

# Fail fast: a page that does not show what it should is a failure, not a long wait.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser(django_db_setup) -> Browser:
    """One headless Debian Chromium for the whole run; never a browser Playwright downloads."""
    if not os.access(support.CHROMIUM, os.X_OK):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {support.CHROMIUM}: "
            "apt-get install chromium (.ci/run does). They never skip.",
            pytrace=False,
        )
    # From here on Playwright's sync API keeps its asyncio loop marked as running in this
    # thread whenever test code runs, until the browser closes at the end of the run. Django
    # then takes this thread for async code in two ways, for this test and all after it:
    # - it refuses database access (SynchronousOnlyOperation): allowed by the variable below,
    #   set only once a browser starts, so a run without one (the embedded run) keeps the check;
    # - it keeps the thread's database connections per async context instead of per thread,
    #   so the tests would get new connection objects, without what pytest-django set on the
    #   ones it prepared (such as the data that serialized_rollback=True puts back, which
    #   would then silently not be put back). So the connections this thread has now are
    #   handed to that context too.
    thread_connections = {alias: connections[alias] for alias in connections}
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(
            executable_path=support.CHROMIUM,
            headless=True,
            args=support.CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context on the live server: new_page("phone") or
    new_page() for the desktop. Contexts share nothing (cookies, storage) and are closed
    after the test."""
    contexts = []

    def open_page(viewport: str = "desktop") -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            # The browser asks for English, as the tests' LANGUAGE_CODE does.
            locale="en-GB",
            timezone_id="Europe/Copenhagen",
            **support.VIEWPORTS[viewport],
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(request, new_page) -> Page:
    """A desktop page (1280x900); parametrize with indirect=True and "phone" for 390x844."""
    return new_page(getattr(request, "param", "desktop"))


@pytest.fixture
def phone_page(new_page) -> Page:
    """A phone-sized page (390x844, touch)."""
    return new_page("phone")


@pytest.fixture
def axe_violations():
    """axe_violations(page): the serious and critical WCAG 2.1 A/AA violations axe-core finds.
    Show them with support.describe_violations()."""
    return support.axe_violations


@pytest.fixture
def screenshot():
    """screenshot(page, name): a full-page PNG in test-artifacts/screenshots/, for review."""
    return support.screenshot


@pytest.fixture
def demo(transactional_db):
    """The demo's branches, programmes, coming sessions and bookings (manage.py load_demo).

    Its people read the staff pages in English, as the tests' browser asks, though their
    branches speak Danish and Norwegian (programmes.staff_language): the tests read English.
    tests/browser/test_admin_in_norwegian.py gives a Norwegian librarian her branch's."""
    call_command("load_demo", stdout=StringIO())
    for user in get_user_model().objects.all():
        staff_language_set(user=user, language="en")
