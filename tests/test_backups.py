"""Backups: a pg_dump of the database restores into an empty database with the same rows
(`manage.py check_restore`, see docs/backups.md)."""

import io
import os
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from missions.management.commands.check_restore import connect, connection_params, pg_binary
from missions.models import Intervenant
from tests.factories import DossierFactory, MissionFactory, parts_for

PG_DUMP = pg_binary("pg_dump")
requires_pg_dump = pytest.mark.skipif(
    not (PG_DUMP and pg_binary("pg_restore")),
    reason="pg_dump/pg_restore absents : installez postgresql-client pour tester les sauvegardes.",
)


def dump_database(path):
    settings = connection.settings_dict
    command = [PG_DUMP, "--format=custom", "--no-owner", "--file", str(path)]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [option, str(settings[key])]
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    subprocess.run([*command, settings["NAME"]], env=env, check=True)  # noqa: S603
    return path


def create_data():
    for _ in range(3):
        mission = MissionFactory()
        DossierFactory(intervenant=mission.intervenant)
        parts_for(mission)


@requires_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_check_restore__restores_into_an_empty_database_with_equal_counts(tmp_path):
    create_data()
    dump = dump_database(tmp_path / "imagin.dump")
    out = io.StringIO()

    call_command("check_restore", str(dump), "--target-db", "imagin_restore_test", stdout=out)

    output = out.getvalue()
    assert "Restauration vérifiée" in output
    assert "ÉCART" not in output
    intervenants = Intervenant.objects.count()
    assert any(
        line.split()[:3] == ["missions_intervenant", str(intervenants), str(intervenants)]
        for line in output.splitlines()
    )
    assert "missions_historicaldossierfinancier" in output
    # The temporary database is dropped afterwards.
    with connect(connection_params()) as conn:
        assert not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'imagin_restore_test'"
        ).fetchone()


@requires_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_check_restore__fails_on_a_count_mismatch_and_refuses_a_non_empty_target(tmp_path):
    create_data()
    dump = dump_database(tmp_path / "imagin.dump")
    MissionFactory()  # written after the dump: the restored copy lacks it
    out = io.StringIO()

    with pytest.raises(CommandError, match="table\\(s\\) en écart"):
        call_command("check_restore", str(dump), stdout=out)
    assert "ÉCART" in out.getvalue()

    with pytest.raises(CommandError, match="n'est pas vide"):
        call_command("check_restore", str(dump), "--target-db", connection.settings_dict["NAME"])


def test_check_restore__missing_dump_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("check_restore", str(tmp_path / "absent.dump"))
