"""Each part keeps a copy of its mission's session and centre (issue 15): the DEC control
queue then counts its late files, or one session's or centre's parts, in the parts table
alone. Added empty, filled from the missions, then required. The reopened files (a few)
get their own index: the late files leave them out."""

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


def _copy_of(model, **options):
    return models.ForeignKey(
        model,
        models.PROTECT,
        db_index=False,
        editable=False,
        related_name="+",
        **options,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0045_mission_import_indexes"),
    ]

    operations = [
        migrations.AddField("feepart", "session", _copy_of("missions.session", null=True)),
        migrations.AddField("feepart", "centre", _copy_of("missions.centre", null=True)),
        migrations.RunPython(copy_mission_keys, migrations.RunPython.noop, elidable=True),
        migrations.AlterField("feepart", "session", _copy_of("missions.session")),
        migrations.AlterField("feepart", "centre", _copy_of("missions.centre")),
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
