"""Whether a person has checked an object's text in one language: who, when, and a fingerprint of
the texts they approved (the Japanese and that language's, with the rows edited inside the
object's form). A review counts only while the texts are still the ones approved: an edit of
either language, from the admin, a command or the seed, makes it stale, and a stale review counts
as not reviewed, so a changed translation is never shown as checked."""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

SOURCE_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
# Rows staff edit inside their parent's form are reviewed with their parent.
REVIEWED_WITH_PARENT = {"campaigns.campaign": ("sections", "tiers", "funding_sources")}
SEPARATOR = "\x1f"  # the ASCII unit separator: typed text never holds it


def target_languages():
    """The languages texts are translated into: every offered one but the Japanese source."""
    return [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def translated_fields(model):
    from modeltranslation.translator import translator

    return list(translator.get_options_for_model(model).fields)


def child_relations(model):
    """The reverse relations whose rows are translated and reviewed with `model`'s rows."""
    return [model._meta.get_field(name) for name in REVIEWED_WITH_PARENT.get(_label(model), ())]


def texts(obj, language, children=None):
    """The Japanese and `language` values of every translated field of `obj` and its child rows
    (`children`: the rows already fetched, by relation name; the others are read)."""
    values = []
    for row in [obj, *_children(obj, children)]:
        for name in translated_fields(type(row)):
            for code in (SOURCE_LANGUAGE, language):
                values.append(getattr(row, build_localized_fieldname(name, code)) or "")
    return values


def fingerprint(obj, language, children=None):
    return hashlib.sha256(SEPARATOR.join(texts(obj, language, children)).encode()).hexdigest()


class TranslationReview(models.Model):
    """A person's check of one object's text in one language."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(_("Language"), max_length=15, choices=settings.LANGUAGES)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("Reviewed at"), default=timezone.now)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("Translation review")
        verbose_name_plural = _("Translation reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "language"], name="one_review_per_language"
            )
        ]

    def __str__(self):
        return f"{self.content_type} {self.object_id} {self.language}"

    @classmethod
    def record(cls, obj, language, user):
        """`user` has checked `obj`'s texts in `language` as they are now in the database."""
        if language not in target_languages():
            raise ValueError(f"{language!r} is not a language texts are translated into")
        with transaction.atomic():
            current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            review, _created = cls.objects.update_or_create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                language=language,
                defaults={
                    "reviewed_by": user,
                    "reviewed_at": timezone.now(),
                    "fingerprint": fingerprint(current, language),
                },
            )
        return review

    def is_current(self, obj):
        """True while `obj`'s texts are still the ones this review approved."""
        return self.fingerprint == fingerprint(obj, self.language)


def review_of(obj, language):
    """The latest review of `obj` in `language`, current or stale; None if never reviewed."""
    return (
        TranslationReview.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, language=language
        )
        .select_related("reviewed_by")
        .first()
    )


def is_reviewed(obj, language):
    """True when a person has checked `obj`'s current texts in `language`."""
    if language == SOURCE_LANGUAGE:
        return True
    review = review_of(obj, language)
    return review is not None and review.is_current(obj)


def unreviewed_ids(queryset, language):
    """The ids of the rows of `queryset` whose current texts in `language` nobody has checked."""
    approved = dict(
        TranslationReview.objects.filter(
            content_type=ContentType.objects.get_for_model(queryset.model), language=language
        ).values_list("object_id", "fingerprint")
    )
    rows = queryset.prefetch_related(*(rel.name for rel in child_relations(queryset.model)))
    return [row.pk for row in rows if approved.get(row.pk) != fingerprint(row, language)]


def shows_unchecked_translation(shown, language):
    """True when a page in `language` shows text of `shown` (objects, or (object, children)
    pairs as `texts` takes them) written in that language that nobody has checked as it now
    reads. Text shown in Japanese because the language is empty is no translation. One query."""
    if language not in target_languages():
        return False
    pairs = [item if isinstance(item, tuple) else (item, None) for item in shown]
    translated = [
        (obj, children)
        for obj, children in pairs
        if obj is not None and any(texts(obj, language, children)[1::2])
    ]
    if not translated:
        return False
    types = {obj: ContentType.objects.get_for_model(obj).pk for obj, _children in translated}
    approved = {
        (type_id, object_id): approved_fingerprint
        for type_id, object_id, approved_fingerprint in TranslationReview.objects.filter(
            language=language,
            content_type__in=set(types.values()),
            object_id__in={obj.pk for obj, _children in translated},
        ).values_list("content_type", "object_id", "fingerprint")
    }
    return any(
        approved.get((types[obj], obj.pk)) != fingerprint(obj, language, children)
        for obj, children in translated
    )


def _children(obj, fetched=None):
    rows = []
    for relation in child_relations(type(obj)):
        name = relation.get_accessor_name()
        related = (fetched or {}).get(name)
        if related is None:
            related = getattr(obj, name).all()
        rows.extend(sorted(related, key=lambda row: row.pk))
    return rows


def _label(model):
    return model._meta.label_lower
