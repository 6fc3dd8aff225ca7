"""Every translated field of every model in the apps' translation.py can be edited in each
language through the admin, on the object's own change form or inside its parent's."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from jii_campaign.admin import TranslatedAdmin
from jii_campaign.models import BankAccount
from jii_campaign.translation_reviews import target_languages, translated_fields
from tests.support.personas import bilingual_site
from tests.support.staff_personas import SECRETARIAT, member, signed_in
from tests.support.update_factories import update

LANGUAGES = target_languages()


@pytest.fixture
def site(db):
    campaign = bilingual_site()
    update(campaign)
    return campaign


def change_forms(client, language):
    """Each translated admin's change form of its first object, in `language`, by model."""
    pages = {}
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, TranslatedAdmin):
            obj = model.objects.first()
            assert obj is not None, model
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
            response = client.get(f"{url}?language={language}")
            assert response.status_code == 200, url
            pages[model] = (model_admin, response.content.decode())
    return pages


@pytest.mark.slow  # nine change forms a language
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translated_field_has_its_box_in_each_language(site, language):
    client = signed_in(User.objects.create_superuser("admin", "a@example.org", None))
    pages = change_forms(client, language)

    covered = set()
    for model, (model_admin, html) in pages.items():
        # The object's own boxes are named after the field; an inline row's begin "<prefix>-0-".
        edited = [(model, 'name="')] + [(inline.model, "-0-") for inline in model_admin.inlines]
        for edited_model, before in edited:
            covered.add(edited_model)
            for name in translated_fields(edited_model):
                for code in ("ja", language):
                    localized = build_localized_fieldname(name, code)
                    assert f'{before}{localized}"' in html, (model, localized)
    assert covered == set(translator.get_registered_models())


def test_staff_who_may_only_view_see_the_form_without_the_review_box(site):
    client = signed_in(member("jimukyoku", SECRETARIAT))

    account = BankAccount.objects.first()
    response = client.get(f"/admin/jii_campaign/bankaccount/{account.pk}/change/?language=vi")

    html = response.content.decode()
    assert response.status_code == 200
    assert "translation_reviewed" not in html and "bank_name_vi" in html
