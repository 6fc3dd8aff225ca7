"""The flows of `scripts/run` (no Stripe key: the local test checkout; mail printed by the
console backend), as a person walks them: give monthly, find the sign-in link where the mail is
printed, see the gift and its receipt, pause and resume it (the local stand-in applies the change
as Stripe's events would), and, as staff, send an activity report and find it on /updates/."""

import re
from urllib.parse import unquote

import pytest
from django.core import mail
from django.utils import timezone

from donations.models import Donation, Payment
from tests.support.fake_stripe import (
    confirm_and_pay,
    donation_form,
    form_fields,
    run_task_worker,
)
from tests.support.gifts import giving_campaign
from tests.support.staff_personas import SECRETARIAT, member, signed_in
from tests.support.update_factories import organisation
from updates.models import Update

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "hanako@example.jp"
PRINTED_LINK = re.compile(r"http://testserver(/supporter/sign-in/open/\?token=(\S+))")


def give_monthly_locally(client, campaign, **fields):
    response, sent = confirm_and_pay(
        client, donation_form(campaign, frequency="monthly", donor_email=EMAIL, **fields)
    )
    assert response["Location"] == f"/donate/test-checkout/{sent['token']}/"
    client.post(response["Location"], {"outcome": "pay"})
    return Donation.objects.get(checkout_token=sent["token"])


def sign_in_by_the_printed_link(client, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    sent = client.post("/supporter/sign-in/", {"email": EMAIL}).content.decode()
    assert "ターミナル（scripts/run）に表示されます" in sent
    capsys.readouterr()
    run_task_worker()
    path, _token = PRINTED_LINK.search(capsys.readouterr().out).groups()
    button = client.get(unquote(path))
    opened = client.post(
        "/supporter/sign-in/open/", form_fields(button, "/supporter/sign-in/open/")
    )
    assert opened["Location"] == "/supporter/"


def test_a_local_monthly_gift_seen_by_the_printed_link_with_its_receipt(client, settings, capsys):
    donation = give_monthly_locally(client, giving_campaign())
    sign_in_by_the_printed_link(client, settings, capsys)

    page = client.get("/supporter/").content.decode()
    assert "毎月 ¥3,000" in page and "継続中" in page
    payment = Payment.objects.get(donation=donation)
    receipt = client.get(f"/supporter/receipts/{payment.pk}/")
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF-")


def test_the_mail_page_says_nothing_of_a_terminal_where_mail_is_really_sent(client):
    sent = client.post("/supporter/sign-in/", {"email": EMAIL}).content.decode()
    assert "ターミナル" not in sent
    assert "ログイン用リンクをお送りしました" in sent


def test_a_local_monthly_gift_paused_and_resumed_on_the_supporter_page(client, settings, capsys):
    donation = give_monthly_locally(client, giving_campaign())
    sign_in_by_the_printed_link(client, settings, capsys)

    paused = client.post(f"/supporter/gifts/{donation.pk}/pause/", {"months": "1"})
    assert paused["Location"] == "/supporter/?done=pause"
    donation.refresh_from_db()
    assert donation.paused_until is not None and donation.paused_until > timezone.now()
    assert "一時停止中（" in client.get("/supporter/").content.decode()

    resumed = client.post(f"/supporter/gifts/{donation.pk}/resume/")
    assert resumed["Location"] == "/supporter/?done=resume"
    donation.refresh_from_db()
    assert donation.paused_until is None
    page = client.get("/supporter/").content.decode()
    assert "継続中" in page and "一時停止中（" not in page
    run_task_worker()
    printed = capsys.readouterr().out
    assert "一時停止しました" in printed and "再開しました" in printed  # each change mailed


def test_staff_write_and_send_a_report_that_is_mailed_and_shown_on_updates(client):
    organisation()  # 特定電子メール法: the sender's address, which a report must carry
    give_monthly_locally(client, giving_campaign(), updates_consent="on")
    run_task_worker()
    mail.outbox.clear()
    staff = signed_in(member("jimukyoku", SECRETARIAT))

    added = staff.post(
        "/admin/updates/update/add/",
        {
            "slug": "december",
            "title_ja": "12月の活動報告",
            "title_en": "December report",
            "body_ja": "日本語教室を開きました。",
            "body_en": "We opened a Japanese class.",
            "published_at_0": timezone.localdate().isoformat(),
            "published_at_1": "00:00:00",
        },
    )
    assert added.status_code == 302, added.content.decode()
    report = Update.objects.get(slug="december")
    sent = staff.post(f"/admin/updates/update/{report.pk}/send/", {"audience": "consenting"})
    assert sent.status_code == 302
    run_task_worker()

    [report_mail] = mail.outbox
    assert report_mail.to == [EMAIL] and "12月の活動報告" in report_mail.subject
    assert "12月の活動報告" in client.get("/updates/").content.decode()
    assert "December report" in client.get("/en/updates/").content.decode()
