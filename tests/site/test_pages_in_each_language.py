"""A reader of any offered language other than Japanese sees no Japanese interface text: with
the staff-written text in their language, whatever Japanese a page shows outside lang="ja…"
escaped the catalogue (on a Chinese page, which shares the ideographs, kana does)."""

import pytest

from tests.support.fake_stripe import confirm_and_pay, donation_form
from tests.support.language_sites import NOT_JAPANESE, japanese_outside_marks, site_written_in

PAGES = [
    "/",
    "/campaigns/{slug}/",
    "/donate/",
    "/donate/manage/",
    "/programs/neighbours/",
    "/testimonials/participants/",
    "/testimonials/volunteers/",
    "/campaigns/{slug}/messages/",
    "/campaigns/{slug}/messages/new/",
    *(f"/pages/{slug}/" for slug in ["tokushoho", "privacy", "terms", "other-ways"]),
]


@pytest.mark.parametrize("language", NOT_JAPANESE)
def test_each_languages_pages_show_no_japanese_interface_text(client, db, language):
    campaign = site_written_in(language)
    found = {}
    for page in PAGES:
        url = f"/{language}{page.format(slug=campaign.slug)}"
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = japanese_outside_marks(response.content.decode(), language)
    assert {url: shown for url, shown in found.items() if shown} == {}


@pytest.mark.parametrize("language", NOT_JAPANESE)
def test_each_languages_giving_steps_show_no_japanese(client, db, language):
    campaign = site_written_in(language)
    typed = {"donor_name": "Ann Lee"}
    mistakes = client.post(
        f"/{language}/donate/confirm/", donation_form(campaign, donor_email="", **typed)
    )
    confirmation = client.post(f"/{language}/donate/confirm/", donation_form(campaign, **typed))
    pay, _ = confirm_and_pay(client, donation_form(campaign, **typed), prefix=f"/{language}")
    checkout = client.get(pay["Location"])
    thanks = client.get(client.post(pay["Location"], {"outcome": "pay"})["Location"])

    for step, response in [
        ("mistakes", mistakes),
        ("confirmation", confirmation),
        ("checkout", checkout),
        ("thanks", thanks),
    ]:
        assert response.status_code in (200, 400), step
        assert japanese_outside_marks(response.content.decode(), language) == [], step
