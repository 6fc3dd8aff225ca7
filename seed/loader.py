"""The campaign as the NPO published it (../shared/seed/campaign-page.ja.txt), as database rows.

Loading creates what is missing and leaves existing rows alone, so running it twice changes
nothing and never overwrites what staff have edited since.
"""

import datetime

from django.db import transaction

from campaigns.models import (
    Campaign,
    CampaignSection,
    FundingSource,
    ImpactTier,
)
from donations.models import Donation
from jii_campaign.models import BankAccount, InfoPage, Organisation
from programs.models import Program
from seed.info_pages import PAGES
from testimonials.models import Testimonial

CAMPAIGN_SLUG = "monthly-supporters"

ORGANISATION = {
    "name": "特定非営利活動法人アジア人文文化交流促進協会",
    "short_name": "JIIパートナーズ",
    "email": "info@j-ii.org",
}

CAMPAIGN = {
    "title": "マンスリーサポーター募集キャンペーン|「小さな理解」から広がるやさしい共生の未来",
    "lead": "あなたの応援が、対立ではなく新しい“対話”を育みます",
    "monthly_goal_supporters": 50,
    "onetime_goal_amount": 1_500_000,
    "starts_on": datetime.date(2026, 11, 1),
    "ends_on": datetime.date(2026, 12, 31),
    "is_published": True,
    "tier_group_from": 10_000,
    "give_one_text": "寄付控除による税制優遇措置を希望の方は",
    "give_one_link_text": "Give Oneからご寄付ください",
    "give_one_url": "https://giveone.net/",
    "share_hashtag": "小さな理解",
}

Kind = CampaignSection.Kind
SECTIONS = [
    {
        "kind": Kind.STORY,
        "heading": "「小さな理解」から、社会は変えられる",
        "subheading": "約395万人の外国人が日本で暮らす今、まだ十分に理解されていない現実",
        "body": (
            "街、電車、スーパー、学校。\n"
            "すぐ近くにいる外国人が、どんな背景で日本にいて、どんな思いで暮らしているか、"
            "私たちはまだあまり知りません。\n\n"
            "人口減少が進む日本では、外国人住民の数が増え、今では約395万人が日本で暮らしています。"
            "社会の一員として生きようとする彼らがいる一方で、まだ十分に受け入れられていない現実もあります。"
        ),
        "quotes": (
            "「どう声をかけたらいいか分からない」\n"
            "「文化がよくわからないから面倒に感じる」\n"
            "「見た目が違うからこわい」"
        ),
        "closing": (
            "——そう感じて、関わりを避けてしまうこともあるでしょう。\n\n"
            "異なる文化や価値観、外見に、戸惑いや不安を覚えるのはごく自然なことです。"
            "でも、その“距離”をそのままにしてしまうと、誤解や対立が生まれてしまうことがあります。"
        ),
    },
    {
        "kind": Kind.STORY,
        "heading": "「小さな理解」から始まる共生の第一歩",
        "body": (
            "日本社会にとって、新しい住民とともに暮らすには、対話がかかせません。"
            "しかし現状では、個人同士がつながり、互いに理解し、対話できる場がとても限られています。\n"
            "小さな対話が生まれるだけで、相手への見方や気持ちに変化が生まれます。"
            "だからこそ私たちは、対立ではなく、”対話”から始まる社会を育てたい\n\n"
            "それが、多文化の人々が共に生きるための第一歩だと信じています。"
        ),
    },
    {
        "kind": Kind.STORY,
        "heading": "私たちは外国人住民と日本人が”つながる場”を作っています",
        "subheading": "私たちのミッションは、外国人住民が日本に馴染みやすくすること",
        "body": (
            "そのために、外国人住民と日本人がつながり、少しずつ理解し合える活動をしています。\n\n"
            "活動を通して生まれるのは、日常の中にある「小さな理解」の瞬間です。"
        ),
        "quotes": (
            "「日本人と話すのは少し怖かったけど、今では一緒に笑える友達ができた」\n"
            "「外国の方と話してみたら、思っていたよりずっと身近に感じられて楽しかった」"
        ),
        "closing": (
            "誰かが見方を変え、誰かが受け入れられていると感じる——\n"
            "そんな「小さな理解」が、社会を少しずつやさしくします。\n"
            "対話の輪を広げるその一歩を、ぜひ一緒に支えてください!"
        ),
        "show_give_one": True,
    },
    {
        "kind": Kind.PROGRAMS,
        "heading": "私たちのプログラム",
        "closing": (
            "こうした取り組みの一つ一つが「お互いを知り、理解し合う」多文化共生の社会を育てる土台になっています。\n"
            "その土台を、より多くの地域や人に広げていくためには、継続的な支えが欠かせません。"
        ),
    },
    {
        "kind": Kind.STORY,
        "heading": "あなたの一歩が、“小さな理解”の輪を広げます",
        "body": (
            "あなたの応援が、外国人住民が日本に馴染みやすくなるきっかけを増やし、"
            "誰かの“はじめての安心”や“ほっとできるつながり”を支える力になります。\n\n"
            "誰もが安心して暮らせる、やさしい共生の未来を一緒に育てていきませんか?"
        ),
        "show_give_one": True,
    },
    {
        "kind": Kind.TESTIMONIALS,
        "heading": "参加者の声",
        "body": "活動に参加した人たちから、たくさんの声が届いています。",
    },
    {"kind": Kind.MESSAGES, "heading": "応援メッセージ", "show_give_one": True},
    {
        "kind": Kind.IMPACT,
        "heading": "あなたの応援が“対話の輪”を広げます",
        "body": (
            "私たちの活動は、参加者の会費(15%)と、助成金や皆さまからのご寄付(85%)によって支えられています。\n"
            "皆さまの継続的なご支援があるからこそ、活動を安定して続け、"
            "より多くの方に「小さな理解」の輪を広げることができます。"
        ),
        "closing": "より多くの人、地域にやさしい共生の輪を広げるために、ぜひ応援をよろしくお願いします。",
        "show_give_one": True,
    },
    {
        "kind": Kind.BANK,
        "heading": "銀行振込口座",
        "body": "銀行振込でのご寄付をご希望の方は、以下の口座にお振込みをお願いいたします。",
        "closing": (
            "※ 銀行振込でご寄付いただいた方にもお礼を申し上げたく、お手数ですが、"
            "info@j-ii.orgもしくはお問い合わせフォームよりご連絡いただけますと幸いです。"
        ),
    },
    {
        "kind": Kind.SHARE,
        "heading": "SNSで #小さな理解 を付けて投稿しよう!",
        "body": "あなたが”小さな理解”を経験したストーリーをSNSでシェアしてください!",
    },
]

TIERS = [
    (3_000, "外国人住民の手続きの困り事を1つ解決できます"),
    (
        5_000,
        "一人の外国人住民が安心して日本の生活に馴染むための、6か月にわたる交流をサポートできます",
    ),
    (10_000, "地域で子どもの学習支援クラスを1回開催できます"),
    (30_000, "10人の外国人住民が日本人とつながる機会を得られます"),
    (100_000, "地域に向けて多文化共生を学ぶ機会を提供できます"),
]

FUNDING = [("参加者の会費", 15), ("助成金・寄付", 85)]

PROGRAMS = [
    {
        "slug": "otonarisan",
        "name": "おとなりさん・ファミリーフレンド・プログラム",
        "tagline": "対話を生む",
        "summary": (
            "私たちは、外国人住民の日本人の「小さな理解」の瞬間が生まれるよう、"
            "日本で暮らす外国人と地域の人をつなぐおとなりさん・ファミリーフレンド・プログラムを運営しています。\n\n"
            "ペアになった外国人住民と日本人が、半年間ゆるやかにお互いの暮らしを分かち合う。\n"
            "お互いの国のことを話したり、子育ての相談をしたり、買い物に行ったり、季節の行事を体験したり。\n\n"
            "そうする中で少しずつ、イメージの中の「外国人」ではなく、"
            "すぐそばにいる「おとなりさん」として向き合えるようになってきます"
        ),
    },
    {
        "slug": "spot-otonarisan",
        "name": "スポットおとなりさん",
        "tagline": "生活の困りごとを単発でサポートする",
        "summary": (
            "私たちは、その他にもさまざまな形で外国人住民と地域の人がつながる場を広げています。"
            "たとえば、生活の困りごとを抱える外国人住民を、ボランティアが単発でサポートする"
            "「スポットおとなりさん」。手続きの同行や言語面のサポートをします。"
        ),
    },
    {
        "slug": "hanamaru-class",
        "name": "はなまるクラス",
        "tagline": "外国にルーツを持つ子どもたちの学びを支える",
        "summary": (
            "外国にルーツのある子どものための「はなまるクラス」では、"
            "ボランティアと一緒に日本語の読み書きを楽しく学びます。"
            "外国人家庭では日本語の読み書きを教えられないことが多く、"
            "将来への影響が懸念される子どもたちを支え、日本の学校生活への自信を育んでいます。"
        ),
    },
    {
        "slug": "kurashi-consultation",
        "name": "くらしの相談",
        "tagline": "専門家と連携し、生活課題を共に解決する",
        "summary": (
            "また「くらしの相談」では、外国人住民が直面する難しい問題に対し、"
            "様々な専門家と連携し解決に取り組んでいます。"
        ),
    },
]

TESTIMONIALS = [
    (
        "おとなりさんのおかげで、日本語を話す自信がつき、食事や会話を通じて日本の文化をもっと学べるようになりました",
        "40代男性",
        "アメリカ",
        "otonarisan",
    ),
    (
        "一緒にご飯を食べたり、趣味の映画鑑賞について話したりする中で、新しい視点を得たり、"
        "勉強にもなったりして、とても刺激的で有意義な時間を過ごせました",
        "30代女性",
        "中国",
        "otonarisan",
    ),
    (
        "保育園の見学予約や、その後入園手続きまでサポートしてもらえて本当に頼りになりました",
        "30代夫婦",
        "カナダ",
        "spot-otonarisan",
    ),
    (
        "親が教えられない部分を丁寧に教えてもらえてとても助かっています",
        "40代女性",
        "アメリカ",
        "hanamaru-class",
    ),
]

BANK_ACCOUNT = {
    "bank_name": "住信SBIネット銀行",
    "bank_code": "0038",
    "branch_name": "法人第一支店",
    "branch_code": "106",
    "account_type": BankAccount.AccountType.ORDINARY,
    "account_number": "1418300",
    "holder_name": "特定非営利活動法人アジア人文文化交流促進協会",
    "holder_kana": "トクヒ)アジアジンブンブンカコウリユウソクシンキヨウカイ",
}

# The figures the old page showed enter the ledger as gifts received outside this site.
LEDGER = [
    {
        "reference": "seed-monthly-1",
        "frequency": Donation.Frequency.MONTHLY,
        "amount": 3_000,
        "note": "移行前のページで受け付けたマンスリーサポーター（金額は仮の値です）",
    },
    {
        "reference": "seed-onetime-1",
        "frequency": Donation.Frequency.ONCE,
        "amount": 23_000,
        "note": "移行前のページで受け付けた今回だけのご寄付の合計",
    },
]


def load():
    """Create what is missing; return the number of rows created."""
    with transaction.atomic():
        created = 0
        if not Organisation.objects.exists():
            Organisation.objects.create(**ORGANISATION)
            created += 1
        # Tables staff have started to fill are left alone: staff may rename slugs.
        if not Campaign.objects.exists():
            campaign = Campaign.objects.create(slug=CAMPAIGN_SLUG, **CAMPAIGN)
            created += 1 + _campaign_children(campaign)
        if not Program.objects.exists():
            Program.objects.bulk_create(
                Program(**fields, order=order) for order, fields in enumerate(PROGRAMS)
            )
            created += len(PROGRAMS)
        if not Testimonial.objects.exists():
            programs = {program.slug: program for program in Program.objects.all()}
            Testimonial.objects.bulk_create(
                Testimonial(quote=q, speaker=s, country=c, program=programs.get(p), order=i)
                for i, (q, s, c, p) in enumerate(TESTIMONIALS)
            )
            created += len(TESTIMONIALS)
        if not BankAccount.objects.exists():
            BankAccount.objects.create(**BANK_ACCOUNT)
            created += 1
        for order, fields in enumerate(PAGES):
            created += InfoPage.objects.get_or_create(
                slug=fields["slug"], defaults={**fields, "order": order}
            )[1]
        campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
        for gift in LEDGER:
            if campaign and not Donation.objects.filter(reference=gift["reference"]).exists():
                Donation.record_offline(campaign=campaign, **gift)
                created += 1
    return created


def _campaign_children(campaign):
    CampaignSection.objects.bulk_create(
        CampaignSection(campaign=campaign, order=i * 10, **fields)
        for i, fields in enumerate(SECTIONS)
    )
    ImpactTier.objects.bulk_create(
        ImpactTier(campaign=campaign, amount=a, impact=text, order=i)
        for i, (a, text) in enumerate(TIERS)
    )
    FundingSource.objects.bulk_create(
        FundingSource(campaign=campaign, label=label, percent=p, order=i)
        for i, (label, p) in enumerate(FUNDING)
    )
    return len(SECTIONS) + len(TIERS) + len(FUNDING)
