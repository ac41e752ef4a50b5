"""Trigram indexes for the back-office searches (`icontains` on names, identifiers and
épreuves), which otherwise read the whole table. PostgreSQL only: SQLite, the zero-setup
database of `make run`, has no such index and searches its small demo data by scanning."""

from django.db import migrations

INDEXES = {
    "missions_intervenant_last_name_trgm": ("missions_intervenant", "last_name"),
    "missions_intervenant_usage_name_trgm": ("missions_intervenant", "usage_name"),
    "missions_intervenant_identifier_trgm": ("missions_intervenant", "identifier"),
    "missions_mission_epreuve_trgm": ("missions_mission", "epreuve"),
    "missions_mission_convocation_trgm": ("missions_mission", "convocation_number"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
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
    dependencies = [("missions", "0008_listing_indexes")]

    operations = [migrations.RunPython(create, drop)]
