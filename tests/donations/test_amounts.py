import re

import pytest

from donations.amounts import parse_yen
from jii_campaign.money import format_yen
from tests.support.gifts import tiers


@pytest.mark.parametrize(
    "typed",
    ["3000", "3,000", "¥3,000", "￥3,000", "３０００", "３，０００", " 3000 ", "3000円", "\\3,000"],
)
def test_the_ways_donors_type_three_thousand_yen(typed):
    assert parse_yen(typed) == 3000


@pytest.mark.parametrize(
    "typed",
    ["3000.5", "3000.0", "3.000,00", "三千", "three thousand", "-500", "1e4", "3000ドル", "", "¥"],
)
def test_decimals_words_and_signs_are_refused_not_rounded(typed):
    with pytest.raises(ValueError):
        parse_yen(typed)


def test_digits_from_other_scripts_are_refused():
    # Arabic-Indic digits pass str.isdigit() but are not what a Japanese donor means by yen.
    with pytest.raises(ValueError):
        parse_yen("٣٠٠٠")


@pytest.mark.parametrize(
    ("amount", "written"), [(0, "¥0"), (500, "¥500"), (1_000_000, "¥1,000,000")]
)
def test_yen_is_written_one_way(amount, written):
    assert format_yen(amount) == written


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_amount_on_the_page_reads_the_same_in_both_languages(client, campaign, prefix):
    tiers(campaign, 3_000, 12_000)
    html = client.get(f"{prefix}/").content.decode()

    assert "¥3,000" in html and "¥12,000" in html  # tiers, the form's choices
    assert f"¥{campaign.min_amount:,}" in html  # the form's range
    assert not re.search(r"\d円(?!単位)", html)  # "1円単位" is a step, not an amount
