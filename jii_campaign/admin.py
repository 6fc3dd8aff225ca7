"""The admin for site-wide content: the organisation, standalone pages, the bank account; and
`TranslatedAdmin`, which every admin of staff-written text uses: its change form shows the
Japanese and ONE other language, chosen with a selector above the form (`?language=vi`,
remembered in the staff member's session), so staff are not faced with nine boxes per field;
saving it leaves the languages not shown untouched. Its list filters what lacks a language and
what nobody has checked in it (jii_campaign/translation_reviews.py)."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from jii_campaign.models import BankAccount, InfoPage, Organisation
from jii_campaign.translation_gaps import lacking, missing_fields
from jii_campaign.translation_reviews import (
    TranslationReview,
    review_of,
    target_languages,
    translated_fields,
    unreviewed_ids,
)

# Staff paste addresses without a scheme ("giveone.net/..."): complete them as https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
LANGUAGE_PARAMETER = "language"
LANGUAGE_SESSION_KEY = "admin_translation_language"
FORM_LANGUAGE_FIELD = "_translation_language"
DEFAULT_EDITING_LANGUAGE = "en"
REVIEW_FIELD = "translation_reviewed"


def language_name(code):
    return str(dict(settings.LANGUAGES)[code])


def editing_language(request):
    """The language shown beside Japanese: for a posted form, the one it was shown in (another
    tab may have chosen another since: the form must not blank the fields it did not show);
    else the URL's choice, else this staff member's last one."""
    languages = target_languages()
    if request.method == "POST" and request.POST.get(FORM_LANGUAGE_FIELD) in languages:
        return request.POST[FORM_LANGUAGE_FIELD]
    chosen = request.GET.get(LANGUAGE_PARAMETER)
    if chosen in languages:
        if request.session.get(LANGUAGE_SESSION_KEY) != chosen:
            request.session[LANGUAGE_SESSION_KEY] = chosen
        return chosen
    remembered = request.session.get(LANGUAGE_SESSION_KEY)
    if remembered in languages:
        return remembered
    return DEFAULT_EDITING_LANGUAGE if DEFAULT_EDITING_LANGUAGE in languages else languages[0]


def hidden_translations(model, language):
    """The field names of the languages not shown: neither Japanese nor `language`."""
    return {
        build_localized_fieldname(name, code)
        for name in translated_fields(model)
        for code in target_languages()
        if code != language
    }


def _without(fields, hidden):
    kept = []
    for field in fields:
        if isinstance(field, (list, tuple)):
            line = [name for name in field if name not in hidden]
            if line:
                kept.append(tuple(line))
        elif field not in hidden:
            kept.append(field)
    return kept


class OneLanguageMixin:
    """For a TranslationAdmin or a translation inline: only the Japanese and the chosen
    language's fields are in the form, so a save cannot change the others."""

    def get_exclude(self, request, obj=None):
        hidden = hidden_translations(self.model, editing_language(request))
        return [*(super().get_exclude(request, obj) or []), *sorted(hidden)]

    def get_fieldsets(self, request, obj=None):
        hidden = hidden_translations(self.model, editing_language(request))
        return [
            (name, {**options, "fields": _without(options["fields"], hidden)})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_prepopulated_fields(self, request, obj=None):
        hidden = hidden_translations(self.model, editing_language(request))
        return {
            field: [source for source in sources if source not in hidden]
            for field, sources in super().get_prepopulated_fields(request, obj).items()
            if field not in hidden
        }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = getattr(db_field, "language", None)
        if field is not None and language:
            # Screen readers, spelling checkers and fonts then treat the text as its language.
            self._get_widget_from_field(field).attrs["lang"] = language
        return field


class LacksTranslationFilter(admin.SimpleListFilter):
    """Rows with a text written in Japanese and still empty in the chosen language."""

    title = _("lacks translation in")
    parameter_name = "lacks"

    def lookups(self, request, model_admin):
        return [(code, language_name(code)) for code in target_languages()]

    def queryset(self, request, queryset):
        if self.value() in target_languages():
            return lacking(queryset, self.value())
        return queryset


class NotReviewedFilter(admin.SimpleListFilter):
    """Rows whose current text in the chosen language nobody has checked."""

    title = _("not reviewed in")
    parameter_name = "unreviewed"

    def lookups(self, request, model_admin):
        return [(code, language_name(code)) for code in target_languages()]

    def queryset(self, request, queryset):
        if self.value() in target_languages():
            return queryset.filter(pk__in=unreviewed_ids(queryset, self.value()))
        return queryset


class TranslatedAdmin(OneLanguageMixin, TranslationAdmin):
    """Japanese and one chosen language; a box to record that a person checked that language;
    the list marks and filters what lacks a language or its check."""

    change_form_template = "admin/translated_change_form.html"

    def get_list_display(self, request):
        chosen = request.GET.get(LacksTranslationFilter.parameter_name)
        return [*super().get_list_display(request), _gaps_column(chosen)]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), LacksTranslationFilter, NotReviewedFilter]

    def get_form(self, request, obj=None, **kwargs):
        if self.has_change_permission(request, obj):
            language = editing_language(request)
            review = review_of(obj, language) if obj is not None and obj.pk else None
            checkbox = forms.BooleanField(
                label=_("A person has checked the %(language)s text against the Japanese")
                % {"language": language_name(language)},
                required=False,
                help_text=_review_status(review, obj),
            )
            kwargs["form"] = type(self.form.__name__, (self.form,), {REVIEW_FIELD: checkbox})
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        # The review box is a field the form declares; the template shows it after the inlines,
        # since a check covers the rows edited there too.
        return [
            (name, {**options, "fields": _without(options["fields"], {REVIEW_FIELD})})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.cleaned_data.get(REVIEW_FIELD):
            # Recorded after the inlines are saved: the check covers the texts as saved.
            TranslationReview.record(form.instance, editing_language(request), request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        language = editing_language(request)
        context = {
            "translation_language": language,
            "translation_languages": [
                (code, language_name(code), code == language) for code in target_languages()
            ],
            "translation_kept_parameters": [
                (key, value) for key, value in request.GET.items() if key != LANGUAGE_PARAMETER
            ],
            **(extra_context or {}),
        }
        return super().changeform_view(request, object_id, form_url, context)


def _gaps_column(language):
    """The list's column: with "lacks translation in" chosen, what that language lacks; else
    how many languages lack something (the filter then names them)."""

    if language in target_languages():

        @admin.display(description=_("Lacks translation"))
        def gaps(obj):
            return ", ".join(missing_fields(obj, language)) or "✓"

    else:

        @admin.display(description=_("Lacks translation"))
        def gaps(obj):
            count = sum(1 for code in target_languages() if missing_fields(obj, code))
            if not count:
                return "✓"
            return ngettext("%(count)d language", "%(count)d languages", count) % {"count": count}

    return gaps


def _review_status(review, obj):
    if review is None:
        return _("Not reviewed yet.")
    values = {
        "person": review.reviewed_by or _("a former member of staff"),
        "date": formats.date_format(timezone.localtime(review.reviewed_at), "DATE_FORMAT"),
    }
    if review.is_current(obj):
        return _("Reviewed by %(person)s on %(date)s.") % values
    return _("Reviewed by %(person)s on %(date)s, but the texts have been edited since.") % values


@admin.register(Organisation)
class OrganisationAdmin(TranslatedAdmin):
    list_display = ["name", "short_name", "email"]
    formfield_overrides = HTTPS_URLS

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Organisation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InfoPage)
class InfoPageAdmin(TranslatedAdmin):
    list_display = ["title", "slug", "show_in_footer", "order", "updated_at"]
    list_editable = ["order"]
    search_fields = ["title", "body"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj and obj.slug in InfoPage.REQUIRED_SLUGS else []

    def has_delete_permission(self, request, obj=None):
        # Only staff allowed to delete pages, and never a page the site requires.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.slug not in InfoPage.REQUIRED_SLUGS)


@admin.register(BankAccount)
class BankAccountAdmin(TranslatedAdmin):
    list_display = ["bank_name", "branch_name", "account_type", "account_number", "is_active"]


@admin.register(LogEntry)
class StaffLogAdmin(admin.ModelAdmin):
    """Who did what in the admin, and who opened donors' personal data
    (donations/staff/access_records.py): read only, for those granted it (管理者)."""

    list_display = ["action_time", "user", "content_type", "object_repr", "message"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["user__username", "object_repr", "change_message"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"

    @admin.display(description=_("Change message"))
    def message(self, entry):
        return entry.get_change_message()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
