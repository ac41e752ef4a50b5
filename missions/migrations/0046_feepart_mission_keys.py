"""Each part keeps a copy of its mission's session and centre (issue 15): the DEC control
queue then counts its late files, or one session's or centre's parts, in the parts table
alone. Added empty, filled from the missions, then required. The reopened files (a few)
get their own index: the late files leave them out."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_mission_keys(apps, schema_editor):
    FeePart = apps.get_model("missions", "FeePart")
    Mission = apps.get_model("missions", "Mission")
    mission = Mission.objects.filter(etat__parts=OuterRef("pk"))
    FeePart.objects.update(
        session_id=Subquery(mission.values("session_id")[:1]),
        centre_id=Subquery(mission.values("centre_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0045_mission_import_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="feepart",
            name="session",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="missions.session",
            ),
        ),
        migrations.AddField(
            model_name="feepart",
            name="centre",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="missions.centre",
            ),
        ),
        migrations.RunPython(copy_mission_keys, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="feepart",
            name="session",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="missions.session",
            ),
        ),
        migrations.AlterField(
            model_name="feepart",
            name="centre",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="missions.centre",
            ),
        ),
        migrations.AddIndex(
            model_name="feepart",
            index=models.Index(
                fields=["session", "status", "centre"], name="feepart_session_status"
            ),
        ),
        migrations.AddIndex(
            model_name="feepart",
            index=models.Index(fields=["centre", "status"], name="feepart_centre_status"),
        ),
        migrations.AddIndex(
            model_name="etatdefrais",
            index=models.Index(
                condition=models.Q(deadline_override__isnull=False),
                fields=["deadline_override"],
                name="etat_reopened",
            ),
        ),
    ]
