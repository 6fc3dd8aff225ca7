"""Bank transfers in the same ledger: a pledge gets a reference code; staff confirm it (or a
statement import does) and the counters move; anything unmatched waits for a person."""

import re
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from donations.bank import statements
from donations.models import Donation, StatementLine
from donations.models.transfer_pledges import REFERENCE_ALPHABET
from testimonials.models import SupportMessage
from tests.support.bank_pledges import pledge_form
from tests.support.fake_stripe import form_fields, run_task_worker
from tests.support.gifts import a_bank_account
from tests.support.webhook_checks import counters

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "sample-bank-statement.csv"


def pledge(campaign, amount=3000, frequency="once", **fields):
    return Donation.pledge_transfer(
        campaign=campaign,
        frequency=frequency,
        amount=amount,
        donor_name="山田 花子",
        donor_email="hanako@example.jp",
        **fields,
    )


def assert_ledger_agrees():
    call_command("recount_progress", check=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db(transaction=True)
def test_a_pledge_shows_and_emails_its_code_with_the_account(client, campaign):
    account = a_bank_account()
    before = counters(campaign)

    response = pledge_form(client, campaign, message="振込で応援します", message_consent="on")

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    donation = Donation.objects.get(donor_email="ichiro@example.jp")
    assert donation.channel == "bank_transfer" and donation.status == "pending"
    assert re.fullmatch(f"[{REFERENCE_ALPHABET}]{{6}}", donation.reference)
    assert donation.reference in page and "¥5,000" in page and "口座番号" in page
    assert account.account_number in page and account.bank_name in page
    assert counters(campaign) == before
    run_task_worker()
    [email] = mail.outbox
    assert donation.reference in email.body and donation.reference in email.subject
    assert "¥5,000" in email.body
    assert account.account_number in email.body
    assert "認定NPO法人ではない" in email.body  # never claims a tax deduction
    message = SupportMessage.objects.get(body="振込で応援します")
    assert message.status == SupportMessage.Status.AWAITING_GIFT


@pytest.mark.django_db
def test_pledge_refusals_keep_what_was_typed(client, campaign):
    response = pledge_form(client, campaign, amount="10", donor_email="nope")

    assert response.status_code == 400
    html = response.content.decode()
    assert "¥500" in html
    assert form_fields(response, "/donate/bank/")["donor_name"] == "佐藤 一郎"
    assert not Donation.objects.filter(channel="bank_transfer").exists()


@pytest.mark.django_db
def test_staff_confirm_a_pledge_and_the_counter_moves_at_once(campaign, staff_client):
    one_time, monthly = pledge(campaign), pledge(campaign, 2000, "monthly")
    before = counters(campaign)

    staff_client.post(
        "/admin/donations/donation/",
        {"action": "confirm_transfers", "_selected_action": [one_time.pk, monthly.pk]},
    )

    after = counters(campaign)
    assert after["onetime_raised"] == before["onetime_raised"] + 3000
    assert after["monthly_supporters"] == before["monthly_supporters"] + 1
    assert after["monthly_amount"] == before["monthly_amount"] + 2000
    assert LogEntry.objects.filter(object_id=str(one_time.pk), user__username="staff").exists()
    assert_ledger_agrees()


@pytest.mark.django_db
def test_a_cancelled_pledge_never_counts(campaign, staff_client):
    donation = pledge(campaign)
    before = counters(campaign)

    staff_client.post(
        "/admin/donations/donation/",
        {"action": "cancel_transfer_pledges", "_selected_action": [donation.pk]},
    )
    donation.refresh_from_db()

    assert donation.status == "canceled"
    assert statements.confirm(donation) is None
    assert counters(campaign) == before
    assert LogEntry.objects.filter(object_id=str(donation.pk)).exists()


def cp932_statement(*lines):
    """As a Japanese bank exports it: Shift_JIS with the NEC/IBM extension characters."""
    text = "取引日,振込依頼人名,入金額\r\n" + "".join(f"{line}\r\n" for line in lines)
    return text.encode("cp932")


@pytest.mark.django_db
def test_a_cp932_statement_confirms_pledges_by_code_and_amount(campaign):
    first, second = pledge(campaign), pledge(campaign, 10_000)
    message = SupportMessage.objects.create(
        campaign=campaign, body="届きますように", status=SupportMessage.Status.AWAITING_GIFT
    )
    first.support_message = message
    first.save()
    before = counters(campaign)
    data = cp932_statement(
        f'2026/11/02,ｶ){first.reference.lower()}ﾔﾏﾀﾞ ﾊﾅｺ,"3,000"',  # code glued, lower case
        f"2026/11/03,㈱髙橋①商会 {second.reference},9000",  # right code, wrong amount
        "2026/11/04,ｽｽﾞｷ ｲﾁﾛｳ,5000",  # no code at all
    )
    assert "㈱髙橋①".encode("cp932") in data  # the extension characters are really there

    result = statements.import_statement(data, "november.csv")

    assert [line.donation for line in result.matched] == [first]
    assert len(result.unmatched) == 2
    assert StatementLine.objects.get(amount=9000).suggested == second
    assert StatementLine.objects.get(amount=9000).payer_name.startswith("㈱髙橋①商会")
    assert counters(campaign)["onetime_raised"] == before["onetime_raised"] + 3000
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "succeeded" and second.status == "pending"
    message.refresh_from_db()
    assert message.status == SupportMessage.Status.PENDING
    assert_ledger_agrees()


@pytest.mark.django_db
def test_importing_the_same_statement_twice_changes_nothing(campaign):
    donation = pledge(campaign, 2000, "monthly")
    # Two identical lines are two gifts; the second import finds both already there.
    data = cp932_statement(
        f"2026/11/02,{donation.reference} ﾔﾏﾀﾞ,2000",
        "2026/11/02,ﾀﾅｶ,1000",
        "2026/11/02,ﾀﾅｶ,1000",
    )
    statements.import_statement(data)
    state = (counters(campaign), StatementLine.objects.count(), donation.payments.count())

    again = statements.import_statement(data)

    assert again.already_imported == 3 and not again.matched and not again.unmatched
    assert (counters(campaign), StatementLine.objects.count(), donation.payments.count()) == state
    assert state[1] == 3 and state[2] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_statements_with_or_without_bom_and_large_kana(campaign, bom):
    waiting = pledge(campaign, 10_000, payer_kana="サクラキョウカイ")
    data = bom + "日付,依頼人名,金額\n2026-11-03,ｶ)ｻｸﾗｷﾖｳｶｲ,10000\n".encode()

    result = statements.import_statement(data)

    [line] = result.unmatched  # no code: a person decides, but the pledge is suggested
    assert line.payer_name == "ｶ)ｻｸﾗｷﾖｳｶｲ"
    assert line.suggested == waiting


def test_names_compare_with_small_kana_made_large():
    assert statements.kana_key("ｷﾖｳｶｲ") == statements.kana_key("きょうかい")
    assert statements.candidate_codes("ｶ)ab3cdeﾔﾏﾀﾞ") == {"AB3CDE"}


@pytest.mark.django_db
def test_a_statement_we_cannot_read_is_refused_clearly(campaign, staff_client):
    upload = SimpleUploadedFile("x.csv", b"date,name,amount\nyesterday,A,lots\n")
    response = staff_client.post("/admin/donations/statementline/import/", {"statement": upload})

    assert response.status_code == 200
    assert "2行目：「yesterday」は日付として読めません。" in response.content.decode()
    assert not StatementLine.objects.exists()


@pytest.mark.django_db
def test_staff_upload_a_statement_and_resolve_the_rest(campaign, staff_client):
    waiting = pledge(campaign, 5000)
    data = cp932_statement(f"2026/11/05,ﾔﾏﾀﾞ {waiting.reference},4000", "2026/11/06,ｽｽﾞｷ,7000")
    before = counters(campaign)

    response = staff_client.post(
        "/admin/donations/statementline/import/",
        {"statement": SimpleUploadedFile("statement.csv", data)},
    )
    assert response.status_code == 302
    short, unknown = StatementLine.objects.order_by("booked_on")
    assert short.status == unknown.status == "unmatched"

    staff_client.post(
        f"/admin/donations/statementline/{short.pk}/change/",
        {"decision": "attach", "pledge": waiting.pk, "campaign": ""},
    )
    staff_client.post(
        f"/admin/donations/statementline/{unknown.pk}/change/",
        {"decision": "record", "pledge": "", "campaign": campaign.pk},
    )

    short.refresh_from_db()
    unknown.refresh_from_db()
    assert (short.status, unknown.status) == ("attached", "recorded")
    assert counters(campaign)["onetime_raised"] == before["onetime_raised"] + 4000 + 7000
    assert unknown.donation.channel == "bank_transfer"
    assert LogEntry.objects.filter(object_id=str(unknown.pk), user__username="staff").exists()
    assert_ledger_agrees()


@pytest.mark.django_db
def test_the_command_imports_the_documented_sample(campaign, capsys):
    Donation.objects.filter(reference="K7P3QR").delete()
    sample_pledge = pledge(campaign)
    Donation.objects.filter(pk=sample_pledge.pk).update(reference="K7P3QR")

    call_command("import_bank_statement", str(SAMPLE))
    call_command("import_bank_statement", str(SAMPLE))

    sample_pledge.refresh_from_db()
    assert sample_pledge.status == "succeeded"
    out = capsys.readouterr().out
    assert "1件を照合して入金済み" in out and "3件は取り込み済み" in out
