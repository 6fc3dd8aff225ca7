"""Standalone pages loaded with the seed. Lines marked 【要記入】 are for staff to complete
in the admin before card payments go live (Stripe Japan checks the 特定商取引法 page)."""

PAGES = [
    {
        "slug": "tokushoho",
        "title": "特定商取引法に基づく表記",
        "title_en": "Legal notice (Specified Commercial Transactions Act)",
        "body_en": """## Organisation
Association for the Promotion of Asian Humanities and Cultural Exchange (JII Partners), a specified non-profit corporation

## Representative
[To be completed]

## Address
[To be completed]

## Phone number
[To be completed] (we also welcome enquiries by email)

## Email address
info@j-ii.org

## Donation amount
The amount you choose on the donation form (no tax or fees added). Monthly Supporters give the same amount every month.

## Other costs
Bank transfer fees and the cost of your internet connection are borne by the donor.

## Payment methods
Credit or debit card (processed by Stripe), bank transfer

## When payment is taken
One-time donations: when you make the donation.
Monthly Supporters: the first payment when you sign up, then on the same day every month.

## When the donation is complete
A donation is complete once the payment has gone through. We send a thank-you email straight after the payment.

## Cancellation and refunds
Monthly Supporters can cancel at any time, using the link in the thank-you email or the “Manage your monthly donation” page. No further payments are taken after you cancel.
Because of the nature of donations, we do not refund completed payments. If the amount was wrong, for example, please contact info@j-ii.org.""",
        "body": """## 事業者
特定非営利活動法人アジア人文文化交流促進協会（JIIパートナーズ）

## 代表者
【要記入】

## 所在地
【要記入】

## 電話番号
【要記入】（お問い合わせはメールでも受け付けています）

## メールアドレス
info@j-ii.org

## 寄付金額
寄付フォームでご指定いただいた金額（税込・手数料なし）。マンスリーサポーターは毎月同じ金額です。

## 代金以外に必要な費用
銀行振込の場合の振込手数料、インターネット接続に必要な通信料はご寄付くださる方のご負担となります。

## お支払い方法
クレジットカード・デビットカード（Stripe による決済）、銀行振込

## お支払い時期
今回だけのご寄付：お申し込みの時点で決済されます。
マンスリーサポーター：初回はお申し込みの時点、2回目以降は毎月同じ日に決済されます。

## ご寄付の提供時期
寄付は決済の完了をもって成立します。お礼のメールを決済後すぐにお送りします。

## 解約・返金について
マンスリーサポーターはいつでも、お礼のメールに記載のリンクまたは「マンスリー寄付の管理」ページから解約できます。解約の手続き後、次回以降の決済は行われません。
ご寄付の性質上、決済完了後の返金はお受けしておりません。金額の誤りなどがあった場合は info@j-ii.org までご連絡ください。""",
    },
    {
        "slug": "privacy",
        "title": "プライバシーポリシー",
        "title_en": "Privacy policy",
        "body_en": """The Association for the Promotion of Asian Humanities and Cultural Exchange (“we”) handles the personal information of our donors as follows.

## What we collect
Your name, email address, the amount and date of your donation, how you wish to be shown, and your cheering message. Card numbers are collected directly by our payment provider, Stripe; we never store them.

## Why we use it
- To receive and process your donation and to thank you and confirm receipt
- To help Monthly Supporters continue, change or cancel their donation
- To report on our activities (only if you wish)

## Sharing with others
We do not give your information to anyone else without your consent, except where the law requires it. We entrust Stripe, Inc. with what it needs to process payments.

## What we publish
We publish your name or cheering message only in the way you chose (name, nickname or anonymous), and only after we have reviewed it.

## Contact
To see, correct or delete your personal information, please contact info@j-ii.org.""",
        "body": """特定非営利活動法人アジア人文文化交流促進協会（以下「当会」）は、ご寄付くださる皆さまの個人情報を次のとおり取り扱います。

## 取得する情報
お名前、メールアドレス、ご寄付の金額と日時、公開方法のご希望、応援メッセージ。カード番号は決済代行会社 Stripe が直接取得し、当会は保存しません。

## 利用目的
- ご寄付の受付、決済、お礼と領収のご連絡
- マンスリーサポーターの継続・変更・解約のご案内
- 当会の活動報告（ご希望の方のみ）

## 第三者への提供
法令に基づく場合を除き、ご本人の同意なく第三者に提供しません。決済のため Stripe, Inc. に必要な情報を預託します。

## 公開について
お名前や応援メッセージは、ご希望いただいた方法（お名前・ニックネーム・匿名）で、当会が確認したものだけを掲載します。

## お問い合わせ
個人情報の開示・訂正・削除のご請求は info@j-ii.org までご連絡ください。""",
    },
    {
        "slug": "terms",
        "title": "寄付規約",
        "title_en": "Donation terms",
        "body_en": """These terms cover donations to the Association for the Promotion of Asian Humanities and Cultural Exchange (“we”). Please read them and agree to them before you donate.

## Purpose of donations
Donations are used for our work connecting foreign residents and Japanese people (the Neighbours & Family Friends Programme, Spot Neighbours, the Hanamaru Class, Life Consultations and more) and for running the organisation.

## When a donation is made
A donation is made once the payment has gone through. Monthly Supporters give the same amount every month until they cancel.

## Cancelling
Monthly Supporters can cancel at any time, using the link in the thank-you email or the “Manage your monthly donation” page.

## Refunds
Because of the nature of donations, we do not refund a completed donation. Obvious mistakes, such as a duplicate payment, will be refunded.

## Tax
We are not a certified NPO, so donations through this site are not tax-deductible. If you would like a tax deduction, please donate through Give One.

## Anti-social forces
We cannot accept donations from anti-social forces (organised crime groups and the like).""",
        "body": """この規約は、特定非営利活動法人アジア人文文化交流促進協会（以下「当会」）へのご寄付について定めるものです。ご寄付の前にお読みいただき、同意のうえお申し込みください。

## 寄付の目的
ご寄付は、外国人住民と日本人をつなぐ当会の活動（おとなりさん・ファミリーフレンド・プログラム、スポットおとなりさん、はなまるクラス、くらしの相談など）とその運営に使わせていただきます。

## 寄付の成立
ご寄付は決済の完了をもって成立します。マンスリーサポーターは、解約のお手続きまで毎月同じ金額のご寄付をいただくものです。

## 解約
マンスリーサポーターはいつでも解約できます。お礼のメールのリンク、または「マンスリー寄付の管理」ページからお手続きください。

## 返金
ご寄付の性質上、成立したご寄付の返金はお受けしておりません。ただし、重複した決済など明らかな誤りは返金いたします。

## 税制上の扱い
当会は認定NPO法人ではないため、このサイトからのご寄付は寄付金控除の対象になりません。控除をご希望の方は Give One からご寄付ください。

## 反社会的勢力の排除
反社会的勢力からのご寄付はお受けできません。""",
    },
    {
        "slug": "other-ways",
        "title": "その他の支援方法",
        "title_en": "Other ways to support us",
        "body_en": """Besides donating, there are many ways to help the circle of “small understanding” grow.

## Volunteer with us
We are looking for partners for the Neighbours & Family Friends Programme, volunteers for Spot Neighbours, and learning supporters for the Hanamaru Class.

## Give with a tax deduction
If you would like a tax deduction, please donate through Give One.

## Give by bank transfer
See “Bank transfer” on the campaign page. We would be grateful if you let us know at info@j-ii.org after your transfer.

## Share on social media
Post the story of your own “small understanding” with the campaign hashtag.""",
        "show_in_footer": False,
        "body": """寄付のほかにも、さまざまな形で「小さな理解」の輪を広げる活動を応援していただけます。

## ボランティアとして参加する
おとなりさん・ファミリーフレンド・プログラムのペア、スポットおとなりさん、はなまるクラスの学習サポーターを募集しています。

## 寄付金控除を受けてご寄付する
寄付控除による税制優遇措置を希望の方は、Give One からご寄付ください。

## 銀行振込でご寄付する
キャンペーンページの「銀行振込口座」をご覧ください。お振込みのあと info@j-ii.org までご連絡いただけますと幸いです。

## SNSでシェアする
#小さな理解 を付けて、あなたが経験した“小さな理解”のストーリーを投稿してください。""",
    },
]
