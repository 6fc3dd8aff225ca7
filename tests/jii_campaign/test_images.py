"""Images staff upload in the admin are checked (type, size) and scaled down before storing."""

import os
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from campaigns.models import Campaign
from tests.support.html_checks import form_data, https_client
from tests.support.personas import bilingual_site
from tests.support.staff_personas import signed_in


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def campaign(db):
    """A campaign with sections, tiers and funding sources: the admin form with every inline."""
    return bilingual_site()


@pytest.fixture
def staff_client(django_user_model):
    return signed_in(django_user_model.objects.create_superuser("admin", "a@example.org", None))


def image_file(name, size, image_format, noise=False, orientation=None):
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    buffer = BytesIO()
    image.save(buffer, format=image_format, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format}")


def upload_hero_image(staff_client, campaign, upload):
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = form_data(staff_client.get(url).content.decode(), "campaign_form")
    data.update(hero_image=upload, hero_image_alt_ja="交流会の様子")
    return staff_client.post(url, data)


def test_a_text_file_named_like_a_photo_is_rejected(staff_client, campaign, tmp_path):
    upload = SimpleUploadedFile("x.jpg", b"not a photo at all\n", content_type="image/jpeg")

    response = upload_hero_image(staff_client, campaign, upload)

    assert response.status_code == 200
    error = (
        "画像をアップロードしてください。アップロードしたファイルは画像でないか、"
        "または壊れています。"
    )
    html = response.content.decode()
    assert f'<ul class="errorlist" id="id_hero_image_error"><li>{error}</li>' in html
    campaign.refresh_from_db()
    assert not campaign.hero_image
    assert not list(tmp_path.rglob("*"))


def test_an_image_in_another_format_is_rejected(staff_client, campaign):
    response = upload_hero_image(staff_client, campaign, image_file("x.gif", (40, 30), "GIF"))

    assert response.status_code == 200
    assert (
        "JPEG・PNG・WebP のいずれかの形式でアップロードしてください。" in response.content.decode()
    )
    campaign.refresh_from_db()
    assert not campaign.hero_image


def test_an_image_over_the_size_limit_is_rejected(staff_client, campaign, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1024 * 1024
    upload = image_file("big.png", (800, 600), "PNG", noise=True)
    assert upload.size > settings.IMAGE_UPLOAD_MAX_BYTES

    response = upload_hero_image(staff_client, campaign, upload)

    assert response.status_code == 200
    assert "画像が大きすぎます（上限 1 MB）。" in response.content.decode()


@pytest.mark.slow
def test_a_large_photo_is_stored_scaled_down(staff_client, campaign):
    upload = image_file("hero.png", (4000, 3000), "PNG")
    response = upload_hero_image(staff_client, campaign, upload)

    assert response.status_code == 302
    campaign = Campaign.objects.get(pk=campaign.pk)
    with Image.open(campaign.hero_image.path) as stored:
        assert stored.size == (2400, 1800)
        assert stored.format == "PNG"


@pytest.mark.slow
def test_the_hero_offers_webp_and_jpeg_renditions_made_once_on_upload(staff_client, campaign):
    upload_hero_image(staff_client, campaign, image_file("hero.png", (4000, 3000), "PNG"))
    campaign = Campaign.objects.get(pk=campaign.pk)

    renditions = campaign.hero_renditions
    assert [(r["width"], r["height"]) for r in renditions] == [(480, 360), (960, 720), (1600, 1200)]
    for rendition in renditions:
        for kind, image_format in [("webp", "WEBP"), ("jpeg", "JPEG")]:
            with Image.open(campaign.hero_image.storage.path(rendition[kind])) as copy:
                assert (copy.format, copy.width) == (image_format, rendition["width"])
    html = https_client().get("/").content.decode()
    webp = ", ".join(f"/media/{r['webp']} {r['width']}w" for r in renditions)
    assert f'<source type="image/webp" srcset="{webp}"' in html
    assert 'alt="交流会の様子" width="1600" height="1200"' in html

    # Saving the campaign again without a new photo makes no new copies.
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = form_data(staff_client.get(url).content.decode(), "campaign_form")
    assert staff_client.post(url, data).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).hero_renditions == renditions


def test_the_page_survives_an_image_file_lost_from_storage(staff_client, campaign):
    upload_hero_image(staff_client, campaign, image_file("hero.png", (800, 600), "PNG"))
    campaign = Campaign.objects.get(pk=campaign.pk)
    Path(campaign.hero_image.path).unlink()

    response = https_client().get("/")

    assert response.status_code == 200
    assert 'width="800" height="600"' in response.content.decode()


def test_a_small_image_is_stored_as_uploaded(staff_client, campaign):
    upload = image_file("small.jpg", (1200, 800), "JPEG")
    original = upload.read()
    upload.seek(0)

    assert upload_hero_image(staff_client, campaign, upload).status_code == 302

    campaign = Campaign.objects.get(pk=campaign.pk)
    with campaign.hero_image.open("rb") as stored:
        assert stored.read() == original


@pytest.mark.parametrize(
    ("size", "stored_size"), [((4000, 3000), (1800, 2400)), ((600, 400), (400, 600))]
)
def test_a_phone_photo_is_stored_upright(staff_client, campaign, size, stored_size):
    # Orientation 6: the camera was turned, the viewer must rotate the pixels 90° clockwise.
    upload = image_file("phone.jpg", size, "JPEG", orientation=6)

    assert upload_hero_image(staff_client, campaign, upload).status_code == 302

    campaign = Campaign.objects.get(pk=campaign.pk)
    with Image.open(campaign.hero_image.path) as stored:
        assert stored.size == stored_size
        assert stored.getexif().get(ExifTags.Base.Orientation, 1) == 1


def test_a_phone_camera_jpeg_read_as_mpo_is_accepted_and_stored_as_jpeg(staff_client, campaign):
    frame = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    buffer = BytesIO()
    frame.save(buffer, format="MPO", save_all=True, append_images=[frame])  # as cameras do
    with Image.open(BytesIO(buffer.getvalue())) as read_back:
        assert read_back.format == "MPO"
    upload = SimpleUploadedFile("phone.jpg", buffer.getvalue(), content_type="image/jpeg")

    response = upload_hero_image(staff_client, campaign, upload)

    assert response.status_code == 302
    with Image.open(Campaign.objects.get(pk=campaign.pk).hero_image.path) as stored:
        assert stored.format == "JPEG"


def test_staff_can_still_save_a_campaign_whose_image_file_was_lost(staff_client, campaign):
    upload_hero_image(staff_client, campaign, image_file("hero.png", (800, 600), "PNG"))
    campaign = Campaign.objects.get(pk=campaign.pk)
    Path(campaign.hero_image.path).unlink()
    # As for a row stored before image sizes were kept: the size is unknown too.
    Campaign.objects.filter(pk=campaign.pk).update(hero_image_width=None, hero_image_height=None)

    assert https_client().get("/").status_code == 200
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = form_data(staff_client.get(url).content.decode(), "campaign_form")
    data["lead_ja"] = "新しいリード文"
    assert staff_client.post(url, data).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).lead == "新しいリード文"
