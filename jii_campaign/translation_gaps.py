"""Which objects still lack their text in a language: a field written in Japanese and empty in
that language, on the object or on a row edited inside its form (translation_reviews)."""

from django.db.models import Q
from modeltranslation.utils import build_localized_fieldname

from jii_campaign.translation_reviews import SOURCE_LANGUAGE, child_relations, translated_fields


def _empty(name, language):
    field = build_localized_fieldname(name, language)
    return Q(**{field: ""}) | Q(**{f"{field}__isnull": True})


def own_gaps(model, language):
    """A condition on `model`'s rows: some field has Japanese and nothing in `language`."""
    condition = Q(pk__in=[])
    for name in translated_fields(model):
        condition |= ~_empty(name, SOURCE_LANGUAGE) & _empty(name, language)
    return condition


def lacking(queryset, language):
    """The rows of `queryset` with a gap in `language`, their own or a child row's."""
    condition = own_gaps(queryset.model, language)
    for relation in child_relations(queryset.model):
        children = relation.related_model.objects.filter(own_gaps(relation.related_model, language))
        condition |= Q(pk__in=children.values(relation.field.name))
    return queryset.filter(condition)


def missing_fields(obj, language):
    """The verbose names of `obj`'s fields (and its child rows' kinds) that lack `language`."""

    def gaps(row):
        return [
            name
            for name in translated_fields(type(row))
            if getattr(row, build_localized_fieldname(name, SOURCE_LANGUAGE))
            and not getattr(row, build_localized_fieldname(name, language))
        ]

    labels = [str(obj._meta.get_field(name).verbose_name) for name in gaps(obj)]
    for relation in child_relations(type(obj)):
        rows = getattr(obj, relation.get_accessor_name()).all()
        lacking_rows = [row for row in rows if gaps(row)]
        if lacking_rows:
            labels.append(f"{relation.related_model._meta.verbose_name} ×{len(lacking_rows)}")
    return labels
