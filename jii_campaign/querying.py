"""Several small querysets read in one round trip, so a page's query count stays fixed and low."""

from django.db import connection
from django.db.models import F, Func, IntegerField, JSONField, Value, Window
from django.db.models.functions import JSONObject, RowNumber

# PostgreSQL passes at most 100 arguments to a function: JSONB_BUILD_OBJECT takes a name and a
# value per field, and a model translated into nine languages has more fields than that.
FIELDS_PER_OBJECT = 50


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
            row=_json_row(fields),
        )
        .order_by()
        .values_list("part_number", "position", "row")
    )


class _JoinedJson(Func):
    """`a || b || …`: jsonb objects merged into one."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = JSONField()


def _json_row(fields):
    """The row as one jsonb object, built in parts of at most FIELDS_PER_OBJECT fields."""
    parts = [
        JSONObject(**{field.attname: F(field.attname) for field in part})
        for part in (
            fields[i : i + FIELDS_PER_OBJECT] for i in range(0, len(fields), FIELDS_PER_OBJECT)
        )
    ]
    return _JoinedJson(*parts)


def _order(name):
    return F(name[1:]).desc() if name.startswith("-") else F(name).asc()


def _instance(model, values):
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    return model.from_db(
        connection.alias, names, [field.to_python(values[field.attname]) for field in fields]
    )
