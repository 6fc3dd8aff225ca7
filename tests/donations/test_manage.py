"""Self-service for monthly donors: a signed, expiring link by e-mail opens the customer portal."""

import time
from urllib.parse import unquote

import pytest
from django.core import mail, signing
from django_tasks_db.models import DBTaskResult

from donations import manage_links
from donations.models import CampaignProgress, Donation
from tests.support.fake_stripe import (
    confirm_and_pay,
    donation_form,
    run_task_worker,
)
from tests.support.gifts import tiers
from tests.support.monthly_donors import links_in, monthly


class SignedLongAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - manage_links.MAX_AGE - 60)


# --- asking for a link ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_known_and_unknown_addresses_get_the_same_answer(client, campaign):
    monthly(campaign, email="known@example.jp")

    known = client.post("/donate/manage/", {"email": "known@example.jp"})
    unknown = client.post("/donate/manage/", {"email": "nobody@example.jp"})
    run_task_worker()

    assert known.status_code == unknown.status_code == 200
    same = known.content.decode().replace("known@example.jp", "ADDRESS")
    assert same == unknown.content.decode().replace("nobody@example.jp", "ADDRESS")
    [message] = mail.outbox
    assert message.to == ["known@example.jp"]


@pytest.mark.django_db(transaction=True)
def test_links_only_for_monthly_donations_that_can_be_managed(client, campaign):
    active = monthly(campaign)
    past_due = monthly(campaign, status=Donation.Status.PAST_DUE)
    monthly(campaign, status=Donation.Status.CANCELED)
    monthly(campaign, status=Donation.Status.PENDING, stripe_customer_id="")
    Donation.objects.create(
        campaign=campaign,
        frequency=Donation.Frequency.ONCE,
        amount=5000,
        donor_email="hanako@example.jp",
        status=Donation.Status.SUCCEEDED,
        stripe_customer_id="cus_once",
    )
    monthly(campaign, email="someone-else@example.jp")

    client.post("/donate/manage/", {"email": " Hanako@Example.JP "})
    run_task_worker()

    [message] = mail.outbox
    linked = {
        manage_links.donation_id_from(unquote(path.split("=")[-1])) for path in links_in(message)
    }
    assert linked == {active.pk, past_due.pk}


@pytest.mark.django_db(transaction=True)
def test_no_mail_when_nothing_can_be_managed(client, campaign):
    monthly(campaign, status=Donation.Status.CANCELED)

    client.post("/donate/manage/", {"email": "hanako@example.jp"})
    run_task_worker()

    assert mail.outbox == []


@pytest.mark.django_db
def test_an_invalid_address_is_explained(client, campaign):
    response = client.post("/donate/manage/", {"email": "hanako"})

    html = response.content.decode()
    assert 'class="errorlist"' in html
    assert 'value="hanako"' in html
    assert "メールを確認してください" not in html
    assert not DBTaskResult.objects.exists()


# --- opening a link ------------------------------------------------------------------------


@pytest.mark.django_db
def test_signed_link_opens_the_stripe_customer_portal(client, campaign, fake_stripe):
    donation = monthly(campaign, stripe_customer_id="cus_portal")
    path = manage_links.manage_url(donation).removeprefix("http://testserver")

    response = client.get(path)

    [call] = fake_stripe.portal_creates
    assert call.params == {"customer": "cus_portal", "return_url": "http://testserver/"}
    assert response.status_code == 303
    assert response["Location"].startswith("https://billing.stripe.com/p/session/")


@pytest.mark.django_db
def test_portal_unavailable_shows_a_calm_page(client, campaign, fake_stripe):
    donation = monthly(campaign)
    fake_stripe.fail_next(500, times=3)

    response = client.get(manage_links.manage_url(donation).removeprefix("http://testserver"))

    assert response.status_code == 503
    assert "決済サービスにつながりません" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["tampered", "expired", "other salt", "no customer"])
def test_a_bad_link_shows_the_expired_page(client, campaign, fake_stripe, kind):
    donation = monthly(campaign, stripe_customer_id="" if kind == "no customer" else "cus_1")
    token = {
        "tampered": signing.TimestampSigner(salt=manage_links.SALT).sign(str(donation.pk))[:-2]
        + "xx",
        "expired": SignedLongAgo(salt=manage_links.SALT).sign(str(donation.pk)),
        "other salt": signing.TimestampSigner(salt="elsewhere").sign(str(donation.pk)),
        "no customer": signing.TimestampSigner(salt=manage_links.SALT).sign(str(donation.pk)),
    }[kind]

    response = client.get("/donate/manage/open/", {"token": token})

    assert response.status_code == 400
    assert "リンクが無効です" in response.content.decode()
    assert fake_stripe.portal_creates == []


@pytest.mark.django_db
def test_a_link_for_another_donation_id_cannot_be_forged(client, campaign, fake_stripe):
    mine, theirs = monthly(campaign), monthly(campaign)
    token = signing.TimestampSigner(salt=manage_links.SALT).sign(str(mine.pk))
    forged = token.replace(str(mine.pk), str(theirs.pk), 1)

    response = client.get("/donate/manage/open/", {"token": forged})

    assert response.status_code == 400
    assert fake_stripe.portal_creates == []


# --- local mode: the test portal -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_local_test_portal_cancels_and_the_counter_moves_back(client, campaign):
    tiers(campaign, 3_000)
    response, fields = confirm_and_pay(client, donation_form(campaign, frequency="monthly"))
    client.post(response["Location"], {"outcome": "pay"})
    donation = Donation.objects.get(checkout_token=fields["token"])
    supporters = CampaignProgress.objects.get(pk=campaign.pk).monthly_supporters
    assert supporters == 1  # the gift just paid is the campaign's only one
    client.post("/donate/manage/", {"email": "hanako@example.jp"})
    run_task_worker()
    [path] = links_in(next(m for m in mail.outbox if "管理用リンク" in m.subject))

    page = client.get(path)
    assert "テスト用の管理画面" in page.content.decode()
    cancelled = client.post(path, {"action": "cancel"})

    assert "解約済み" in cancelled.content.decode()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELED
    assert CampaignProgress.objects.get(pk=campaign.pk).monthly_supporters == supporters - 1


@pytest.mark.django_db
def test_an_old_form_link_opens_nothing_and_offers_a_new_one(client, campaign, fake_stripe):
    """Links with the token in the path (sent before 2026-11-26) are retired: a token in a path
    ends up in access logs, so no such link may open a portal, even one still in date."""
    donation = monthly(campaign, stripe_customer_id="cus_1")
    token = signing.TimestampSigner(salt=manage_links.SALT).sign(str(donation.pk))

    response = client.get(f"/donate/manage/{token}/")

    assert response.status_code == 410
    html = response.content.decode()
    assert "リンクが無効です" in html and 'href="/donate/manage/"' in html
    assert fake_stripe.portal_creates == []
