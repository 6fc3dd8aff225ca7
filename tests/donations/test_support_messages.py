"""Anyone may leave a cheering message, no gift needed; staff moderate; spam is refused with a
clear message and the text kept; what is shown is escaped."""

import pytest
from django.contrib.admin.models import LogEntry

from campaigns.models import Campaign
from donations.models import Donation
from testimonials.models import SupportMessage
from tests.support.fake_stripe import confirm_and_pay, donation_form, form_fields
from tests.support.gifts import small_campaign, tiers
from tests.support.html_checks import page_problems
from tests.support.personas import with_sections

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    """A small campaign whose page has a messages section and offers ¥3,000."""
    campaign = small_campaign()
    with_sections(campaign, "messages")
    tiers(campaign, 3_000)
    return campaign


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def form_url(campaign):
    return f"/campaigns/{campaign.slug}/messages/new/"


def post_message(client, campaign, prefix="", **fields):
    page = client.get(prefix + form_url(campaign))
    data = form_fields(page, prefix + form_url(campaign))
    data.pop("relation", None)
    data.update({"display_name": "さくら", "body": "がんばってください", "consent": "on", **fields})
    return client.post(prefix + form_url(campaign), data)


def test_the_campaign_page_links_to_the_message_form_not_the_donation_form(client, campaign):
    html = client.get("/").content.decode()

    assert f'href="{form_url(campaign)}"' in html
    assert "#id_message" not in html


def test_a_message_without_a_gift_is_held_and_the_writer_is_told(client, campaign):
    form_page = client.get(form_url(campaign)).content.decode()
    assert "承認後に掲載されます" in form_page
    donations = Donation.objects.count()

    response = post_message(client, campaign, relation="volunteer")

    assert response.status_code == 302
    sent = client.get(response["Location"]).content.decode()
    message = SupportMessage.objects.get()
    assert message.status == SupportMessage.Status.PENDING
    assert message.relation == "volunteer" and not message.from_donor
    assert Donation.objects.count() == donations
    assert "がんばってください" not in client.get("/").content.decode()
    assert "掲載されます" in sent


def test_a_campaign_may_publish_messages_at_once(client, campaign):
    campaign.message_moderation = Campaign.MessageModeration.PUBLISHED
    campaign.save()

    response = post_message(client, campaign)
    sent = client.get(response["Location"]).content.decode()

    assert SupportMessage.objects.get().status == SupportMessage.Status.APPROVED
    assert "がんばってください" in client.get("/").content.decode()
    assert "掲載されました" in sent


def test_staff_approve_in_bulk_and_it_shows_on_the_campaign_page(client, campaign, staff_client):
    post_message(client, campaign, body="一通目")
    post_message(client, campaign, body="二通目")
    index = staff_client.get("/admin/").content.decode()
    assert "2件" in index and "?status__exact=pending" in index

    ids = [str(pk) for pk in SupportMessage.objects.values_list("pk", flat=True)]
    staff_client.post(
        "/admin/testimonials/supportmessage/",
        {"action": "approve", "_selected_action": ids},
    )

    html = client.get("/").content.decode()
    assert "一通目" in html and "二通目" in html
    assert LogEntry.objects.filter(object_id__in=ids, user__username="staff").count() == 2
    assert "0件" in staff_client.get("/admin/").content.decode()


def test_the_moderation_queue_filters_by_status_campaign_and_relation(staff_client, campaign):
    SupportMessage.objects.create(campaign=campaign, body="A", relation="participant")
    SupportMessage.objects.create(campaign=campaign, body="B", relation="volunteer")

    listing = staff_client.get(
        "/admin/testimonials/supportmessage/",
        {
            "relation__exact": "participant",
            "status__exact": "pending",
            "campaign__id__exact": campaign.pk,
        },
    ).content.decode()

    assert '<td class="field-short_body">A</td>' in listing
    assert '<td class="field-short_body">B</td>' not in listing


def test_a_script_in_a_message_is_shown_as_text_everywhere(client, campaign, staff_client):
    post_message(client, campaign, display_name="<b>さくら</b>", body=XSS)
    message = SupportMessage.objects.get()
    message.review(SupportMessage.Status.APPROVED)

    pages = [
        client.get("/").content.decode(),
        client.get(f"/campaigns/{campaign.slug}/messages/").content.decode(),
        staff_client.get("/admin/testimonials/supportmessage/").content.decode(),
        staff_client.get(
            f"/admin/testimonials/supportmessage/{message.pk}/change/"
        ).content.decode(),
    ]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html
        assert "<b>さくら" not in html
    assert page_problems(pages[1]) == []


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"body": "あ" * 1001}, "1000文字"),
        ({"body": "見て https://a.example https://b.example"}, "リンク"),
        ({"website": "http://spam.example"}, "空欄"),
        ({"consent": ""}, "同意"),
        ({"body": "   "}, "必須"),
    ],
)
def test_refusals_explain_and_keep_the_text(client, campaign, fields, refusal):
    response = post_message(client, campaign, **fields)

    html = response.content.decode()
    assert response.status_code == 400
    assert refusal in html
    assert SupportMessage.objects.count() == 0
    body = fields.get("body", "がんばってください").strip()
    if body:
        assert form_fields(response, form_url(campaign))["body"].strip() == body


def test_an_exact_duplicate_is_refused(client, campaign):
    post_message(client, campaign)
    again = post_message(client, campaign)

    assert again.status_code == 400
    assert "すでに受け付けました" in again.content.decode()
    assert SupportMessage.objects.count() == 1


def test_a_flood_from_one_address_is_slowed_down(client, campaign):
    statuses = [post_message(client, campaign, body=f"応援 {i}").status_code for i in range(7)]

    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429, 429]
    refused = post_message(client, campaign, body="もう一通")
    assert "数分" in refused.content.decode()
    assert form_fields(refused, form_url(campaign))["body"].strip() == "もう一通"
    assert SupportMessage.objects.count() == 5


def test_english_refusals_are_in_english(client, campaign):
    response = post_message(client, campaign, prefix="/en", consent="")

    assert "Please agree to your message being shown" in response.content.decode()


def test_a_message_left_at_checkout_waits_for_its_gift(client, campaign):
    data = donation_form(campaign, message="寄付と一緒に", message_consent="on")
    pay, _ = confirm_and_pay(client, data)
    message = SupportMessage.objects.get()
    assert message.status == SupportMessage.Status.AWAITING_GIFT
    assert message.review(SupportMessage.Status.APPROVED) is False

    client.post(pay["Location"], {"outcome": "pay"})

    message.refresh_from_db()
    assert message.status == SupportMessage.Status.PENDING and message.from_donor
    message.review(SupportMessage.Status.APPROVED)
    html = client.get("/").content.decode()
    assert "寄付と一緒に" in html
    assert '<span class="donor-mark">寄付者</span>' in html


def test_an_abandoned_gifts_message_never_enters_the_queue(client, campaign):
    pay, _ = confirm_and_pay(
        client, donation_form(campaign, message="未払い", message_consent="on")
    )
    client.post(pay["Location"], {"outcome": "abandon"})

    assert SupportMessage.objects.get().status == SupportMessage.Status.AWAITING_GIFT
    assert SupportMessage.objects.waiting().count() == 0


def test_published_messages_are_paginated_newest_first_without_javascript(client, campaign):
    for i in range(25):
        SupportMessage.objects.create(
            campaign=campaign, body=f"メッセージ{i:02d}", status=SupportMessage.Status.APPROVED
        )
    first = client.get(f"/campaigns/{campaign.slug}/messages/").content.decode()
    second = client.get(f"/campaigns/{campaign.slug}/messages/?page=2").content.decode()

    assert first.index("メッセージ24") < first.index("メッセージ05")
    assert "メッセージ04" not in first and "メッセージ04" in second
    assert 'href="?page=2"' in first
    assert client.get(f"/campaigns/{campaign.slug}/messages/?page=x").status_code == 200
