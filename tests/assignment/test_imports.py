"""Needs imported through the import screen: all or nothing, French errors per row, and
needs from candidate counts at the activity's ratio."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assignment.models import Need
from missions.io.imports import read_file, run_import
from tests.factories import CentreFactory, SessionFactory, gestionnaire

pytestmark = pytest.mark.django_db


def csv_bytes(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def rows():
    session = SessionFactory(name="Bac 2026, session de juin")
    centre = CentreFactory(uai="9840001A")
    del session, centre
    base = {
        "Session": "Bac 2026, session de juin",
        "Code UAI du centre": "9840001A",
        "Type de mission": "oral",
        "Épreuve": "Anglais",
        "Jour": "16/06/2026",
        "Période": "matin",
        "Personnes": "2",
        "Quantité à partager": "",
        "Maximum par personne": "",
        "Candidats": "",
    }
    return [
        base,
        {**base, "Épreuve": "Espagnol", "Personnes": "", "Candidats": "30"},
        {**base, "Type de mission": "correction", "Période": "journée", "Personnes": "",
         "Quantité à partager": "150", "Maximum par personne": "60"},
    ]  # fmt: skip


def test_import__three_kinds_of_need(rows):
    report = run_import("besoins", read_file(csv_bytes(rows), "besoins.csv"), dry_run=False)
    assert report.ok, report.errors
    needs = {need.epreuve + need.activity.code: need for need in Need.objects.all()}
    assert needs["Anglaisoral"].people_needed == 2
    # 30 candidates at 12 a day per examiner (the seeded oral ratio): 3 examiners.
    assert needs["Espagnoloral"].quantity == 30
    assert needs["Espagnoloral"].max_per_person == 12
    assert needs["Espagnoloral"].people_needed == 3
    assert needs["Anglaiscorrection"].people_needed == 3


def test_import__reimport_changes_nothing(rows):
    data = read_file(csv_bytes(rows), "besoins.csv")
    run_import("besoins", data, dry_run=False)
    again = run_import("besoins", read_file(csv_bytes(rows), "besoins.csv"), dry_run=False)
    assert again.new == 0 and Need.objects.count() == 3


def test_import__bad_rows_give_french_errors_and_nothing_is_imported(rows):
    rows[1]["Période"] = "soir"
    rows[2]["Jour"] = "16/07/2026"  # after the session
    rows.append({**rows[0], "Épreuve": "Maths", "Personnes": ""})  # nothing to staff
    report = run_import("besoins", read_file(csv_bytes(rows), "besoins.csv"), dry_run=False)
    messages = [(error.line, error.message) for error in report.errors]
    assert report.invalid == 3
    assert messages[0][0] == 3 and "Période inconnue : « soir »" in messages[0][1]
    assert messages[1] == (4, "Ce jour est en dehors des dates des épreuves de la session.")
    assert messages[2][0] == 5 and "Indiquez le nombre de personnes" in messages[2][1]
    assert Need.objects.count() == 0


def test_import_screen_lists_needs(client, rows):
    client.force_login(gestionnaire())
    file = SimpleUploadedFile("besoins.csv", csv_bytes(rows))
    response = client.post(reverse("missions_import"), {"kind": "besoins", "file": file})
    assert response.status_code == 200
    assert response.context["report"].ok
    assert response.context["report"].new == 3
