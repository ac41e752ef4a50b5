"""Fewer index entries per new mission (issue 15, the import of 100,000 missions spent a
third of its database time on 16 indexes): the single-column indexes of intervenant,
session and centre go (other indexes begin with each of these columns: lookups and the ON
DELETE checks use them), and those of the mostly empty rate group, issuer and convocation
number (trigram, the back-office search) keep only the rows that have a value (a lookup by
value, or the search's LIKE, implies it is not null: the planner uses them as before)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


KEY_COLUMNS = ("centre_id", "intervenant_id", "issued_by_id", "rate_group_id", "session_id")


def _key_indexes(schema_editor):
    """The names Django gave the foreign keys' indexes (the same on every database)."""
    table = "missions_mission"
    return [(schema_editor._create_index_name(table, [c]), table, c) for c in KEY_COLUMNS]


def drop_key_indexes(apps, schema_editor):
    for name, _, _ in _key_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_key_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for name, table, column in _key_indexes(schema_editor):
        schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")


TRIGRAM = "missions_mission_convocation_trgm"  # migration 0009, PostgreSQL only
EXPRESSION = 'missions_mission USING gin (UPPER("convocation_number"::text) gin_trgm_ops)'


def partial_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM}")
    schema_editor.execute(
        f"CREATE INDEX {TRIGRAM} ON {EXPRESSION} WHERE convocation_number IS NOT NULL"
    )


def whole_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM}")
    schema_editor.execute(f"CREATE INDEX {TRIGRAM} ON {EXPRESSION}")


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0042_intervenant_search_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The foreign keys stay as they are (Django would drop and validate them again):
        # only their indexes go.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="mission",
                    name="centre",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="missions",
                        to="missions.centre",
                        verbose_name="centre d'épreuves",
                    ),
                ),
                migrations.AlterField(
                    model_name="mission",
                    name="intervenant",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="missions",
                        to="missions.intervenant",
                        verbose_name="intervenant",
                    ),
                ),
                migrations.AlterField(
                    model_name="mission",
                    name="issued_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="convocation émise par",
                    ),
                ),
                migrations.AlterField(
                    model_name="mission",
                    name="rate_group",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Vide : celui de l'examen. Pour un concours, le corps de l'examinateur.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="missions.rategroup",
                        verbose_name="groupe de taux particulier",
                    ),
                ),
                migrations.AlterField(
                    model_name="mission",
                    name="session",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="missions",
                        to="missions.session",
                        verbose_name="session",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_key_indexes, create_key_indexes)],
        ),
        migrations.AddIndex(
            model_name="mission",
            index=models.Index(
                condition=models.Q(("rate_group__isnull", False)),
                fields=["rate_group"],
                name="mission_rate_group",
            ),
        ),
        migrations.AddIndex(
            model_name="mission",
            index=models.Index(
                condition=models.Q(("issued_by__isnull", False)),
                fields=["issued_by"],
                name="mission_issued_by",
            ),
        ),
        migrations.RunPython(partial_trigram, whole_trigram),
    ]
