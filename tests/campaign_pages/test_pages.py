"""The public pages show what staff wrote, follow the ledger and stay cheap to serve."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from campaign_pages.campaign_page import LATEST_MESSAGES
from campaigns.models import Campaign, CampaignSection
from donations.models import Donation
from jii_campaign.models import BankAccount, InfoPage, Organisation
from programs.models import Program
from testimonials import models as testimonials
from testimonials.models import SupportMessage
from tests.support.html_checks import https_client
from tests.support.personas import SITE_PROGRAMME, SITE_URLS, bilingual_site

PUBLIC_URLS = SITE_URLS
# The gifts each test starts with: one monthly supporter and one-time gifts of this total.
RAISED = 20_000


@pytest.fixture
def client():
    return https_client()


@pytest.fixture
def campaign(db):
    """The bilingual site persona (tests/support/personas.py) with one monthly supporter and
    RAISED yen given once, in two gifts."""
    campaign = bilingual_site()
    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.MONTHLY, amount=1_000)
    for amount in (RAISED - 5_000, 5_000):
        Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.ONCE, amount=amount)
    return campaign


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def progress_values(html):
    return dict(re.findall(r'<progress id="progress-(\w+)"[^>]* value="(\d+)"', html))


def test_the_campaign_page_shows_what_staff_wrote(client, campaign):
    html = html_of(client, "/")

    assert '<html lang="ja" dir="ltr">' in html
    assert f'<h1 id="campaign-title">{campaign.title}</h1>' in html
    assert campaign.lead_ja in html
    for figure in ["<dd>1人</dd>", "<dd>50人</dd>", f"<dd>¥{RAISED:,}</dd>", "<dd>¥1,500,000</dd>"]:
        assert figure in html
    programme = Program.objects.get(slug=SITE_PROGRAMME)
    account = BankAccount.objects.get()
    for text in [
        programme.name_ja,
        *(section.heading_ja for section in campaign.sections.all()),
        *(testimonial.quote_ja for testimonial in testimonials.Testimonial.objects.all()),
        *(testimonial.attribution for testimonial in testimonials.Testimonial.objects.all()),
        "Keep going!",  # the approved message
        *(tier.impact_ja for tier in campaign.tiers.all()),
        f"{account.bank_name_ja}（金融機関コード{account.bank_code}）",
        f"{account.branch_name_ja}（支店コード{account.branch_code}）",
        account.holder_kana,
        Organisation.objects.get().name_ja,
        f"#{campaign.share_hashtag}",
    ]:
        assert escape(text) in html, text
    assert f"<dd>{account.account_number}</dd>" in html
    assert 'href="/testimonials/participants/">' in html
    assert 'href="/testimonials/volunteers/">' in html
    assert 'href="/pages/other-ways/">' in html
    assert f'href="/programs/{SITE_PROGRAMME}/"' in html


def test_the_sections_come_in_the_order_staff_gave_them(client, campaign):
    first, second = campaign.sections.order_by("order")[:2]
    CampaignSection.objects.filter(pk=first.pk).update(order=second.order + 1)

    html = html_of(client, "/")

    headings = [section.heading_ja for section in campaign.sections.order_by("order")]
    assert headings[0] == second.heading_ja
    positions = [html.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_the_give_one_note_sits_once_beside_the_form(client, campaign):
    campaign.sections.update(show_give_one=False)
    html = html_of(client, "/")

    note = (
        f'{campaign.give_one_text_ja} <a href="{campaign.give_one_url}" '
        f'rel="noopener">{campaign.give_one_link_text_ja}</a>'
    )
    assert html.count(note) == 1
    assert "<aside" not in html  # one repeated landmark per note made axe complain
    donate_box = re.search(r'<section class="donate-box".*?</section>', html, re.S).group(0)
    assert donate_box.index("</form>") < donate_box.index(note)


def test_staff_can_add_the_give_one_note_after_a_section(client, campaign):
    campaign.sections.update(show_give_one=False)
    section = campaign.sections.get(kind="bank")
    section.show_give_one = True
    section.save()
    after = campaign.sections.filter(order__gt=section.order).order_by("order").first()

    html = html_of(client, "/")

    note = campaign.give_one_text_ja
    assert html.count(note) == 2
    assert html.index(f"{section.heading_ja}</h2>") < html.rindex(note)
    assert html.rindex(note) < html.index(f"{after.heading_ja}</h2>")


def test_the_funding_mix_is_drawn_as_an_accessible_chart(client, campaign):
    html = html_of(client, "/")

    figure = re.search(r'<figure class="funding-chart">.*?</figure>', html, re.S).group(0)
    svg = re.search(r"<svg[^>]*>.*?</svg>", figure, re.S).group(0)
    assert 'aria-hidden="true"' in svg  # the legend says it in words
    assert "活動を支える財源の内訳" in figure
    sources = list(campaign.funding_sources.order_by("order"))
    for source in sources:
        assert f"{source.label_ja} {source.percent}%" in figure
    widths = [int(w) for w in re.findall(r'<rect [^>]*width="(\d+)"', svg)]
    assert widths == [source.percent for source in sources]


def test_share_links_carry_the_hashtag_and_the_campaign_address(client, campaign):
    html = html_of(client, "/")

    links = re.findall(r'<ul class="share-links">(.*?)</ul>', html, re.S)[0]
    hrefs = [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', links)]
    assert [urlsplit(href).netloc for href in hrefs] == [
        "twitter.com",
        "www.facebook.com",
        "social-plugins.line.me",
    ]
    campaign_url = f"http://testserver/campaigns/{campaign.slug}/"
    x_query, facebook_query, line_query = (parse_qs(urlsplit(href).query) for href in hrefs)
    assert x_query["url"] == [campaign_url]
    assert x_query["text"][0].startswith(f"#{campaign.share_hashtag} ")
    assert facebook_query["u"] == [campaign_url]
    assert line_query["url"] == [campaign_url]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_no_page_loads_a_third_party_script(client, campaign, url):
    html = html_of(client, url)

    sources = re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", html)
    assert sources == ["/static/js/site.js"]
    assert "<iframe" not in html


def a_second_programme():
    """Another programme with its own testimonial, beside the persona's."""
    programme = Program.objects.create(
        slug="classroom", name="教室", tagline="学ぶ", summary="子どもたちの学びを支えます。"
    )
    testimonials.Testimonial.objects.create(
        quote="友達ができました", speaker="10代", country="ネパール", program=programme
    )
    return programme


@pytest.mark.parametrize("slug", [SITE_PROGRAMME, "classroom"])
def test_each_programme_has_its_own_page(client, campaign, slug):
    a_second_programme()
    html = html_of(client, f"/programs/{slug}/")

    program = Program.objects.get(slug=slug)
    assert f"<h1>{program.name_ja}</h1>" in html
    assert program.summary_ja.split("\n")[0][:40] in html
    for other in Program.objects.exclude(pk=program.pk):
        assert other.get_absolute_url() in html


def test_a_programme_page_shows_only_its_own_testimonials(client, campaign):
    other = testimonials.Testimonial.objects.get(program=a_second_programme())

    html = html_of(client, f"/programs/{SITE_PROGRAMME}/")

    own = testimonials.Testimonial.objects.filter(program__slug=SITE_PROGRAMME)
    assert own.count() == 2
    for testimonial in own:
        assert testimonial.attribution in html
    assert other.attribution not in html


@pytest.mark.django_db(transaction=True)  # staff's save commits, and its commit tells the cache
def test_an_unpublished_programme_is_hidden(client, campaign):
    programme = a_second_programme()
    assert programme.get_absolute_url() in html_of(client, "/")
    programme.is_published = False
    programme.save()

    assert client.get(programme.get_absolute_url()).status_code == 404
    assert programme.get_absolute_url() not in html_of(client, "/")


def test_the_participants_page_lists_every_participant(client, campaign):
    html = html_of(client, "/testimonials/participants/")

    assert "<h1>外国人参加者の体験談</h1>" in html
    for testimonial in testimonials.Testimonial.objects.all():
        assert testimonial.attribution in html


def test_volunteer_testimonials_have_their_own_page(client, campaign):
    testimonials.Testimonial.objects.filter(kind="volunteer").delete()
    assert "体験談は準備中です" in html_of(client, "/testimonials/volunteers/")

    testimonials.Testimonial.objects.create(
        kind=testimonials.Testimonial.Kind.VOLUNTEER,
        quote="子どもたちの成長を間近で見られるのが喜びです",
        speaker="50代女性",
        country="日本",
    )

    html = html_of(client, "/testimonials/volunteers/")
    assert "<h1>ボランティアの体験談</h1>" in html
    assert "子どもたちの成長を間近で見られるのが喜びです" in html
    for participant in testimonials.Testimonial.objects.filter(kind="participant"):
        assert participant.attribution not in html
    assert "子どもたちの成長" not in html_of(client, "/")
    assert client.get("/testimonials/staff/").status_code == 404


@pytest.mark.parametrize("slug", InfoPage.REQUIRED_SLUGS)
def test_the_standalone_pages_show_what_staff_wrote(client, campaign, slug):
    page = InfoPage.objects.get(slug=slug)
    page.body_ja = "## 事業者\n\n- ご寄付の受付\n\n連絡先 info@example.org"
    page.save()

    html = html_of(client, f"/pages/{slug}/")

    for text in [f"<h1>{page.title_ja}</h1>", "<h2>事業者</h2>", "<li>ご寄付の受付</li>"]:
        assert text in html


LEGAL_PAGES = ("tokushoho", "privacy", "terms")


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_the_footer_links_to_the_legal_pages(client, campaign, url):
    html = html_of(client, url)

    footer = html[html.index("<footer") :]
    english = url.startswith("/en/")
    organisation = Organisation.objects.get()
    assert (organisation.name_en if english else organisation.name_ja) in footer
    assert f'href="mailto:{organisation.email}"' in footer
    prefix = "/en" if english else ""
    for slug in LEGAL_PAGES:
        page = InfoPage.objects.get(slug=slug)
        title = page.title_en if english else page.title_ja
        assert f'<a href="{prefix}/pages/{slug}/"' in footer and f">{title}</a>" in footer


def test_the_english_address_serves_the_page_in_english(client, campaign):
    html = html_of(client, "/en/")

    assert '<html lang="en" dir="ltr">' in html
    assert campaign.title in html
    assert '<a href="/" hreflang="ja" lang="ja" dir="ltr">日本語</a>' in html
    assert '<a href="/en/" hreflang="en" lang="en" dir="ltr">English</a>' in html_of(client, "/")


def test_an_unpublished_campaign_is_not_shown(client, campaign):
    Campaign.objects.update(is_published=False)

    assert client.get("/").status_code == 404
    assert client.get(campaign.get_absolute_url()).status_code == 404


def test_a_campaign_that_has_not_started_is_not_featured(client, campaign):
    today = timezone.localdate()
    Campaign.objects.create(
        slug="next-year",
        title="来年のキャンペーン",
        monthly_goal_supporters=10,
        onetime_goal_amount=100_000,
        starts_on=today + datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=60),
        is_published=True,
    )

    html = html_of(client, "/")
    assert campaign.title in html
    assert "来年のキャンペーン" not in html


# --- counters follow the ledger -----------------------------------------------------------------


def test_a_one_time_gift_moves_the_raised_total(client, campaign):
    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.ONCE, amount=5_000)

    html = html_of(client, "/")
    assert f"<dd>¥{RAISED + 5_000:,}</dd>" in html
    assert f"<dd>¥{RAISED:,}</dd>" not in html


@pytest.mark.django_db(transaction=True)
def test_a_new_monthly_supporter_is_counted(client, campaign):
    assert progress_values(html_of(client, "/"))["monthly"] == "2"

    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.MONTHLY, amount=1_000)

    html = html_of(client, "/")
    assert "<dd>2人</dd>" in html
    assert progress_values(html)["monthly"] == "4"


@pytest.mark.django_db(transaction=True)
def test_the_progress_bars_follow_the_ledger_up_to_full(client, campaign):
    assert progress_values(html_of(client, "/"))["onetime"] == "1"

    Donation.record_offline(
        campaign=campaign, frequency=Donation.Frequency.ONCE, amount=150_000 - RAISED
    )
    assert progress_values(html_of(client, "/"))["onetime"] == "10"  # 150,000 of 1,500,000

    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.ONCE, amount=1_500_000)
    html = html_of(client, "/")
    assert progress_values(html)["onetime"] == "100"
    assert "<dd>¥1,650,000</dd>" in html  # 150,000 + 1,500,000


def test_a_cancelled_monthly_supporter_is_no_longer_counted(client, campaign):
    campaign.donations.get(frequency=Donation.Frequency.MONTHLY).cancel()

    assert "<dd>0人</dd>" in html_of(client, "/")


def days_left_shown(html):
    return re.findall(r'<p class="days-left">残り(\d+)日</p>', html)


def test_the_last_day_still_counts(client, campaign):
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_on=today - datetime.timedelta(days=30), ends_on=today
    )

    assert days_left_shown(html_of(client, "/")) == ["1"]


def test_an_ended_campaign_shows_no_days_left(client, campaign):
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_on=today - datetime.timedelta(days=30), ends_on=today - datetime.timedelta(days=1)
    )

    assert days_left_shown(html_of(client, "/")) == ["0"]


def test_days_left_count_down_to_the_end_date(client, campaign):
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=9)
    )

    assert days_left_shown(html_of(client, "/")) == ["10"]


# --- cheap to serve ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_set_no_cookie_and_may_be_cached(client, campaign, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "public" in response.headers["Cache-Control"]
    assert "Cookie" not in response.headers.get("Vary", "")


def test_a_cold_render_of_the_campaign_page_takes_a_few_queries_whatever_the_data(client, campaign):
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200

    for i in range(100):
        Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.ONCE, amount=1_000)
        Donation.record_offline(
            campaign=campaign, frequency=Donation.Frequency.MONTHLY, amount=1_000 + i
        )
    programme = Program.objects.get(slug=SITE_PROGRAMME)
    testimonials.Testimonial.objects.bulk_create(
        testimonials.Testimonial(
            quote=f"声 {i}", speaker="20代", country="ベトナム", program=programme
        )
        for i in range(200)
    )
    SupportMessage.objects.bulk_create(
        SupportMessage(
            campaign=campaign,
            display_name=f"応援者{i}",
            body="応援しています",
            status=SupportMessage.Status.APPROVED,
        )
        for i in range(200)
    )

    cache.clear()  # bulk_create sends no signal; a cold render either way
    with CaptureQueriesContext(connection) as large:
        response = client.get("/")
    html = response.content.decode()
    assert "<dd>101人</dd>" in html and f"<dd>¥{RAISED + 100_000:,}</dd>" in html
    assert html.count("20代・ベトナム") == 200
    assert html.count("<p>応援しています</p>") == LATEST_MESSAGES  # the newest messages only
    # 9: with the database's part of the page version, read afresh before a render.
    assert len(large.captured_queries) == len(small.captured_queries) <= 9, [
        query["sql"] for query in large.captured_queries
    ]


def test_every_tier_leads_to_the_form_with_its_amount_chosen(client, campaign):
    html = html_of(client, "/")

    links = re.findall(r'href="(/donate/\?campaign=[^"]+#donation-form)"', html)
    amounts = [parse_qs(urlsplit(link.replace("&amp;", "&")).query)["amount"] for link in links]
    tiers = [str(amount) for amount in campaign.tiers.values_list("amount", flat=True)]
    assert amounts == [[amount] for amount in sorted(tiers, key=int)]
    form = html_of(client, links[1].replace("&amp;", "&"))
    assert re.search(rf'<input type="radio" name="tier" value="{tiers[1]}"[^>]* checked', form)
    # On the campaign page the header's button goes straight to the form just below the hero.
    assert '<a class="button button-small" href="#donate">' in html
    assert html.index('id="donate"') < html.index('<section class="section')


def test_the_progress_bar_shows_a_started_campaign_even_at_1_percent(client, campaign):
    html = html_of(client, "/")

    assert re.search(r'<progress id="progress-onetime" class="started"[^>]* value="1"', html)
    assert "目標の1%" in html and "目標の2%" in html
