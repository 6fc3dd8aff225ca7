"""Where staff look at payments, every column is headed in Japanese: the receipt number too
(a property of the payment, which the admin would otherwise head "RECEIPT NUMBER")."""

import pytest

from tests.support.gifts import small_campaign
from tests.support.monthly_supporters import jst, supporter
from tests.support.staff_personas import ACCOUNTS, member, signed_in

pytestmark = pytest.mark.django_db


def test_the_receipt_number_is_headed_in_japanese_in_the_list_and_on_the_gift():
    donation = supporter(small_campaign(), jst(2026, 8, 1))
    accounts = signed_in(member("kaikei", ACCOUNTS))

    listed = accounts.get("/admin/donations/payment/").content.decode()
    gift = accounts.get(f"/admin/donations/donation/{donation.pk}/change/").content.decode()

    for page in (listed, gift):
        assert "領収番号" in page and "Receipt number" not in page
    assert "JII-2026-" in listed
