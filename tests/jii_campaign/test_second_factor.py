"""Staff who can see donors' personal data (会計, 管理者, superusers) sign in with a second factor:
a code from their authenticator app or a one-time recovery code; a first sign-in enrols the
app. 事務局 is not asked. Wrong codes end in django-axes' lockout like wrong passwords."""

import os
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.support.site_process import manage
from tests.support.staff_personas import ACCOUNTS, SECRETARIAT, authenticator, current_code, member

pytestmark = pytest.mark.django_db
PASSWORD = "a long passphrase for tests"
LEDGER = "/admin/donations/donation/"
PAUSED = "ログインを一時停止しています"


def signed_in_with_password(username, *groups):
    """A browser that has given the right password on the admin's login page, and no more."""
    member(username, *groups, password=PASSWORD)
    client = Client()
    response = client.post(
        "/admin/login/", {"username": username, "password": PASSWORD, "next": LEDGER}
    )
    assert response.status_code == 302, "the password was refused"
    return client


def client_user(username):
    return User.objects.get(username=username)


def give_code(client, code):
    return client.post("/admin/second-factor/", {"code": code, "next": LEDGER})


def test_accounts_without_the_second_factor_are_refused_the_ledger():
    client = signed_in_with_password("kaikei", ACCOUNTS)
    authenticator(client_user("kaikei"))

    response = client.get(LEDGER)

    assert response.status_code == 302
    assert response.url.startswith("/admin/second-factor/?next=")


def test_accounts_are_admitted_with_the_apps_current_code():
    client = signed_in_with_password("kaikei", ACCOUNTS)
    phone = authenticator(client_user("kaikei"))

    response = give_code(client, current_code(phone))

    assert response.status_code == 302 and response.url == LEDGER
    assert client.get(LEDGER).status_code == 200


def test_a_wrong_code_is_refused_with_a_reason():
    client = signed_in_with_password("kaikei", ACCOUNTS)
    phone = authenticator(client_user("kaikei"))
    wrong = f"{(int(current_code(phone)) + 1) % 1_000_000:06d}"

    response = give_code(client, wrong)

    assert response.status_code == 200
    assert "確認コードが正しくありません" in response.content.decode()
    assert client.get(LEDGER).status_code == 302


def test_a_recovery_code_works_once_and_not_twice():
    user = member("kaikei", ACCOUNTS, password=PASSWORD)
    authenticator(user)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes")
    StaticToken.objects.create(device=recovery, token="abcd2345")

    first = Client()
    first.post("/admin/login/", {"username": "kaikei", "password": PASSWORD})
    assert give_code(first, "ABCD 2345").url == LEDGER
    assert first.get(LEDGER).status_code == 200

    second = Client()
    second.post("/admin/login/", {"username": "kaikei", "password": PASSWORD})
    assert give_code(second, "abcd2345").status_code == 200  # the form again
    assert second.get(LEDGER).status_code == 302


def test_the_secretariat_is_not_asked_for_a_second_factor(campaign):
    client = signed_in_with_password("jimukyoku", SECRETARIAT)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/testimonials/supportmessage/").status_code == 200


def test_a_first_sign_in_enrols_the_app_and_shows_recovery_codes_once():
    client = signed_in_with_password("kaikei", ACCOUNTS)

    page = client.get(LEDGER, follow=True)
    assert page.redirect_chain[-1][0].startswith("/admin/second-factor/enrol/")
    html = page.content.decode()
    assert "<svg" in html  # the QR code
    key = re.search(r'id="second-factor-key">([A-Z2-7 ]+)<', html)[1].replace(" ", "")
    [device] = TOTPDevice.objects.filter(user__username="kaikei", confirmed=False)
    app = TOTP(device.bin_key)  # what an app set up with the typed key shows
    assert key and len(key) == 32

    done = client.post("/admin/second-factor/enrol/", {"code": f"{app.token():06d}"})

    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert done["Cache-Control"].startswith("max-age=0")
    assert client.get(LEDGER).status_code == 200
    again = client.get("/admin/second-factor/enrol/", follow=True).content.decode()
    assert codes[0] not in again


def test_wrong_codes_count_towards_the_lockout(settings):
    client = signed_in_with_password("kaikei", ACCOUNTS)
    phone = authenticator(client_user("kaikei"))
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the lockout stops the guesses here
    wrong = f"{(int(current_code(phone)) + 1) % 1_000_000:06d}"

    responses = [give_code(client, wrong) for _ in range(settings.AXES_FAILURE_LIMIT)]

    assert responses[-1].status_code == 429
    assert PAUSED in responses[-1].content.decode()
    assert client.get(LEDGER).url.startswith("/admin/login/")  # signed out
    again = Client().post("/admin/login/", {"username": "kaikei", "password": PASSWORD})
    assert again.status_code == 429


def test_a_local_debug_run_skips_it_and_says_so(settings):
    settings.DEBUG = True
    client = signed_in_with_password("kaikei", ACCOUNTS)

    response = client.get(LEDGER)

    assert response.status_code == 200
    assert 'id="second-factor-skipped"' in response.content.decode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", "/admin/second-factor/"), ("staff-only", "/staff-only/second-factor/")],
)
@pytest.mark.slow
def test_the_second_factor_lives_under_the_admin_path(value, expected):
    environment = {k: v for k, v in os.environ.items() if k != "ADMIN_PATH"}
    if value:
        environment["ADMIN_PATH"] = value
    code = "from django.urls import reverse; print(reverse('second_factor_verify'))"
    assert manage("shell", "-c", code, env=environment).strip().splitlines()[-1] == expected
