"""The campaign as the NPO published it (../shared/seed/campaign-page.ja.txt), as database rows.

Loading creates what is missing and leaves existing rows alone, so running it twice changes
nothing and never overwrites what staff have edited since.
"""

import datetime

from django.db import transaction
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

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
from seed.translated import TRANSLATIONS
from testimonials.models import Testimonial

CAMPAIGN_SLUG = "monthly-supporters"

ORGANISATION = {
    "name": "特定非営利活動法人アジア人文文化交流促進協会",
    "short_name": "JIIパートナーズ",
    "email": "info@j-ii.org",
    "name_en": "Association for the Promotion of Asian Humanities and Cultural Exchange",
    "short_name_en": "JII Partners",
}

CAMPAIGN = {
    "title": "マンスリーサポーター募集キャンペーン|「小さな理解」から広がるやさしい共生の未来",
    "lead": "あなたの応援が、対立ではなく新しい“対話”を育みます",
    "title_en": "Become a Monthly Supporter: a kinder future together, growing from “small understandings”",
    "lead_en": "Your support nurtures dialogue, not division.",
    "monthly_goal_supporters": 50,
    "onetime_goal_amount": 1_500_000,
    "starts_on": datetime.date(2026, 11, 1),
    "ends_on": datetime.date(2026, 12, 31),
    "is_published": True,
    "tier_group_from": 10_000,
    "give_one_text": "寄付控除による税制優遇措置を希望の方は",
    "give_one_link_text": "Give Oneからご寄付ください",
    "give_one_url": "https://giveone.net/",
    "give_one_text_en": "If you would like your gift to be tax-deductible,",
    "give_one_link_text_en": "please donate through Give One",
    "share_hashtag": "小さな理解",
}

Kind = CampaignSection.Kind
SECTIONS = [
    {
        "kind": Kind.STORY,
        "heading": "「小さな理解」から、社会は変えられる",
        "heading_en": "Society can change, one “small understanding” at a time",
        "subheading_en": "About 3.95 million foreign residents now live in Japan, and their reality is still not well understood",
        "body_en": (
            "In our towns, on the train, at the supermarket, at school.\n"
            "We still know very little about the foreign residents right next to us: why they came to Japan, "
            "and how they feel about their lives here.\n\n"
            "As Japan's population shrinks, the number of foreign residents keeps growing; about 3.95 million now live here. "
            "Many of them are trying to make their lives here as members of society, yet they are still not fully accepted."
        ),
        "quotes_en": (
            "“I don't know how to start a conversation.”\n"
            "“I don't really understand their culture, so it feels like a hassle.”\n"
            "“They look different, so I'm a bit scared.”"
        ),
        "closing_en": (
            "Feeling this way, some of us simply keep our distance.\n\n"
            "It is perfectly natural to feel unsure or uneasy about different cultures, values or looks. "
            "But when that distance is left as it is, misunderstanding and conflict can grow."
        ),
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
        "heading_en": "Living together starts with a “small understanding”",
        "body_en": (
            "For Japan to live well with its new residents, dialogue is essential. "
            "Yet today there are very few places where people can meet one to one, understand each other and talk.\n"
            "Even a small conversation changes how we see and feel about someone. "
            "That is why we want to grow a society that starts from dialogue, not division.\n\n"
            "We believe this is the first step towards people of many cultures living together."
        ),
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
        "heading_en": "We create places where foreign residents and Japanese people connect",
        "subheading_en": "Our mission: to help foreign residents feel at home in Japan",
        "body_en": (
            "To that end, we run activities where foreign residents and Japanese people meet "
            "and, little by little, come to understand each other.\n\n"
            "What grows from them are moments of “small understanding” in everyday life."
        ),
        "quotes_en": (
            "“I was a little afraid of talking to Japanese people, but now I have friends I can laugh with.”\n"
            "“When I actually talked with people from abroad, they felt much closer than I had imagined, and it was fun.”"
        ),
        "closing_en": (
            "Someone sees things differently; someone feels accepted.\n"
            "Small understandings like these make society a little kinder, step by step.\n"
            "Please help us take the next step and widen the circle of dialogue!"
        ),
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
    },
    {
        "kind": Kind.PROGRAMS,
        "heading": "私たちのプログラム",
        "heading_en": "Our programmes",
        "closing_en": (
            "Each of these activities lays the foundation for a multicultural society where people get to know and understand one another.\n"
            "To extend that foundation to more places and more people, we need steady, ongoing support."
        ),
        "closing": (
            "こうした取り組みの一つ一つが「お互いを知り、理解し合う」多文化共生の社会を育てる土台になっています。\n"
            "その土台を、より多くの地域や人に広げていくためには、継続的な支えが欠かせません。"
        ),
    },
    {
        "kind": Kind.STORY,
        "heading": "あなたの一歩が、“小さな理解”の輪を広げます",
        "heading_en": "Your step widens the circle of “small understanding”",
        "body_en": (
            "Your support creates more chances for foreign residents to settle into life in Japan, "
            "and helps someone find their first sense of safety or a connection that puts them at ease.\n\n"
            "Will you help us grow a kinder future in which everyone can live with peace of mind?"
        ),
        "body": (
            "あなたの応援が、外国人住民が日本に馴染みやすくなるきっかけを増やし、"
            "誰かの“はじめての安心”や“ほっとできるつながり”を支える力になります。\n\n"
            "誰もが安心して暮らせる、やさしい共生の未来を一緒に育てていきませんか?"
        ),
    },
    {
        "kind": Kind.TESTIMONIALS,
        "heading": "参加者の声",
        "heading_en": "What participants say",
        "body_en": "We hear from many of the people who have taken part in our activities.",
        "body": "活動に参加した人たちから、たくさんの声が届いています。",
    },
    {"kind": Kind.MESSAGES, "heading": "応援メッセージ", "heading_en": "Cheering messages"},
    {
        "kind": Kind.IMPACT,
        "heading": "あなたの応援が“対話の輪”を広げます",
        "heading_en": "Your support widens the circle of dialogue",
        "body_en": (
            "Our work is funded by participants' fees (15%) and by grants and donations from people like you (85%).\n"
            "Because of your continued support, we can keep our activities going steadily "
            "and spread “small understandings” to more people."
        ),
        "closing_en": "Please support us, so that a kinder way of living together can reach more people and more places.",
        "body": (
            "私たちの活動は、参加者の会費(15%)と、助成金や皆さまからのご寄付(85%)によって支えられています。\n"
            "皆さまの継続的なご支援があるからこそ、活動を安定して続け、"
            "より多くの方に「小さな理解」の輪を広げることができます。"
        ),
        "closing": "より多くの人、地域にやさしい共生の輪を広げるために、ぜひ応援をよろしくお願いします。",
    },
    {
        "kind": Kind.BANK,
        "heading": "銀行振込口座",
        "heading_en": "Bank transfer",
        "body_en": "If you would like to give by bank transfer, please use the account below.",
        "closing_en": (
            "* We would love to thank everyone who gives by bank transfer too, "
            "so please let us know at info@j-ii.org or through our contact form."
        ),
        "body": "銀行振込でのご寄付をご希望の方は、以下の口座にお振込みをお願いいたします。",
        "closing": (
            "※ 銀行振込でご寄付いただいた方にもお礼を申し上げたく、お手数ですが、"
            "info@j-ii.orgもしくはお問い合わせフォームよりご連絡いただけますと幸いです。"
        ),
    },
    {
        "kind": Kind.SHARE,
        "heading": "SNSで #小さな理解 を付けて投稿しよう!",
        "heading_en": "Share your “small understanding” on social media",
        "body_en": "Tell the story of your own “small understanding” on social media, with the campaign hashtag!",
        "body": "あなたが”小さな理解”を経験したストーリーをSNSでシェアしてください!",
    },
]

TIERS = [
    (
        3_000,
        "外国人住民の手続きの困り事を1つ解決できます",
        "solves one paperwork problem a foreign resident is stuck with",
    ),
    (
        5_000,
        "一人の外国人住民が安心して日本の生活に馴染むための、6か月にわたる交流をサポートできます",
        "supports six months of friendship that helps one foreign resident settle into life in Japan with confidence",
    ),
    (
        10_000,
        "地域で子どもの学習支援クラスを1回開催できます",
        "runs one local study class for children",
    ),
    (
        30_000,
        "10人の外国人住民が日本人とつながる機会を得られます",
        "gives ten foreign residents the chance to connect with Japanese neighbours",
    ),
    (
        100_000,
        "地域に向けて多文化共生を学ぶ機会を提供できます",
        "offers a local community a chance to learn about living together across cultures",
    ),
]

FUNDING = [("参加者の会費", "Participants' fees", 15), ("助成金・寄付", "Grants and donations", 85)]

PROGRAMS = [
    {
        "slug": "otonarisan",
        "name": "おとなりさん・ファミリーフレンド・プログラム",
        "name_en": "Neighbours & Family Friends Programme",
        "tagline_en": "Sparking conversations",
        "summary_en": (
            "To create moments of “small understanding” between foreign residents and Japanese people, "
            "we run the Neighbours & Family Friends Programme, which connects foreigners living in Japan with local people.\n\n"
            "A foreign resident and a Japanese resident are paired up and, over six months, gently share their everyday lives.\n"
            "They talk about their home countries, swap advice on raising children, go shopping together and enjoy seasonal events.\n\n"
            "Little by little, they stop seeing an imagined “foreigner” and start seeing the “neighbour” right beside them."
        ),
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
        "name_en": "Spot Neighbours",
        "tagline_en": "One-off help with everyday difficulties",
        "summary_en": (
            "We also open up many other ways for foreign residents and local people to connect. "
            "One is Spot Neighbours, in which volunteers give one-off help to foreign residents facing everyday difficulties: "
            "going with them to offices and helping with language."
        ),
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
        "name_en": "Hanamaru Class",
        "tagline_en": "Supporting the learning of children with roots abroad",
        "summary_en": (
            "In the Hanamaru Class, children with roots abroad enjoy learning to read and write Japanese with volunteers. "
            "Parents from abroad often cannot teach Japanese reading and writing at home, which can affect a child's future; "
            "the class supports these children and builds their confidence at school in Japan."
        ),
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
        "name_en": "Life Consultations",
        "tagline_en": "Solving everyday problems together with specialists",
        "summary_en": (
            "In Life Consultations, we work with a range of specialists to help foreign residents "
            "resolve the difficult problems they face."
        ),
        "tagline": "専門家と連携し、生活課題を共に解決する",
        "summary": (
            "また「くらしの相談」では、外国人住民が直面する難しい問題に対し、"
            "様々な専門家と連携し解決に取り組んでいます。"
        ),
    },
]

TESTIMONIALS = [
    {
        "quote": "おとなりさんのおかげで、日本語を話す自信がつき、食事や会話を通じて日本の文化をもっと学べるようになりました",
        "quote_en": "Thanks to my neighbours I gained confidence speaking Japanese, and through meals and conversations I learned much more about Japanese culture.",
        "speaker": "40代男性",
        "speaker_en": "Man in his 40s",
        "country": "アメリカ",
        "country_en": "USA",
        "program": "otonarisan",
    },
    {
        "quote": (
            "一緒にご飯を食べたり、趣味の映画鑑賞について話したりする中で、新しい視点を得たり、"
            "勉強にもなったりして、とても刺激的で有意義な時間を過ごせました"
        ),
        "quote_en": (
            "Eating together and talking about our love of films gave me new perspectives and taught me a lot. "
            "It was a really stimulating, worthwhile time."
        ),
        "speaker": "30代女性",
        "speaker_en": "Woman in her 30s",
        "country": "中国",
        "country_en": "China",
        "program": "otonarisan",
    },
    {
        "quote": "保育園の見学予約や、その後入園手続きまでサポートしてもらえて本当に頼りになりました",
        "quote_en": "They helped us book a nursery visit and then all the way through enrolment. We could really count on them.",
        "speaker": "30代夫婦",
        "speaker_en": "Couple in their 30s",
        "country": "カナダ",
        "country_en": "Canada",
        "program": "spot-otonarisan",
    },
    {
        "quote": "親が教えられない部分を丁寧に教えてもらえてとても助かっています",
        "quote_en": "They patiently teach what we as parents cannot, and it helps us so much.",
        "speaker": "40代女性",
        "speaker_en": "Woman in her 40s",
        "country": "アメリカ",
        "country_en": "USA",
        "program": "hanamaru-class",
    },
]

BANK_ACCOUNT = {
    "bank_name": "住信SBIネット銀行",
    "bank_code": "0038",
    "branch_name": "法人第一支店",
    "bank_name_en": "SBI Sumishin Net Bank",
    "branch_name_en": "Corporate Branch No. 1 (Hojin Daiichi)",
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
    """Create what is missing and add the seed's English and other languages where a row still
    has the seed's Japanese and nothing in that language yet; return the number of rows created."""
    with transaction.atomic(), translation.override("ja"):
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
                Testimonial(**{**fields, "program": programs.get(fields["program"])}, order=i)
                for i, fields in enumerate(TESTIMONIALS)
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
        _add_missing_english()
        _add_translations()
    return created


def _campaign_children(campaign):
    CampaignSection.objects.bulk_create(
        CampaignSection(campaign=campaign, order=i * 10, **fields)
        for i, fields in enumerate(SECTIONS)
    )
    ImpactTier.objects.bulk_create(
        ImpactTier(campaign=campaign, amount=a, impact=ja, impact_en=en, order=i)
        for i, (a, ja, en) in enumerate(TIERS)
    )
    FundingSource.objects.bulk_create(
        FundingSource(campaign=campaign, label=ja, label_en=en, percent=p, order=i)
        for i, (ja, en, p) in enumerate(FUNDING)
    )
    return len(SECTIONS) + len(TIERS) + len(FUNDING)


def _add_missing_english():
    """For a database seeded before the English existed: fill each English value that is still
    empty on a row whose Japanese is still the seed's own (staff edits are never touched)."""
    tiers = [{"impact": ja, "impact_en": en} for _, ja, en in TIERS]
    funding = [{"label": ja, "label_en": en} for ja, en, _ in FUNDING]
    for model, key, rows in [
        (Organisation, "name", [ORGANISATION]),
        (Campaign, "title", [CAMPAIGN]),
        (CampaignSection, "heading", SECTIONS),
        (ImpactTier, "impact", tiers),
        (FundingSource, "label", funding),
        (Program, "name", PROGRAMS),
        (Testimonial, "quote", TESTIMONIALS),
        (BankAccount, "bank_name", [BANK_ACCOUNT]),
        (InfoPage, "title", PAGES),
    ]:
        for row in rows:
            for obj in model.objects.filter(**{f"{key}_ja": row[key]}):
                _fill_english(obj, row)


def _fill_english(obj, row):
    changed = []
    for name, english in row.items():
        japanese = name.removesuffix("_en")
        if name == japanese or getattr(obj, name):
            continue
        if getattr(obj, f"{japanese}_ja") == row.get(japanese):
            setattr(obj, name, english)
            changed.append(name)
    if changed:
        obj.save(update_fields=changed)


def _add_translations():
    """The seed's texts in the languages of seed/translated/, each written into a row only where
    that language is still empty and the row's Japanese is still the seed's own. None is marked
    reviewed: a person checks each language in the admin (docs/staff-guide.md)."""
    for language, texts in TRANSLATIONS.items():
        japanese_title = {"title": CAMPAIGN["title"], "lead": CAMPAIGN["lead"]}
        for campaign in Campaign.objects.filter(title_ja=CAMPAIGN["title"]):
            _fill(campaign, language, japanese_title, texts["campaign"])
        for amount, japanese, _english in TIERS:
            for tier in ImpactTier.objects.filter(amount=amount, impact_ja=japanese):
                _fill(tier, language, {"impact": japanese}, {"impact": texts["tiers"][amount]})
        for (japanese, _english, _percent), label in zip(FUNDING, texts["funding"], strict=True):
            for source in FundingSource.objects.filter(label_ja=japanese):
                _fill(source, language, {"label": japanese}, {"label": label})
        for fields in PROGRAMS:
            for program in Program.objects.filter(slug=fields["slug"]):
                _fill(program, language, fields, texts["programs"][fields["slug"]])
        for section_fields in SECTIONS:
            translated = texts["sections"].get(section_fields["kind"])
            if translated:
                rows = CampaignSection.objects.filter(
                    kind=section_fields["kind"], heading_ja=section_fields["heading"]
                )
                for section in rows:
                    _fill(section, language, section_fields, translated)


def _fill(obj, language, japanese, translated):
    changed = []
    for name, text in translated.items():
        field = build_localized_fieldname(name, language)
        if getattr(obj, field) or getattr(obj, f"{name}_ja") != japanese.get(name):
            continue
        setattr(obj, field, text)
        changed.append(field)
    if changed:
        obj.save(update_fields=changed)
