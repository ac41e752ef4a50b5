"""An exported batch is a sealed record: its lines and files are written once, downloads
serve the stored bytes, `verify_payment_files` re-hashes them, and the batch page lists
what changed since instead of rebuilding the files."""

import datetime
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from missions.enums import PartNature
from missions.io import payment_files as sealing
from missions.models import Intervenant, Mission, PaymentLine
from missions.services import payments
from tests.factories import (
    IntervenantFactory,
    MissionFactory,
    UserFactory,
    controlled_parts,
    gestionnaire,
    payable_dossier,
)

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "pdf", "xlsx"]


@pytest.fixture
def user():
    return gestionnaire()


@pytest.fixture
def batch(user):
    intervenant = IntervenantFactory(identifier="PF000777", last_name="Mahai")
    payable_dossier(intervenant)
    mission = MissionFactory(intervenant=intervenant, convocation_number="CONV-2026-0001")
    controlled_parts(mission, remuneration=22076)
    draft, _ = payments.create_batch(PartNature.REMUNERATION, user=user)
    expected = timezone.localdate() + datetime.timedelta(days=20)
    return sealing.export_batch(draft, expected_payment_on=expected)


def download(client, batch, fmt):
    response = client.get(reverse("missions_payment_download", args=[batch.pk, fmt]))
    assert response.status_code == 200, fmt
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_export__writes_lines_and_files_with_their_sha256(batch):
    line = PaymentLine.objects.get(batch=batch)
    assert (line.identifier, line.iban, line.amount) == (
        "PF000777",
        "FR7630001007941234567890185",
        22076,
    )
    assert line.convocation_number == "CONV-2026-0001"
    assert sorted(batch.files.values_list("fmt", flat=True)) == FORMATS
    for stored in batch.files.all():
        with stored.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == stored.sha256


def test_download__byte_identical_after_edits_of_mission_intervenant_and_dossier(
    client, batch, user
):
    client.force_login(user)
    before = {fmt: hashlib.sha256(download(client, batch, fmt)).hexdigest() for fmt in FORMATS}

    # The mission is locked (services.locks): forced at the database level, as a bad script
    # or a restore might.
    mission = batch.parts.get().etat.mission
    Mission.objects.filter(pk=mission.pk).update(
        convocation_number="CONV-2026-9999",
        epreuve="Autre épreuve",
        intervenant=IntervenantFactory(identifier="PF700076"),  # no dossier: empty IBAN
    )
    old = batch.lines.get().part.etat.mission
    assert old.intervenant.identifier == "PF700076"
    intervenant = Intervenant.objects.get(identifier="PF000777")
    intervenant.last_name = "Changé"
    intervenant.save()
    dossier = intervenant.dossier
    dossier.iban = "FR1420041010050500013M02606"
    dossier.save()

    after = {fmt: hashlib.sha256(download(client, batch, fmt)).hexdigest() for fmt in FORMATS}
    assert after == before
    assert after == {f.fmt: f.sha256 for f in batch.files.all()}

    page = client.get(reverse("missions_payment", args=[batch.pk])).content.decode()
    assert "Intact" in page
    assert "Différences depuis l'export (" in page
    assert "PF700076" in page  # the payee now on the mission, listed as a difference
    assert "CONV-2026-9999" in page
    labels = {d.label for d in sealing.differences(batch)}
    assert {"Identifiant", "IBAN", "N° de convocation", "Mission"} <= labels


def test_verify_payment_files__detects_a_file_altered_on_disk(batch, capsys):
    call_command("verify_payment_files")
    assert "Tous les fichiers scellés sont intacts." in capsys.readouterr().out

    stored = batch.files.get(fmt="csv")
    path = stored.file.path
    with open(path, "rb") as handle:
        content = handle.read()
    with open(path, "wb") as handle:
        handle.write(content.replace(b"22076", b"92076"))

    with pytest.raises(CommandError, match="1 fichier"):
        call_command("verify_payment_files")
    assert f"ALTÉRÉ   {batch.number} {stored.filename}" in capsys.readouterr().out
    assert [check.intact for check in sealing.verify(batch) if check.stored.fmt == "csv"] == [False]


def test_download__refuses_an_altered_file(client, batch, user):
    stored = batch.files.get(fmt="xlsx")
    with open(stored.file.path, "ab") as handle:
        handle.write(b"tampered")
    client.force_login(user)
    response = client.get(reverse("missions_payment_download", args=[batch.pk, "xlsx"]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "ne correspond plus à son empreinte" in page
    assert "Altéré ou absent" in page


def test_admin_snippet_post__on_an_exported_batch_changes_nothing(client, batch):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))  # even an administrator
    url = reverse("wagtailsnippets_missions_paymentbatch:edit", args=[batch.pk])
    assert "Lecture seule." in client.get(url).content.decode()
    client.post(url, {"number": "X", "nature": batch.nature, "status": "brouillon"})
    batch.refresh_from_db()
    assert (batch.number, batch.status) != ("X", "brouillon")
    assert batch.status == "exporte"
