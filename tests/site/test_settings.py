"""Production settings pass Django's deployment checks, and pages run under a strict CSP."""

import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fake_stripe import donation_form
from tests.support.html_checks import https_client
from tests.support.personas import SITE_URLS as PUBLIC_URLS
from tests.support.personas import bilingual_site

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def campaign(db):
    """A published campaign with every kind of public page, in both languages."""
    return bilingual_site()


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "SECURE_", "STRIPE_", "DEBUG", "SECRET_KEY"))
    }
    environment.update(
        DEBUG="false",
        SECRET_KEY="".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(50)),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}"),
        SITE_URL="https://example.org",
        STRIPE_SECRET_KEY="sk_live_example",
        STRIPE_WEBHOOK_SECRET="whsec_example",
        REDIS_URL="redis://127.0.0.1:6379/0",  # never connected to by `check`
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_notices_a_development_key(tmp_path):
    # The same command does fail on what production must not run with.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "example.org",
            "SECRET_KEY": "django-insecure-local-development-only",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_check_deploy_notices_a_site_that_cannot_take_payments(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("STRIPE_", "SITE_URL", "REDIS_URL"))
            },
            "DEBUG": "false",
            "ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "LOCAL_TEST_CHECKOUT": "true",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    output = result.stdout + result.stderr
    assert "jii.W001" in output  # no Stripe key
    assert "jii.W002" in output  # the fake checkout switched on
    assert "jii.W003" in output  # e-mails and Stripe would send donors to 127.0.0.1
    assert "jii.W004" in output  # rate limits and cached pages per process


@pytest.fixture
def client():
    return https_client()


def test_the_campaign_page_allows_only_its_own_scripts(client, campaign):
    response = client.get("/")

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"].startswith("'self'")
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_run_only_code_from_our_files(client, campaign, url):
    html = client.get(url).content.decode()

    # No page has inline code (the policy would let it run only with the page's nonce), nor
    # inline style or event handler attributes, which no nonce can allow.
    assert re.findall(r"<(?:script|style)(?![^>]*\ssrc=)[^>]*>", html) == []
    assert not re.search(r"<[^>]+\s(style|on[a-z]+)=", html)
    assert re.search(r'<link rel="stylesheet" href="/static/', html)  # styled from a file


EVERY_PUBLIC_PAGE = [
    *PUBLIC_URLS,
    "/donate/",
    "/en/donate/",
    "/donate/manage/",
    "/en/donate/manage/",
    "/donate/thanks/",
]


@pytest.mark.parametrize("url", EVERY_PUBLIC_PAGE)
def test_every_public_page_sends_the_security_headers(client, campaign, url, settings):
    assert settings.DEBUG is False  # the test run uses the production settings

    response = client.get(url)

    assert response.status_code == 200
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    # Our own files, plus the page's nonce when it has inline code: nothing else runs.
    assert re.search(r"(^|; )script-src 'self'( 'nonce-[^']+')?(;|$)", csp)
    permissions = headers["Permissions-Policy"].split(", ")
    assert {"camera=()", "microphone=()", "geolocation=()", "payment=()"} <= set(permissions)
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_every_cookie_is_secure_and_hidden_from_scripts(client, campaign, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.org", "right-pass")
    client.post("/donate/confirm/", donation_form(campaign))  # the CSRF cookie of the pay step
    client.get("/donate/manage/")
    client.post("/admin/login/", {"username": "staff", "password": "right-pass", "next": "/admin/"})

    assert {"csrftoken", "sessionid"} <= set(client.cookies)
    for name, cookie in client.cookies.items():
        assert cookie["secure"], name
        assert cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name


@pytest.mark.parametrize(
    ("storage_env", "image_url", "origin"),
    [
        (
            {"MEDIA_S3_ENDPOINT_URL": "https://s3.example.net"},
            "https://s3.example.net/jii-media/campaigns/hero.jpg",
            "https://s3.example.net",
        ),
        (
            {"MEDIA_S3_CUSTOM_DOMAIN": "media.example.org"},
            "https://media.example.org/campaigns/hero.jpg",
            "https://media.example.org",
        ),
    ],
)
def test_uploads_go_to_object_storage_when_a_bucket_is_named(storage_env, image_url, origin):
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.files.storage import storages\n"
        "print(type(storages['default']).__name__)\n"
        "print(storages['default'].url('campaigns/hero.jpg'))\n"
        "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))\n"
        "print(settings.SERVE_MEDIA)\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jii_campaign.settings",
        "MEDIA_S3_BUCKET": "jii-media",
        "MEDIA_S3_REGION": "ap-northeast-1",
        "MEDIA_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "MEDIA_S3_SECRET_ACCESS_KEY": "example-secret",
        **storage_env,
    }

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=environment, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    backend, url, img_src, serve_media = result.stdout.split("\n")[:4]
    assert backend == "S3Storage"
    assert url == image_url  # stable, unsigned: cached pages link to it
    assert origin in img_src.split()  # the CSP lets the pages show those images
    assert serve_media == "False"
