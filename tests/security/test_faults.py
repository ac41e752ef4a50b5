"""Faults: the database going away in the middle of an import leaves nothing half-written; a
mail server failure never loses the status change it announces (the notice stays pending
and is delivered later)."""

import html
import io
from contextlib import contextmanager
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError, connection
from django.urls import reverse

from missions.enums import Actor, PartStatus
from missions.io.imports import read_file, run_import
from missions.io.resources import MissionResource
from missions.models import Centre, Intervenant, Mission, Notification
from missions.services import notifications
from missions.services.lifecycle import transition
from tests.factories import MissionFactory, gestionnaire, parts_for
from tests.missions.test_imports import csv_bytes, mission_rows, reference  # noqa: F401

pytestmark = pytest.mark.django_db


@contextmanager
def database_goes_away(table, after):
    """Every INSERT into `table` after the first `after` ones fails as if the server had
    closed the connection (whether rows go one by one, or in bulk batches of INSERT or
    COPY)."""
    seen = {"inserts": 0}
    writes = (f'INSERT INTO "{table}"'.upper(), f'COPY "{table}"'.upper())

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(writes):
            seen["inserts"] += 1
            if seen["inserts"] > after:
                raise OperationalError(
                    "server closed the connection unexpectedly\n"
                    "\tThis probably means the server terminated abnormally"
                )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def all_errors(report):
    return " ".join([*report.general_errors, *(e.message for e in report.errors)])


def intervenant_rows(count):
    return [
        {
            "Identifiant": f"PF9{n:05d}",
            "Civilité": "Mme",
            "Nom de naissance": f"Teriierooiterai{n}",
            "Prénom": "Hinano",
            "Commune de résidence": "Papeete",
            "Catégorie": "education_pf",
        }
        for n in range(count)
    ]


@pytest.mark.parametrize("after", [0, 1, 25, 49])
def test_import_intervenants__connection_lost_after_n_rows_writes_nothing(after):
    before = Intervenant.objects.count()
    parsed = read_file(csv_bytes(intervenant_rows(50)), "i.csv")

    with database_goes_away("missions_intervenant", after) as seen:
        report = run_import("intervenants", parsed, dry_run=False)

    assert seen["inserts"] > after  # `after` rows were written before the failure
    assert not report.ok
    assert "server closed the connection" in all_errors(report)
    assert Intervenant.objects.count() == before


@pytest.mark.parametrize("after", [0, 1, 2])
def test_import_missions__connection_lost_between_bulk_batches_writes_nothing(
    reference,  # noqa: F811
    after,
    monkeypatch,
):
    monkeypatch.setattr(MissionResource._meta, "batch_size", 1000)
    intervenants, centres = reference
    parsed = read_file(csv_bytes(mission_rows(intervenants, centres, 2100)), "m.csv")

    with database_goes_away("missions_mission", after) as seen:  # batches of 1000 rows
        report = run_import("missions", parsed, dry_run=False)

    assert seen["inserts"] > after  # `after` batches of 1000 were written before the failure
    assert not report.ok
    assert "server closed the connection" in all_errors(report)
    assert Mission.objects.count() == 0


def test_import_missions__the_same_file_imports_fine_once_the_database_is_back(
    reference,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(MissionResource._meta, "batch_size", 1000)
    intervenants, centres = reference
    data = csv_bytes(mission_rows(intervenants, centres, 1500))
    with database_goes_away("missions_mission", 1):
        assert not run_import("missions", read_file(data, "m.csv"), dry_run=False).ok
    assert Mission.objects.count() == 0

    report = run_import("missions", read_file(data, "m.csv"), dry_run=False)

    assert report.ok and report.new == 1500
    assert Mission.objects.count() == 1500


def test_admin_import__connection_lost_on_confirm_shows_an_error_and_writes_nothing(client):
    client.force_login(gestionnaire())
    rows = [["9849001A", "Lycée de Taravao", "Taiarapu-Est"], ["9849002B", "Collège", "Paea"]]
    data = "Code UAI;Nom;Commune\n" + "\n".join(";".join(row) for row in rows) + "\n"
    upload = SimpleUploadedFile("c.csv", data.encode())
    preview = client.post(reverse("missions_import"), {"kind": "centres", "file": upload})
    before = Centre.objects.count()

    with database_goes_away("missions_centre", 0):
        response = client.post(
            reverse("missions_import_confirm"), {"token": preview.context["token"]}
        )

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "rien n'a été importé" in page and "server closed the connection" in page
    assert Centre.objects.count() == before


# The mail server is down.


def smtp_down(*args, **kwargs):
    raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def controlled_part():
    mission = MissionFactory()
    part, _ = parts_for(mission, status=PartStatus.SERVICE_FAIT)
    return part


def test_mail_server_down__status_change_is_kept_and_the_notice_retried(
    controlled_part, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    monkeypatch.setattr(notifications, "send_mail", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        transition(controlled_part, "control", actor=Actor.GESTIONNAIRE, user=gestionnaire())

    controlled_part.refresh_from_db()
    assert controlled_part.status == PartStatus.CONTROLLED
    notice = Notification.objects.get(kind="controlled")
    assert (notice.sent_at, notice.attempts) == (None, 1)
    assert "Connection unexpectedly closed" in notice.last_error
    assert "Échec d'envoi" in caplog.text
    assert mail.outbox == []

    monkeypatch.undo()  # the server is back
    assert notifications.deliver() == 1

    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.attempts == 2
    assert [m.to for m in mail.outbox] == [[controlled_part.etat.mission.intervenant.email]]
    assert notifications.deliver() == 0  # sent once, not twice


def test_mail_server_down__the_command_delivers_later(
    controlled_part, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(notifications, "send_mail", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        transition(
            controlled_part, "reject", actor=Actor.GESTIONNAIRE, user=gestionnaire(),
            reason="Pièces manquantes",
        )  # fmt: skip
    monkeypatch.undo()

    call_command("send_notifications", stdout=io.StringIO())

    assert Notification.objects.get(kind="rejected").sent_at is not None
    assert len(mail.outbox) == 1 and "Pièces manquantes" in mail.outbox[0].body


def test_mail_server_down__gives_up_after_max_attempts(
    controlled_part, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(notifications, "send_mail", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        transition(controlled_part, "control", actor=Actor.GESTIONNAIRE, user=gestionnaire())
    for _ in range(10):
        notifications.deliver(max_attempts=5)
    notice = Notification.objects.get()
    assert notice.attempts == 5 and notice.sent_at is None  # kept, visible, not retried forever


def test_mail_server_down__the_admin_decision_still_goes_through(
    client, controlled_part, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(notifications, "send_mail", smtp_down)
    client.force_login(gestionnaire())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("missions_control"),
            {"action": "send_back", "part": controlled_part.pk, "reason": "Quantité à revoir"},
        )

    assert response.status_code == 302
    controlled_part.refresh_from_db()
    assert controlled_part.status == PartStatus.TO_CORRECT
    notice = Notification.objects.get(kind="sent_back")
    assert notice.sent_at is None and notice.attempts == 1
