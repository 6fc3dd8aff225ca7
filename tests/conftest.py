"""Fixtures shared by every test module. Each area keeps its own helpers in its own module."""

import os

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import sync_playwright

from campaigns.models import Campaign
from jii_campaign import cache_outage, kept_content, page_cache
from seed import loader as seed
from tests.support.fake_stripe import fake_stripe_mode


@pytest.fixture(autouse=True, scope="session")
def _plain_http():
    """Tests speak plain HTTP to the test client and the live server (started once per session,
    so this must be in force before it starts); production redirects to HTTPS."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_stripe_by_default(settings):
    """Local test checkout unless a test configures Stripe (see tests/support/fake_stripe.py)."""
    settings.STRIPE_SECRET_KEY = ""
    settings.LOCAL_TEST_CHECKOUT = True
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    settings.STRIPE_API_BASE = ""
    settings.SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _pages_show_each_change_at_once(settings):
    """In production a cached page is rendered again at most every half second, however many
    changes commit meanwhile, and each process reads the version's token at most every tenth of
    a second; tests look at a page right after a change, so here it is rendered after each.
    tests/jii_campaign/test_page_rerender_window.py tests the window and the reading."""
    settings.PAGE_CACHE_RERENDER_SECONDS = 0
    settings.PAGE_CACHE_TOKEN_READ_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test starts as a fresh process. The database's page version is rolled back or
    flushed after a test, while this process would keep trusting its reading of it (for half a
    second): a page stored under that reading could then match a number raised in the next test
    and be served stale, and so could the content it keeps (jii_campaign/kept_content.py). Nor
    does a Redis outage of one test leave its back-off to the next, nor the language of its last
    request (Django leaves it active in the thread) to the next."""
    page_cache.forget_process_state()
    kept_content.forget()
    cache_outage.reset()
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with no rate-limit counts and no cached pages (both live in the cache,
    Redis under scripts/test)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def needs_postgresql():
    """Row locks, advisory locks and other processes sharing the database are PostgreSQL's:
    without it such a test fails (run scripts/test), never skips."""
    from django.db import connection

    assert connection.vendor == "postgresql", "needs PostgreSQL: run scripts/test"


@pytest.fixture
def campaign(db):
    """One small published campaign made for the test alone (tests/support/gifts.py): what
    most tests need instead of the seed. A module may define its own."""
    from tests.support.gifts import small_campaign

    return small_campaign()


@pytest.fixture
def seeded(db):
    """The seed content, as `manage.py load_seed_content` loads it: only for the seed's own tests
    and the checks of the pages as shipped."""
    seed.load()
    return Campaign.objects.get(slug=seed.CAMPAIGN_SLUG)


@pytest.fixture
def staff_client(django_user_model):
    """A logged-in superuser (`staff`) who has given the second factor, reaching the admin over
    HTTPS as in production. Tests about who may see what use tests/support/staff_personas.py."""
    from tests.support.staff_personas import signed_in

    return signed_in(django_user_model.objects.create_superuser("staff", "s@example.org", None))


@pytest.fixture
def fake_stripe(settings):
    """The site in Stripe mode against the validating fake API (tests/support/fake_stripe.py)."""
    yield from fake_stripe_mode(settings)


# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    """The headless Chromium shared by the browser tests (one per module)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()
