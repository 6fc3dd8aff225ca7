"""Several small querysets read in one round trip, so a page's query count stays fixed and low."""

from django.db import connection
from django.db.models import F, IntegerField, Value, Window
from django.db.models.functions import JSONObject, RowNumber


def fetch_together(*querysets):
    """The rows of each queryset, as lists of model instances, in each queryset's order.

    On PostgreSQL one query: a UNION ALL of each row as a JSON object, numbered in its own
    queryset's order. For small rows of plain fields (text, numbers, dates, foreign key ids):
    each value is read back through its field's `to_python`. Elsewhere one query each."""
    if connection.vendor != "postgresql" or len(querysets) < 2:
        return [list(queryset) for queryset in querysets]
    parts = [_as_json_rows(number, queryset) for number, queryset in enumerate(querysets)]
    rows = sorted(parts[0].union(*parts[1:], all=True))
    results = [[] for _ in querysets]
    for number, _position, values in rows:
        results[number].append(_instance(querysets[number].model, values))
    return results


def _as_json_rows(number, queryset):
    fields = queryset.model._meta.concrete_fields
    ordering = queryset.query.order_by or queryset.model._meta.ordering or ["pk"]
    return (
        queryset.annotate(
            part_number=Value(number, output_field=IntegerField()),
            position=Window(RowNumber(), order_by=[_order(name) for name in ordering]),
            row=JSONObject(**{field.attname: F(field.attname) for field in fields}),
        )
        .order_by()
        .values_list("part_number", "position", "row")
    )


def _order(name):
    return F(name[1:]).desc() if name.startswith("-") else F(name).asc()


def _instance(model, values):
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    return model.from_db(
        connection.alias, names, [field.to_python(values[field.attname]) for field in fields]
    )
