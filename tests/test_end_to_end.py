"""The whole chain on PostgreSQL, as the people involved do it through the screens:
import missions → dry run and issue convocations (PDF read back) → the intervenant logs in
with the PDF's credentials, enters and validates → the chef de centre attests → the DEC
validates → payment batch exported → marked paid → the intervenant sees the payment date."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from missions.enums import PartNature, PartStatus
from missions.models import ConvocationRun, FeePart, Mission
from tests.factories import (
    NEW_PASSWORD,
    CentreFactory,
    IntervenantFactory,
    SessionFactory,
    chef_de_centre,
    commune,
    gestionnaire,
    payable_dossier,
)
from tests.missions.test_imports import csv_bytes

pytestmark = pytest.mark.django_db


def test_from_import_to_payment_date(client, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    day = today - datetime.timedelta(days=5)
    session = SessionFactory(name="Bac, session de remplacement", year=day.year,
                             start_date=day - datetime.timedelta(days=5), end_date=day,
                             entry_deadline=today + datetime.timedelta(days=30))  # fmt: skip
    centre = CentreFactory(name="Lycée Paul-Gauguin", uai="9840001A")
    chef = chef_de_centre(centre)
    person = IntervenantFactory(user=None, address="BP 12", home_commune=commune("Punaauia"))
    payable_dossier(person)
    dec = gestionnaire()
    client.force_login(dec)

    # 1. The DEC imports the missions file (preview, then confirm).
    row = {"Identifiant intervenant": person.identifier, "Session": session.name,
           "Type de mission": "correction", "Épreuve": "Philosophie",
           "Code UAI du centre": centre.uai, "Premier jour": f"{day:%d/%m/%Y}",
           "Dernier jour": f"{day:%d/%m/%Y}", "Heure de début": "07:30", "Heure de fin": "12:30",
           "Quantité prévue": "40"}  # fmt: skip
    upload = SimpleUploadedFile("missions.csv", csv_bytes([row]))
    preview = client.post(reverse("missions_import"), {"kind": "missions", "file": upload})
    assert preview.context["report"].new == 1
    client.post(reverse("missions_import_confirm"),
                {"token": preview.context["token"], "confirm": ""})  # fmt: skip
    mission = Mission.objects.get()

    # 2. Dry run, then issue; the convocation PDF carries the credentials.
    plan = client.get(reverse("missions_convocations:plan"), {"session": session.pk})
    assert "1</strong> mission(s) prête(s)" in plan.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("missions_convocations:plan"), {"session": session.pk})
    run = ConvocationRun.objects.get()
    pdf = client.get(reverse("missions_convocations:run_pdf", args=[run.pk]))
    text = PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages[0].extract_text()
    identifier = re.search(r"Identifiant : (\S+)", text).group(1)
    password = re.search(r"Premier mot de passe : (\S+)", text).group(1)
    assert identifier == person.identifier

    # 3. The intervenant logs in with them, chooses a password, enters and validates.
    portal = Client()
    # Each step must land where a person would: a failure then names its step.
    login = portal.post(reverse("portal:login"), {"username": identifier, "password": password})
    assert login.status_code == 302, login.content.decode()[:2000]
    changed = portal.post(reverse("portal:password_change"), {
        "old_password": password, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})  # fmt: skip
    assert changed.status_code == 302, changed.content.decode()[:2000]
    added = portal.post(reverse("portal:add_line", args=[mission.pk, "travail"]),
                        {"travail-date": day.isoformat(), "travail-quantity": "37"})  # fmt: skip
    assert added.status_code == 200, added.content.decode()[:2000]
    with django_capture_on_commit_callbacks(execute=True):
        submitted = portal.post(reverse("portal:submit", args=[mission.pk]), {"certify": "on"},
                                follow=True)  # fmt: skip
    assert "Votre saisie est validée" in submitted.content.decode(), [
        str(m) for m in submitted.context["messages"]
    ]
    parts = {p.nature: p for p in FeePart.objects.filter(etat__mission=mission)}
    assert parts[PartNature.REMUNERATION].status == PartStatus.VALIDATED_BY_INTERVENANT
    assert parts[PartNature.TRAVEL].status == PartStatus.NO_FEES  # nothing declared

    # 4. The chef de centre attests the service fait.
    centre_client = type(client)()
    centre_client.force_login(chef)
    centre_client.post(reverse("missions_service_fait"),
                       {"action": "attest_selected", "missions": [mission.pk]})  # fmt: skip
    remuneration = FeePart.objects.get(pk=parts[PartNature.REMUNERATION].pk)
    assert remuneration.status == PartStatus.SERVICE_FAIT

    # 5. The DEC validates, builds the batch, exports it and marks it paid.
    client.post(reverse("missions_control"),
                {"action": "control_selected", "parts": [remuneration.pk]})  # fmt: skip
    client.post(reverse("missions_payment_new"), {"nature": PartNature.REMUNERATION})
    remuneration.refresh_from_db()
    assert remuneration.status == PartStatus.IN_PAYMENT
    batch = remuneration.batch
    client.post(reverse("missions_payment_export", args=[batch.pk]),
                {"expected_payment_on": today + datetime.timedelta(days=15)})  # fmt: skip
    export = client.get(reverse("missions_payment_download", args=[batch.pk, "csv"]))
    assert (
        person.identifier in b"".join(export.streaming_content).decode("utf-8-sig")
        if export.streaming
        else person.identifier in export.content.decode("utf-8-sig")
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("missions_payment_paid", args=[batch.pk]), {"paid_on": today})
    remuneration.refresh_from_db()
    assert (remuneration.status, remuneration.amount) == (PartStatus.PAID, 22_076)

    # 6. The intervenant sees the payment date, and was told by email.
    page = portal.get(reverse("portal:missions")).content.decode()
    assert f"payé le {today:%d/%m/%Y}" in page
    assert any("paiement effectué" in message.subject for message in mail.outbox)
