"""Statements as banks really export them (bank_files/ beside this module, made-up data in each
bank's layout): the deposit confirms its pledge, withdrawals never count, and a file that cannot be
read is refused whole, in Japanese, saying what it found and what it needs."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.models import Campaign
from donations.bank import statements
from donations.models import CampaignProgress, Donation, StatementLine

FILES = Path(__file__).resolve().parent / "bank_files"


def bank_file(name):
    return (FILES / name).read_bytes()


@pytest.fixture
def campaign(db):
    today = datetime.date(2026, 11, 1)
    return Campaign.objects.create(
        slug="statements",
        title="振込で応援",
        monthly_goal_supporters=10,
        onetime_goal_amount=500_000,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=90),
        is_published=True,
    )


def pledge(campaign, reference, amount, frequency="once"):
    """A waiting bank-transfer pledge whose code is the one the sample file carries."""
    donation = Donation.pledge_transfer(
        campaign=campaign,
        frequency=frequency,
        amount=amount,
        donor_name="振込 太郎",
        donor_email="taro@example.jp",
    )
    Donation.objects.filter(pk=donation.pk).update(reference=reference)
    donation.refresh_from_db()
    return donation


def raised(campaign):
    return CampaignProgress.objects.get(campaign=campaign).as_dict()["onetime_raised"]


def lines():
    return sorted((line.booked_on, line.amount) for line in StatementLine.objects.all())


def assert_ledger_agrees():
    call_command("recount_progress", check=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def status(donation):
    donation.refresh_from_db()
    return donation.status


@pytest.mark.django_db
def test_an_sbi_statement_confirms_its_pledge_and_never_counts_a_withdrawal(campaign):
    hanako = pledge(campaign, "K7P3QR", 3000)
    # The outgoing transfer on 11/28 carries this pledge's code and amount: still not a gift.
    ichiro = pledge(campaign, "M4CHXT", 5000)

    result = statements.import_statement(bank_file("sbi.csv"), "sbi.csv")

    assert status(hanako) == "succeeded" and status(ichiro) == "pending"
    assert [line.payer_name for line in result.matched] == ["Ｋ７Ｐ３ＱＲ　ヤマダ　ハナコ"]
    assert lines() == [
        (datetime.date(2026, 11, 15), 1),  # 利息: a person decides it is not a gift
        (datetime.date(2026, 11, 25), 5000),
        (datetime.date(2026, 11, 30), 3000),
    ]
    assert StatementLine.objects.get(amount=5000).payer_name == "スズキ　イチロウ"
    assert raised(campaign) == 3000
    assert_ledger_agrees()


@pytest.mark.django_db
def test_a_mufg_statement_reads_the_payer_from_摘要内容_and_skips_入払区分_withdrawals(campaign):
    monthly = pledge(campaign, "W9FDNA", 10_000, frequency="monthly")
    paid_out = pledge(campaign, "PAC7KM", 10_000)  # in a 振替支払い line: money going out

    result = statements.import_statement(bank_file("mufg.csv"), "mufg.csv")

    assert status(monthly) == "active" and status(paid_out) == "pending"
    assert [line.payer_name for line in result.matched] == ["タナカ　ジロウ　Ｗ９ＦＤＮＡ"]
    assert [line.payer_name for line in result.unmatched] == ["カ）サクラキヨウカイ"]
    progress = CampaignProgress.objects.get(campaign=campaign).as_dict()
    assert progress["monthly_supporters"] == 1 and progress["monthly_amount"] == 10_000
    assert_ledger_agrees()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "code", "amount", "deposits"),
    [
        (
            "smbc.csv",
            "J6EVYG",
            7000,
            [(datetime.date(2026, 11, 2), 7000), (datetime.date(2026, 11, 12), 2500)],
        ),
        ("mizuho.csv", "T3KAWP", 12_000, [(datetime.date(2026, 11, 3), 12_000)]),
        (
            "yucho.csv",
            "HA4CXP",
            8000,
            [(datetime.date(2026, 11, 2), 8000), (datetime.date(2026, 11, 11), 3000)],
        ),
        # 入出金取引明細: withdrawals (入払区分 2) and the bank's 訂正 (取引区分 19) left out.
        (
            "zengin-nyushukkin.txt",
            "X4GNMC",
            3000,
            [(datetime.date(2026, 11, 2), 3000), (datetime.date(2026, 11, 16), 10_000)],
        ),
        # 振込入金通知 without line breaks: the cancelled notice and its cancellation are left out;
        # a company's code arrives in the EDI field.
        (
            "zengin-furikomi.txt",
            "C9RTYE",
            30_000,
            [(datetime.date(2026, 11, 30), 5000), (datetime.date(2026, 11, 30), 30_000)],
        ),
    ],
)
def test_each_banks_layout_confirms_its_pledge(campaign, name, code, amount, deposits):
    waiting = pledge(campaign, code, amount)

    result = statements.import_statement(bank_file(name), name)

    assert [line.donation for line in result.matched] == [waiting]
    assert status(waiting) == "succeeded"
    assert lines() == deposits
    assert raised(campaign) == amount
    assert_ledger_agrees()


@pytest.mark.django_db
def test_zengin_half_width_kana_and_和暦_dates_are_read_as_printed(campaign):
    entries = statements.read(bank_file("zengin-furikomi.txt"))

    assert entries[0].payer_name == "ﾏﾂﾓﾄ ﾘﾖｳ FQ7KMA"
    assert entries[0].booked_on == datetime.date(2026, 11, 30)  # 081130: 令和8年11月30日


def zengin_statement(created, *booked_dates):
    """A one-group 入出金取引明細 with a ¥1,000 transfer in on each date (YYMMDD)."""
    header = f"1030{created}{booked_dates[0]}{booked_dates[-1]}0038{'ｽﾐｼﾝ':<15}106{'ﾎﾝﾃﾝ':<15}0001"
    header += f"{'0001234567'}{'ﾄｸﾋ)ｼﾞｴｲｱｲｱｲ':<40}11{0:014d}"
    records = [header]
    for number, booked in enumerate(booked_dates, start=1):
        data = f"2{number:08d}{booked}{booked}111{1000:012d}{0:012d}{'0' * 23}"
        data += f"{0:010d}{'ｵｶﾀﾞ ﾏｺﾄ':<48}{'':<15}{'':<15}{'':<20}{'':<20} "
        records.append(data)
    count = len(booked_dates)
    records.append(f"8{count:06d}{count * 1000:013d}{0:06d}{0:013d}1{0:014d}{count:07d}")
    records.append("9")
    return b"\r\n".join(record.encode("cp932").ljust(200) for record in records) + b"\r\n"


def test_和暦_dates_across_the_change_of_era_and_the_西暦_variant():
    # Made in 令和元年5月10日 (010510): 310426 is 平成31年4月26日, 010507 令和元年5月7日.
    across = statements.read(zengin_statement("010510", "310426", "010507"))
    assert [entry.booked_on for entry in across] == [
        datetime.date(2019, 4, 26),
        datetime.date(2019, 5, 7),
    ]
    # A bank set to 西暦 writes 261130: the creation date is only plausible as 2026.
    western = statements.read(zengin_statement("261201", "261130"))
    assert [entry.booked_on for entry in western] == [datetime.date(2026, 11, 30)]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026/1/5", datetime.date(2026, 1, 5)),
        ("２０２６年１月５日", datetime.date(2026, 1, 5)),
        ("R8.1.5", datetime.date(2026, 1, 5)),
        ("令和8年1月5日", datetime.date(2026, 1, 5)),
        ("令和元年5月1日", datetime.date(2019, 5, 1)),
        ("H31.04.30", datetime.date(2019, 4, 30)),
        ("20260105", datetime.date(2026, 1, 5)),
        ("2026.01.05", datetime.date(2026, 1, 5)),
    ],
)
def test_dates_as_banks_print_them(cell, expected):
    text = f"日付,内容,入金額\r\n{cell},ﾔﾏﾀﾞ,１，０００\r\n"
    [entry] = statements.read(text.encode("cp932"))
    assert (entry.booked_on, entry.amount) == (expected, 1000)


def test_full_width_amounts_and_signed_amount_columns():
    # 楽天-style: one signed column; a minus (or ▲) is money going out.
    text = "取引日,入出金(円),取引後残高(円),入出金内容\n20261102,＋３，０００,3000,振込 ﾔﾏﾀﾞ\n"
    text += '20261103,"-1,100",1900,ﾃﾞﾝｷ\n20261104,▲500,1400,ｶｰﾄﾞ\n'
    entries = statements.read(text.encode())
    assert [(entry.amount, entry.payer_name) for entry in entries] == [(3000, "ﾔﾏﾀﾞ")]


@pytest.mark.django_db
def test_a_layout_it_cannot_read_is_refused_with_what_it_found_and_needs(campaign):
    data = "日付,摘要,残高\n2026/11/02,K7P3QR ﾔﾏﾀﾞ,3000\n".encode("cp932")

    with pytest.raises(statements.StatementError) as refusal:
        statements.import_statement(data)

    message = str(refusal.value)
    assert "見つかった列：日付, 摘要, 残高" in message
    assert "入金額の列" in message and "日付の列" not in message
    assert not StatementLine.objects.exists()


@pytest.mark.django_db
def test_a_bad_line_refuses_the_whole_file_with_its_line_number(campaign):
    hanako = pledge(campaign, "K7P3QR", 3000)
    text = bank_file("sbi.csv").decode("cp932").replace('"1,980"', '"1,980.50"')

    with pytest.raises(statements.StatementError) as refusal:
        statements.import_statement(text.encode("cp932"))

    assert "6行目" in str(refusal.value) and "1,980.50" in str(refusal.value)
    assert status(hanako) == "pending"  # line 2 would have matched: nothing was imported
    assert not StatementLine.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        # The trailer says ¥13,500 came in; the first deposit was altered from ¥3,000.
        (lambda data: data[:226] + b"000000004000" + data[238:], "トレーラの合計"),
        # The first deposit booked on 令和8年13月32日: refused at its own record, the second.
        (lambda data: data[:211] + b"081332" + data[217:], "2件目のレコード：「081332」は日付"),
        # Cut short: the trailer and the end record are gone.
        (lambda data: data[: 6 * 202], "途中で切れています"),
        # Someone uploads the outgoing 総合振込 file instead (120-byte records).
        (lambda data: b"1210" + b"0" * 116 + b"\r\n", "総合振込"),
    ],
)
def test_a_damaged_or_wrong_zengin_file_is_refused(campaign, change, refusal):
    waiting = pledge(campaign, "X4GNMC", 3000)

    with pytest.raises(statements.StatementError) as refused:
        statements.import_statement(change(bank_file("zengin-nyushukkin.txt")))

    assert refusal in str(refused.value)
    assert status(waiting) == "pending" and not StatementLine.objects.exists()


@pytest.mark.django_db
def test_importing_the_same_zengin_file_twice_changes_nothing(campaign):
    waiting = pledge(campaign, "FQ7KMA", 5000)
    data = bank_file("zengin-furikomi.txt")
    statements.import_statement(data)
    state = (raised(campaign), lines(), waiting.payments.count())

    again = statements.import_statement(data)

    assert again.already_imported == 2 and not again.matched and not again.unmatched
    assert (raised(campaign), lines(), waiting.payments.count()) == state
    assert state[0] == 5000


@pytest.mark.django_db
def test_staff_upload_a_mufg_export_in_the_admin(campaign, staff_client):
    waiting = pledge(campaign, "W9FDNA", 10_000)

    response = staff_client.post(
        "/admin/donations/statementline/import/",
        {"statement": SimpleUploadedFile("明細.csv", bank_file("mufg.csv"))},
    )

    assert response.status_code == 302
    assert status(waiting) == "succeeded"
    assert StatementLine.objects.filter(status="unmatched").count() == 1


@pytest.mark.django_db
def test_the_admin_shows_why_a_file_was_refused(campaign, staff_client):
    upload = SimpleUploadedFile("x.csv", "日付,内容,残高\n2026/11/02,ﾔﾏﾀﾞ,3000\n".encode())

    response = staff_client.post("/admin/donations/statementline/import/", {"statement": upload})

    assert response.status_code == 200
    assert "足りない列：入金額の列" in response.content.decode()
    assert not StatementLine.objects.exists()


@st.composite
def damaged_files(draw):
    """A sample file with a few bytes changed, cut short, or bytes of no layout at all."""
    data = bytearray(bank_file(draw(st.sampled_from(sorted(p.name for p in FILES.iterdir())))))
    for _ in range(draw(st.integers(1, 4))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(0, len(data)))])


@settings(max_examples=400, deadline=None)
@given(data=damaged_files() | st.binary(max_size=400))
def test_no_file_makes_the_reader_fail_other_than_by_refusing_it(data):
    try:
        statements.read(data)
    except statements.StatementError as refusal:
        assert str(refusal)


@pytest.mark.django_db
def test_only_staff_allowed_to_change_statement_lines_may_import(campaign, django_user_model):
    from tests.support.html_checks import https_client

    waiting = pledge(campaign, "W9FDNA", 10_000)
    clerk = django_user_model.objects.create_user("clerk", "c@example.org", None, is_staff=True)
    client = https_client()
    client.force_login(clerk)
    upload = SimpleUploadedFile("mufg.csv", bank_file("mufg.csv"))

    response = client.post("/admin/donations/statementline/import/", {"statement": upload})

    assert response.status_code == 403
    assert status(waiting) == "pending" and not StatementLine.objects.exists()
