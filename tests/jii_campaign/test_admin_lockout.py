"""Guessing admin passwords gets nowhere: after a few failures logins are refused (django-axes),
even with the right password; staff can unlock; the admin's address is configurable."""

import os
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client

from tests.support.site_process import manage
from tests.support.staff_personas import signed_in

BASE_DIR = Path(__file__).resolve().parents[2]
PAUSED = "ログインを一時停止しています"

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def staff(django_user_model):
    # Staff with no access to personal data: the password alone lets them in (no second factor).
    return django_user_model.objects.create_user(
        "staff", "staff@example.org", "right-pass", is_staff=True
    )


def log_in(client, password, username="staff"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
    )


def logged_in(client):
    return client.get("/admin/").status_code == 200


def test_the_right_password_still_works(staff):
    client = Client()
    assert log_in(client, "wrong").status_code == 200  # the form again, with an error
    assert log_in(client, "right-pass").status_code == 302
    assert logged_in(client)


def test_after_repeated_failures_even_the_right_password_is_refused(staff, settings):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "guess")

    response = log_in(client, "right-pass")

    assert response.status_code == 429
    assert PAUSED in response.content.decode()
    assert not logged_in(client)


def test_the_username_is_locked_whatever_address_the_guesses_come_from(staff, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "guess")

    fresh = Client(REMOTE_ADDR="198.51.100.1")
    assert log_in(fresh, "right-pass").status_code == 429
    assert not logged_in(fresh)


def test_staff_unlock_with_axes_reset(staff, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "guess")
    assert log_in(client, "right-pass").status_code == 429

    call_command("axes_reset", verbosity=0)

    assert log_in(client, "right-pass").status_code == 302
    assert logged_in(client)


def test_staff_unlock_in_the_admin(staff, settings, django_user_model):
    locked = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(locked, "guess")
    colleague = signed_in(django_user_model.objects.create_superuser("colleague", "c@x.org", None))
    [attempt] = AccessAttempt.objects.all()

    page = colleague.get(f"/admin/axes/accessattempt/{attempt.pk}/delete/")
    assert page.status_code == 200
    colleague.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert log_in(locked, "right-pass").status_code == 302


@pytest.mark.parametrize(("value", "expected"), [("", "/admin/"), ("staff-only", "/staff-only/")])
def test_the_admin_path_comes_from_the_environment(value, expected):
    environment = {k: v for k, v in os.environ.items() if k != "ADMIN_PATH"}
    if value:
        environment["ADMIN_PATH"] = value
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    assert manage("shell", "-c", code, env=environment).strip().splitlines()[-1] == expected
