"""The public pages show the NPO's seed content, follow the ledger and stay cheap to serve."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign_pages.campaign_page import LATEST_MESSAGES
from campaigns.models import Campaign
from donations.models import Donation
from programs.models import Program
from testimonials import models as testimonials
from testimonials.models import SupportMessage
from tests.support.html_checks import LEGAL_PAGES, PROGRAMMES, PUBLIC_URLS, https_client


@pytest.fixture
def client():
    return https_client()


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def progress_values(html):
    return dict(re.findall(r'<progress id="progress-(\w+)"[^>]* value="(\d+)"', html))


def test_the_campaign_page_shows_the_seed(client, seeded):
    html = html_of(client, "/")

    assert '<html lang="ja">' in html
    assert f'<h1 id="campaign-title">{seeded.title}</h1>' in html
    assert "あなたの応援が、対立ではなく新しい“対話”を育みます" in html
    for figure in ["<dd>1人</dd>", "<dd>50人</dd>", "<dd>¥23,000</dd>", "<dd>¥1,500,000</dd>"]:
        assert figure in html
    for name in PROGRAMMES.values():
        assert name in html
    for text in [
        "約395万人の外国人が日本で暮らす今、まだ十分に理解されていない現実",
        "「見た目が違うからこわい」",
        "「日本人と話すのは少し怖かったけど、今では一緒に笑える友達ができた」",
        "（40代男性・アメリカ/おとなりさん・ファミリーフレンド・プログラム）",
        "30代夫婦・カナダ/スポットおとなりさん",
        "40代女性・アメリカ/はなまるクラス",
        "まだ応援メッセージはありません",
        "外国人住民の手続きの困り事を1つ解決できます",
        "¥10,000以上で",
        "<strong>¥100,000</strong></a> → 地域に向けて多文化共生を学ぶ機会を提供できます",
        "住信SBIネット銀行（金融機関コード0038）",
        "法人第一支店（支店コード106）",
        "<dd>1418300</dd>",
        "特定非営利活動法人アジア人文文化交流促進協会",
        "トクヒ)アジアジンブンブンカコウリユウソクシンキヨウカイ",
        "info@j-ii.orgもしくはお問い合わせフォームよりご連絡いただけますと幸いです",
        "SNSで #小さな理解 を付けて投稿しよう!",
    ]:
        assert text in html, text
    assert 'href="/testimonials/participants/">その他の外国人参加者体験談はこちら' in html
    assert 'href="/testimonials/volunteers/">ボランティアの体験談はこちら' in html
    assert 'href="/pages/other-ways/">その他の支援方法はこちら' in html
    for slug in PROGRAMMES:
        assert f'href="/programs/{slug}/"' in html


def test_the_sections_come_in_the_seeds_order(client, seeded):
    html = html_of(client, "/")

    headings = [
        "マンスリーサポーター",
        "今回だけのご寄付",
        "「小さな理解」から、社会は変えられる",
        "「小さな理解」から始まる共生の第一歩",
        "”つながる場”を作っています",
        "対話を生む「おとなりさん・ファミリーフレンド・プログラム」",
        "外国にルーツを持つ子どもたちの学びを支える「はなまるクラス」",
        "あなたの一歩が、“小さな理解”の輪を広げます",
        "参加者の声",
        "応援メッセージ</h2>",
        "あなたの応援が“対話の輪”を広げます",
        "参加者の会費 15%",
        "¥3,000で",
        "¥10,000以上で",
        "銀行振込口座",
        "SNSで #小さな理解 を付けて投稿しよう!",
    ]
    positions = [html.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_the_give_one_note_sits_once_beside_the_form(client, seeded):
    html = html_of(client, "/")

    note = (
        '寄付控除による税制優遇措置を希望の方は <a href="https://giveone.net/" '
        'rel="noopener">Give Oneからご寄付ください</a>'
    )
    assert html.count(note) == 1
    assert "<aside" not in html  # one repeated landmark per note made axe complain
    donate_box = re.search(r'<section class="donate-box".*?</section>', html, re.S).group(0)
    assert donate_box.index("</form>") < donate_box.index(note)


def test_staff_can_add_the_give_one_note_after_a_section(client, seeded):
    section = seeded.sections.get(kind="bank")
    section.show_give_one = True
    section.save()

    html = html_of(client, "/")

    note = "寄付控除による税制優遇措置を希望の方は"
    assert html.count(note) == 2
    assert html.index("銀行振込口座</h2>") < html.rindex(note) < html.index("SNSで #小さな理解")


def test_the_funding_mix_is_drawn_as_an_accessible_chart(client, seeded):
    html = html_of(client, "/")

    figure = re.search(r'<figure class="funding-chart">.*?</figure>', html, re.S).group(0)
    svg = re.search(r"<svg[^>]*>.*?</svg>", figure, re.S).group(0)
    assert 'aria-hidden="true"' in svg  # the legend says it in words
    assert "活動を支える財源の内訳" in figure
    assert "参加者の会費 15%" in figure and "助成金・寄付 85%" in figure
    widths = [int(w) for w in re.findall(r'<rect [^>]*width="(\d+)"', svg)]
    assert widths == [15, 85]


def test_share_links_carry_the_hashtag_and_the_campaign_address(client, seeded):
    html = html_of(client, "/")

    links = re.findall(r'<ul class="share-links">(.*?)</ul>', html, re.S)[0]
    hrefs = [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', links)]
    assert [urlsplit(href).netloc for href in hrefs] == [
        "twitter.com",
        "www.facebook.com",
        "social-plugins.line.me",
    ]
    campaign_url = "http://testserver/campaigns/monthly-supporters/"
    x_query, facebook_query, line_query = (parse_qs(urlsplit(href).query) for href in hrefs)
    assert x_query["url"] == [campaign_url]
    assert x_query["text"][0].startswith("#小さな理解 ")
    assert facebook_query["u"] == [campaign_url]
    assert line_query["url"] == [campaign_url]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_no_page_loads_a_third_party_script(client, seeded, url):
    html = html_of(client, url)

    sources = re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", html)
    assert sources == ["/static/js/site.js"]
    assert "<iframe" not in html


@pytest.mark.parametrize(("slug", "name"), PROGRAMMES.items())
def test_each_programme_has_its_own_page(client, seeded, slug, name):
    html = html_of(client, f"/programs/{slug}/")

    program = Program.objects.get(slug=slug)
    assert f"<h1>{name}</h1>" in html
    assert program.summary.split("\n")[0][:40] in html
    for other in Program.objects.exclude(pk=program.pk):
        assert other.get_absolute_url() in html


def test_a_programme_page_shows_only_its_own_testimonials(client, seeded):
    html = html_of(client, "/programs/otonarisan/")

    assert "40代男性・アメリカ/おとなりさん・ファミリーフレンド・プログラム" in html
    assert "30代女性・中国/おとなりさん・ファミリーフレンド・プログラム" in html
    assert "40代女性・アメリカ/はなまるクラス" not in html


def test_an_unpublished_programme_is_hidden(client, seeded):
    Program.objects.filter(slug="hanamaru-class").update(is_published=False)

    assert client.get("/programs/hanamaru-class/").status_code == 404
    assert "はなまるクラスについて詳しく" not in html_of(client, "/")


def test_the_participants_page_lists_every_participant(client, seeded):
    html = html_of(client, "/testimonials/participants/")

    assert "<h1>外国人参加者の体験談</h1>" in html
    for testimonial in testimonials.Testimonial.objects.all():
        assert testimonial.attribution in html


def test_volunteer_testimonials_have_their_own_page(client, seeded):
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
    assert "40代男性・アメリカ" not in html
    assert "子どもたちの成長" not in html_of(client, "/")
    assert client.get("/testimonials/staff/").status_code == 404


@pytest.mark.parametrize(
    ("slug", "texts"),
    [
        ("tokushoho", ["<h2>事業者</h2>", "<h2>解約・返金について</h2>", "info@j-ii.org"]),
        ("privacy", ["<h2>利用目的</h2>", "<li>ご寄付の受付、決済、お礼と領収のご連絡</li>"]),
        ("terms", ["<h2>寄付の成立</h2>", "Give One からご寄付ください"]),
        ("other-ways", ["<h1>その他の支援方法</h1>", "<h2>ボランティアとして参加する</h2>"]),
    ],
)
def test_the_standalone_pages_show_what_staff_wrote(client, seeded, slug, texts):
    html = html_of(client, f"/pages/{slug}/")

    for text in texts:
        assert text in html


ENGLISH_NAME = "Association for the Promotion of Asian Humanities and Cultural Exchange"
ENGLISH_LEGAL_PAGES = {
    "tokushoho": "Legal notice (Specified Commercial Transactions Act)",
    "privacy": "Privacy policy",
    "terms": "Donation terms",
}


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_the_footer_links_to_the_legal_pages(client, seeded, url):
    html = html_of(client, url)

    footer = html[html.index("<footer") :]
    english = url.startswith("/en/")
    assert (ENGLISH_NAME if english else "特定非営利活動法人アジア人文文化交流促進協会") in footer
    assert 'href="mailto:info@j-ii.org"' in footer
    prefix = "/en" if english else ""
    for slug, title in (ENGLISH_LEGAL_PAGES if english else LEGAL_PAGES).items():
        assert f'<a href="{prefix}/pages/{slug}/">{title}</a>' in footer


def test_the_english_address_serves_the_page_in_english(client, seeded):
    html = html_of(client, "/en/")

    assert '<html lang="en">' in html
    assert seeded.title in html
    assert '<a href="/" hreflang="ja" lang="ja">日本語</a>' in html
    assert '<a href="/en/" hreflang="en" lang="en">English</a>' in html_of(client, "/")


def test_an_unpublished_campaign_is_not_shown(client, seeded):
    Campaign.objects.update(is_published=False)

    assert client.get("/").status_code == 404
    assert client.get(seeded.get_absolute_url()).status_code == 404


def test_a_campaign_that_has_not_started_is_not_featured(client, seeded):
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
    assert seeded.title in html
    assert "来年のキャンペーン" not in html


# --- counters follow the ledger -----------------------------------------------------------------


def test_a_one_time_gift_moves_the_raised_total(client, seeded):
    Donation.record_offline(campaign=seeded, frequency=Donation.Frequency.ONCE, amount=5_000)

    html = html_of(client, "/")
    assert "<dd>¥28,000</dd>" in html
    assert "<dd>¥23,000</dd>" not in html


@pytest.mark.django_db(transaction=True)
def test_a_new_monthly_supporter_is_counted(client, seeded):
    assert progress_values(html_of(client, "/"))["monthly"] == "2"

    Donation.record_offline(campaign=seeded, frequency=Donation.Frequency.MONTHLY, amount=1_000)

    html = html_of(client, "/")
    assert "<dd>2人</dd>" in html
    assert progress_values(html)["monthly"] == "4"


@pytest.mark.django_db(transaction=True)
def test_the_progress_bars_follow_the_ledger_up_to_full(client, seeded):
    assert progress_values(html_of(client, "/"))["onetime"] == "1"

    Donation.record_offline(campaign=seeded, frequency=Donation.Frequency.ONCE, amount=127_000)
    assert progress_values(html_of(client, "/"))["onetime"] == "10"

    Donation.record_offline(campaign=seeded, frequency=Donation.Frequency.ONCE, amount=1_500_000)
    html = html_of(client, "/")
    assert progress_values(html)["onetime"] == "100"
    assert "<dd>¥1,650,000</dd>" in html


def test_a_cancelled_monthly_supporter_is_no_longer_counted(client, seeded):
    seeded.donations.get(frequency=Donation.Frequency.MONTHLY).cancel()

    assert "<dd>0人</dd>" in html_of(client, "/")


def days_left_shown(html):
    return re.findall(r'<p class="days-left">残り(\d+)日</p>', html)


def test_the_last_day_still_counts(client, seeded):
    today = timezone.localdate()
    Campaign.objects.filter(pk=seeded.pk).update(
        starts_on=today - datetime.timedelta(days=30), ends_on=today
    )

    assert days_left_shown(html_of(client, "/")) == ["1"]


def test_an_ended_campaign_shows_no_days_left(client, seeded):
    today = timezone.localdate()
    Campaign.objects.filter(pk=seeded.pk).update(
        starts_on=today - datetime.timedelta(days=30), ends_on=today - datetime.timedelta(days=1)
    )

    assert days_left_shown(html_of(client, "/")) == ["0"]


def test_days_left_count_down_to_the_end_date(client, seeded):
    today = timezone.localdate()
    Campaign.objects.filter(pk=seeded.pk).update(
        starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=9)
    )

    assert days_left_shown(html_of(client, "/")) == ["10"]


# --- cheap to serve ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_set_no_cookie_and_may_be_cached(client, seeded, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "public" in response.headers["Cache-Control"]
    assert "Cookie" not in response.headers.get("Vary", "")


def test_a_cold_render_of_the_campaign_page_takes_a_few_queries_whatever_the_data(client, seeded):
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200

    for i in range(100):
        Donation.record_offline(campaign=seeded, frequency=Donation.Frequency.ONCE, amount=1_000)
        Donation.record_offline(
            campaign=seeded, frequency=Donation.Frequency.MONTHLY, amount=1_000 + i
        )
    programme = Program.objects.get(slug="otonarisan")
    testimonials.Testimonial.objects.bulk_create(
        testimonials.Testimonial(
            quote=f"声 {i}", speaker="20代", country="ベトナム", program=programme
        )
        for i in range(200)
    )
    SupportMessage.objects.bulk_create(
        SupportMessage(
            campaign=seeded,
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
    assert "<dd>101人</dd>" in html and "<dd>¥123,000</dd>" in html
    assert html.count("20代・ベトナム") == 200
    assert html.count("<p>応援しています</p>") == LATEST_MESSAGES  # the newest messages only
    assert len(large.captured_queries) == len(small.captured_queries) <= 8, [
        query["sql"] for query in large.captured_queries
    ]


def test_every_tier_leads_to_the_form_with_its_amount_chosen(client, seeded):
    html = html_of(client, "/")

    links = re.findall(r'href="(/donate/\?campaign=[^"]+#donation-form)"', html)
    amounts = [parse_qs(urlsplit(link.replace("&amp;", "&")).query)["amount"] for link in links]
    assert amounts == [["3000"], ["5000"], ["10000"], ["30000"], ["100000"]]
    form = html_of(client, links[1].replace("&amp;", "&"))
    assert re.search(r'<input type="radio" name="tier" value="5000"[^>]* checked', form)
    # On the campaign page the header's button goes straight to the form just below the hero.
    assert '<a class="button button-small" href="#donate">' in html
    assert html.index('id="donate"') < html.index('<section class="section')


def test_the_progress_bar_shows_a_started_campaign_even_at_1_percent(client, seeded):
    html = html_of(client, "/")

    assert re.search(r'<progress id="progress-onetime" class="started"[^>]* value="1"', html)
    assert "目標の1%" in html and "目標の2%" in html
