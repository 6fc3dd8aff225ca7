"""The seed's texts in the seven languages added to Japanese and English, one module a language,
written for the site and not yet checked by a native speaker (none carries a review: staff see
them under "not reviewed in …"). Each module's TEXTS follows the same shape:

- "campaign": the headline ("title") and its summary ("lead");
- "tiers": the impact of each suggested amount, by amount;
- "funding": the funding sources' labels, in the order of loader.FUNDING;
- "programs": each programme's name, tagline and summary, by slug;
- "sections": section texts by section kind (the cheering messages' heading).

やさしい日本語 keeps few kanji, each with its reading as `{漢字|かんじ}` (rendered as <ruby>)."""

from seed.translated import ja_x_easy, ko, ne, pt_br, tl, vi, zh_hans

TRANSLATIONS = {
    "ja-x-easy": ja_x_easy.TEXTS,
    "zh-hans": zh_hans.TEXTS,
    "vi": vi.TEXTS,
    "ko": ko.TEXTS,
    "pt-br": pt_br.TEXTS,
    "tl": tl.TEXTS,
    "ne": ne.TEXTS,
}
