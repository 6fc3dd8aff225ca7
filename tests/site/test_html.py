"""Every public page is valid, semantic HTML: one h1, landmarks, unique ids, headings in order,
images with alt text and labelled form controls."""

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from programs.models import Program
from testimonials.models import SupportMessage
from tests.support.html_checks import https_client, page_problems
from tests.support.personas import SITE_PROGRAMME, SITE_URLS, bilingual_site


@pytest.fixture
def client():
    return https_client()


@pytest.fixture
def site(db):
    """A published campaign with every kind of public page, in both languages."""
    return bilingual_site()


@pytest.mark.parametrize("url", SITE_URLS)
def test_public_pages_are_valid_and_semantic(client, site, url):
    response = client.get(url)

    assert response.status_code == 200
    assert page_problems(response.content.decode()) == []


def test_the_campaign_page_stays_valid_with_messages_and_images(client, site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    SupportMessage.objects.create(
        campaign=site,
        display_name="山田",
        body="応援しています\n頑張ってください",
        status=SupportMessage.Status.APPROVED,
    )
    site.hero_image = small_png("hero.png")
    site.hero_image_alt = "交流会で話す参加者"
    site.save()
    program = Program.objects.get(slug=SITE_PROGRAMME)
    program.body = "## 参加の流れ\n\n説明会のあと、ペアを決めます。"
    program.image = small_png("pair.png")
    program.save()

    for url in ["/", program.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert page_problems(html) == [], url
    html = client.get("/").content.decode()
    assert "応援しています<br>頑張ってください" in html
    assert 'alt="交流会で話す参加者" width="40" height="30"' in html


def small_png(name):
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=name)


VALID_PAGE = """<!doctype html><html lang="ja"><body>
<header><nav><a href="/">JII</a></nav></header>
<main id="main"><h1>寄付</h1><section><h2>方法</h2><h3>月々</h3></section>
<img src="a.png" alt=""><label for="amount">金額</label><input id="amount" name="amount">
<label><input type="checkbox" name="agree"> 同意します</label><input type="hidden" name="t">
</main><footer><p>JII</p></footer></body></html>"""


def test_the_checker_accepts_a_valid_page():
    assert page_problems(VALID_PAGE) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("<h2>方法</h2>", ""), "heading level skips from h1 to h3"),
        (("<h1>寄付</h1>", "<h1>寄付</h1><h1>二つ目</h1>"), "2 h1 elements"),
        (('<main id="main">', "<div>"), "0 main landmarks"),
        (("<header>", "<div>"), "0 banner landmarks"),
        (("<footer>", "<div>"), "0 contentinfo landmarks"),
        (("<section>", '<section id="main">'), "duplicate ids: ['main']"),
        (('alt=""', ""), "<img src='a.png'> has no alt"),
        (('<label for="amount">金額</label>', ""), "form control 'amount' has no label"),
        (('lang="ja"', ""), "<html> has no lang"),
    ],
)
def test_the_checker_reports_each_kind_of_problem(change, problem):
    old, new = change
    broken = VALID_PAGE.replace(old, new, 1)
    assert broken != VALID_PAGE

    assert any(found.startswith(problem) for found in page_problems(broken)), page_problems(broken)
