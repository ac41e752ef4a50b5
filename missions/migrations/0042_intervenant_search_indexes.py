"""Trigram indexes on the intervenant's first name and e-mail: the intervenant listing's
search (identifier, names, e-mail, `icontains`) then ORs five index scans, where these two
columns alone made it read the whole table. PostgreSQL only, as migration 0009 (pg_trgm,
which 0009 creates)."""

from django.db import migrations

INDEXES = {
    "missions_intervenant_first_name_trgm": ("missions_intervenant", "first_name"),
    "missions_intervenant_email_trgm": ("missions_intervenant", "email"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        # UPPER(): the expression Django's icontains compares on PostgreSQL.
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("missions", "0041_mission_centre_listing")]

    operations = [migrations.RunPython(create, drop)]
