"""The donation form on the campaign page and at /donate/, and its confirmation step."""

import pytest

from donations.models import Donation
from testimonials.models import SupportMessage
from tests.support.fake_stripe import donation_form, form_fields
from tests.support.gifts import small_campaign, tiers
from tests.support.personas import with_sections

RANGE_ERROR = "金額は ¥500 から ¥1,000,000 の間で入力してください。"

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    """A small campaign offering ¥3,000 (the form's default), ¥10,000 and ¥100,000."""
    campaign = small_campaign()
    tiers(campaign, 3_000, 10_000, 100_000)
    return campaign


def rows():
    """How many donations and support messages exist."""
    return Donation.objects.count(), SupportMessage.objects.count()


def test_campaign_page_sets_no_cookie_and_its_form_leads_to_confirmation(client, campaign):
    response = client.get("/")

    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    fields = form_fields(response, "/donate/confirm/")
    assert fields["campaign"] == campaign.slug
    assert fields["tier"] == "3000"


def test_english_campaign_page_form_posts_to_english_confirmation(client, campaign):
    response = client.get("/en/")

    assert not response.cookies
    form_fields(response, "/en/donate/confirm/")


def test_donate_page_lists_every_tier_with_its_impact(client, campaign):
    html = client.get("/donate/").content.decode()

    assert campaign.tiers.count() == 3
    for tier in campaign.tiers.all():
        assert f'value="{tier.amount}"' in html
        assert tier.impact in html
    assert 'value="other"' in html


def test_confirmation_shows_what_will_happen_and_creates_nothing(client, campaign):
    data = donation_form(campaign, frequency="monthly", message="応援しています")
    data["message_consent"] = "on"
    before = rows()

    response = client.post("/donate/confirm/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "¥3,000" in html
    assert "マンスリー（毎月）" in html
    assert "解約の方法" in html
    assert rows() == before
    fields = form_fields(response, "/donate/pay/")
    assert fields["frequency"] == "monthly"
    assert fields["message"] == "応援しています"
    assert fields["token"]


def test_each_confirmation_carries_its_own_token(client, campaign):
    first = form_fields(client.post("/donate/confirm/", donation_form(campaign)), "/donate/pay/")
    second = form_fields(client.post("/donate/confirm/", donation_form(campaign)), "/donate/pay/")

    assert first["token"] != second["token"]


@pytest.mark.parametrize("typed", ["3,000", "¥3,000", "３０００", "3000円"])
def test_a_typed_amount_is_read_as_integer_yen(client, campaign, typed):
    data = donation_form(campaign, tier="other", other_amount=typed)

    response = client.post("/donate/confirm/", data)

    assert response.status_code == 200
    assert "今回だけ ¥3,000 をお支払いいただきます" in response.content.decode()


@pytest.mark.parametrize("typed", ["499", "1,000,001", "0"])
def test_amount_outside_the_campaign_range_redisplays_the_form_with_the_input(
    client, campaign, typed
):
    data = donation_form(campaign, tier="other", other_amount=typed, donor_name="佐藤 一郎")
    before = rows()

    response = client.post("/donate/confirm/", data)

    assert response.status_code == 400
    assert RANGE_ERROR in response.content.decode()
    kept = form_fields(response, "/donate/confirm/")
    assert kept["other_amount"] == typed
    assert kept["tier"] == "other"
    assert kept["donor_name"] == "佐藤 一郎"
    assert kept["donor_email"] == "hanako@example.jp"
    assert rows() == before


@pytest.mark.parametrize("typed", ["500", "1,000,000"])
def test_the_limits_themselves_are_accepted(client, campaign, typed):
    response = client.post("/donate/confirm/", donation_form(campaign, other_amount=typed))

    assert response.status_code == 200


def test_limits_come_from_the_campaign(client, campaign):
    campaign.min_amount, campaign.max_amount = 1000, 50_000
    campaign.save()

    low = client.post("/donate/confirm/", donation_form(campaign, other_amount="800"))
    high = client.post("/donate/confirm/", donation_form(campaign, tier="100000"))

    for response in (low, high):
        assert response.status_code == 400
        assert "金額は ¥1,000 から ¥50,000 の間で入力してください。" in response.content.decode()


@pytest.mark.parametrize("typed", ["3000.5", "三千円", "abc"])
def test_decimals_and_words_are_refused_with_the_input_kept(client, campaign, typed):
    response = client.post("/donate/confirm/", donation_form(campaign, other_amount=typed))

    assert response.status_code == 400
    assert "金額は数字で入力してください（例：3000）。" in response.content.decode()
    assert form_fields(response, "/donate/confirm/")["other_amount"] == typed


def test_a_tier_the_campaign_does_not_offer_is_refused(client, campaign):
    response = client.post("/donate/confirm/", donation_form(campaign, tier="1"))

    assert response.status_code == 400


def test_other_chosen_without_an_amount_asks_for_one(client, campaign):
    response = client.post("/donate/confirm/", donation_form(campaign, tier="other"))

    assert response.status_code == 400
    assert "金額を入力してください。" in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"agree_terms": ""}, "ご寄付には寄付規約への同意が必要です。"),
        ({"public_name": "nickname", "nickname": " "}, "表示するニックネームを入力してください。"),
        ({"message": "がんばって"}, "メッセージを掲載するには同意が必要です。"),
        ({"donor_email": "not-an-address"}, "メールアドレス"),
    ],
)
def test_other_mistakes_are_explained(client, campaign, fields, message):
    response = client.post("/donate/confirm/", donation_form(campaign, **fields))

    assert response.status_code == 400
    assert message in response.content.decode()


def test_change_button_refills_the_form_from_the_confirmation(client, campaign):
    data = donation_form(campaign, tier="other", other_amount="¥7,777", frequency="monthly")
    confirmation = client.post("/donate/confirm/", data)
    sent_back = form_fields(confirmation, "/donate/")
    before = rows()

    response = client.post("/donate/", sent_back)

    refilled = form_fields(response, "/donate/confirm/")
    assert refilled["other_amount"] == "¥7,777"
    assert refilled["frequency"] == "monthly"
    assert refilled["agree_terms"] == "on"
    assert rows() == before


def test_english_pages_explain_mistakes_in_english_and_keep_the_input(client, campaign):
    data = donation_form(campaign, tier="other", other_amount="¥200")

    response = client.post("/en/donate/confirm/", data)

    html = response.content.decode()
    expected = "Please enter an amount from ¥500 to ¥1,000,000."
    assert response.status_code == 400
    assert expected in html
    assert RANGE_ERROR not in html
    assert form_fields(response, "/en/donate/confirm/")["other_amount"] == "¥200"


def test_an_anonymous_donors_message_reads_anonymous_in_each_readers_language(client, campaign):
    data = donation_form(campaign, public_name="anonymous", message="Keep going!")
    data["message_consent"] = "on"
    page = client.post("/en/donate/confirm/", data)
    pay = client.post("/en/donate/pay/", form_fields(page, "/en/donate/pay/"))
    client.post(pay["Location"], {"outcome": "pay"})
    message = SupportMessage.objects.get(body="Keep going!")
    message.review(SupportMessage.Status.APPROVED)
    with_sections(campaign, "messages")

    assert (
        '<p class="attribution">匿名 <span class="donor-mark">' in client.get("/").content.decode()
    )
    english = client.get("/en/").content.decode()
    assert '<p class="attribution">Anonymous <span class="donor-mark">' in english
