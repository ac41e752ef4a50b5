"""PostgreSQL COPY of plain tuples into a model's table, every other column filled with the
field's Python default (COPY knows nothing of Django defaults or auto_now)."""

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb


def _default(field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        value = field.get_default()
        # JSON defaults ({} of the lines' facts): psycopg adapts a dict only when told it is JSON.
        return Jsonb(value) if isinstance(field, models.JSONField) else value
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name}: no value and no default")


def copy_rows(model, attnames, rows, table=None):
    """COPY `rows` (tuples in the order of `attnames`) into `table` (the model's by default).
    Returns the number of rows."""
    now = timezone.now()
    given = set(attnames)
    extra = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in given and not (f.primary_key and f.attname == "id")
    ]
    defaults = tuple(_default(f, now) for f in extra)
    columns = [model._meta.get_field(a).column for a in attnames] + [f.column for f in extra]
    table = table or model._meta.db_table
    quoted = ", ".join(f'"{c}"' for c in columns)
    sql = f'COPY "{table}" ({quoted}) FROM STDIN'
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row + defaults)
            count += 1
    return count


def next_id(model):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')  # noqa: S608
        return cursor.fetchone()[0]


def reset_sequence(model):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )
