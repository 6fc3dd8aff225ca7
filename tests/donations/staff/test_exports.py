"""Staff export donations and donors as CSV that Excel reads correctly and cannot run."""

import csv
import io

import pytest
from django.utils import timezone

from donations.models import Donation
from donations.staff.exports import neutralise

pytestmark = pytest.mark.django_db


def download(client, **params):
    response = client.get("/admin/donations/donation/export/", {"kind": "donations", **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = b"".join(response.streaming_content)
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_starts_with_a_bom_and_neutralises_formulas(staff_client, campaign):
    Donation.record_offline(
        campaign=campaign,
        frequency="once",
        amount=3000,
        donor_name='=HYPERLINK("http://evil.example","クリック")',
        donor_email="evil@example.jp",
    )

    data, rows = download(staff_client, channel="offline")

    assert data.startswith(b"\xef\xbb\xbf")
    assert rows[0][0] == "番号"  # the header, in Japanese
    [row] = [row for row in rows if "evil@example.jp" in row]
    assert row[8] == '\'=HYPERLINK("http://evil.example","クリック")'
    assert row[6] == "3000" and row[7] == "3000"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("山田 = 花子") == "山田 = 花子"


def test_filters_select_by_campaign_status_channel_and_date(staff_client, campaign):
    kept = Donation.record_offline(
        campaign=campaign, frequency="once", amount=1234, donor_email="kept@example.jp"
    )
    Donation.pledge_transfer(
        campaign=campaign, frequency="once", amount=4321, donor_email="pending@example.jp"
    )
    today = timezone.localdate().isoformat()

    _, rows = download(
        staff_client,
        campaign=campaign.pk,
        status="succeeded",
        channel="offline",
        date_from=today,
        date_to=today,
    )

    emails = [row[9] for row in rows[1:]]
    assert kept.donor_email in emails and "pending@example.jp" not in emails
    assert {(row[4], row[5]) for row in rows[1:]} == {("その他（事務局で記録）", "受領済み")}
    _, none = download(staff_client, date_to="2000-01-01")
    assert len(none) == 1  # the header only


def test_donors_are_exported_once_with_their_totals(staff_client, campaign):
    for amount in (1000, 2500):
        Donation.record_offline(
            campaign=campaign, frequency="once", amount=amount, donor_email="Same@Example.jp"
        )
    Donation.record_offline(
        campaign=campaign, frequency="once", amount=500, donor_email="same@example.jp"
    )

    _, rows = download(staff_client, kind="donors", channel="offline")

    assert len(rows) == 2  # the header and one donor, whatever the e-mail's case
    [donor] = [row for row in rows if row[1].lower() == "same@example.jp"]
    assert donor[2:4] == ["3", "4000"]
