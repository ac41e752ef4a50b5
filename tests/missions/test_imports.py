import csv
import datetime
import io
import time
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.enums import IntervenantCategory, PartNature
from missions.io.cells import FORMULA_ERROR, is_formula
from missions.io.imports import ImportFileError, read_file, run_import
from missions.io.resources import MissionResource
from missions.models import Activity, Centre, EtatDeFrais, Exam, Intervenant, Mission
from missions.services.fees import recompute_part
from tests.factories import (
    CentreFactory,
    IntervenantFactory,
    SessionFactory,
    UserFactory,
    WorkLineFactory,
    chef_de_centre,
    commune,
    gestionnaire,
    parts_for,
)

pytestmark = pytest.mark.django_db

BAC = "Bac 2026, session de juin"
DNB = "DNB 2026"
CENTRE_COMMUNES = [
    "Papeete", "Faa'a", "Punaauia", "Pirae", "Arue", "Moorea-Maiao", "Uturoa", "Bora-Bora",
    "Huahine", "Nuku-Hiva", "Hiva-Oa", "Rangiroa", "Hao", "Tubuai", "Rurutu",
]  # fmt: skip
ACTIVITIES = ["correction", "oral", "surveillance", "jury"]
EPREUVES = ["Philosophie", "Mathématiques", "Français", "Histoire-géographie", "Anglais"]
MISSION_HEADERS = [
    "Identifiant intervenant", "Session", "Type de mission", "Épreuve", "Code UAI du centre",
    "Premier jour", "Dernier jour", "Heure de début", "Heure de fin", "Quantité prévue",
]  # fmt: skip


@pytest.fixture
def reference():
    """What a DEC database holds before the missions file: two sessions, 15 centres across
    the archipelagos, 200 intervenants."""
    SessionFactory(name=BAC, exam=Exam.objects.get(code="bac-general"))
    SessionFactory(
        name=DNB,
        exam=Exam.objects.get(code="dnb"),
        start_date=datetime.date(2026, 6, 22),
        end_date=datetime.date(2026, 6, 24),
    )
    centres = [
        CentreFactory(uai=f"98{i:05d}{'ABCDE'[i % 5]}", commune=commune(name))
        for i, name in enumerate(CENTRE_COMMUNES)
    ]
    intervenants = IntervenantFactory.create_batch(200, user=None)
    return intervenants, centres


def mission_rows(intervenants, centres, count):
    """`count` distinct missions: 5 per intervenant, on consecutive days."""
    rows = []
    for i in range(count):
        activity = ACTIVITIES[i % len(ACTIVITIES)]
        day = datetime.date(2026, 6, 15) + datetime.timedelta(days=i // len(intervenants))
        quantity = {"correction": "37", "oral": "6,5", "surveillance": "4", "jury": "2"}
        rows.append(
            {
                "Identifiant intervenant": intervenants[i % len(intervenants)].identifier,
                "Session": DNB if i % 5 == 4 else BAC,
                "Type de mission": activity,
                "Épreuve": EPREUVES[i % len(EPREUVES)],
                "Code UAI du centre": centres[i % len(centres)].uai,
                "Premier jour": f"{day:%d/%m/%Y}",
                "Dernier jour": f"{day:%d/%m/%Y}",
                "Heure de début": "07:30",
                "Heure de fin": "12:30",
                "Quantité prévue": quantity[activity],
            }
        )
    return rows


def csv_bytes(rows, delimiter=";", encoding="utf-8-sig", headers=None):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers or list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=None):
    book = openpyxl.Workbook()
    sheet = book.active
    headers = headers or list(rows[0])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parsed(rows, **kwargs):
    return read_file(csv_bytes(rows, **kwargs), "missions.csv")


@pytest.fixture
def admin_client(client):
    client.force_login(gestionnaire())
    return client


def upload(client, data, name="missions.csv", kind="missions"):
    file = SimpleUploadedFile(name, data)
    return client.post(reverse("missions_import"), {"kind": kind, "file": file})


def confirm(client, response):
    return client.post(
        reverse("missions_import_confirm"), {"token": response.context["token"], "confirm": ""}
    )


# The admin flow


def test_admin_import__1000_missions_preview_import_and_reimport(admin_client, reference):
    intervenants, centres = reference
    data = csv_bytes(mission_rows(intervenants, centres, 1000))

    started = time.perf_counter()
    preview = upload(admin_client, data)
    preview_seconds = time.perf_counter() - started

    assert preview.status_code == 200
    report = preview.context["report"]
    assert (report.new, report.update, report.skip, report.invalid) == (1000, 0, 0, 0)
    assert report.errors == []
    assert Mission.objects.count() == 0  # the preview is a dry run
    html = preview.content.decode()
    assert 'data-total="new">1000<' in html
    assert "Importer 1000 lignes" in html

    started = time.perf_counter()
    done = confirm(admin_client, preview)
    import_seconds = time.perf_counter() - started
    assert done.status_code == 302
    assert Mission.objects.count() == 1000
    assert not Mission.objects.issued().exists()  # missions arrive not issued
    assert not EtatDeFrais.objects.exists()  # and nothing else is created
    print(f"\n1000 missions: preview {preview_seconds:.2f} s, import {import_seconds:.2f} s")

    first = Mission.objects.get(intervenant=intervenants[0], start_date=datetime.date(2026, 6, 15))
    assert (first.session.name, first.activity.code) == (BAC, "correction")
    assert first.epreuve == "Philosophie"
    assert first.centre == centres[0]
    assert first.expected_quantity == Decimal(37)
    assert (first.start_time, first.end_time) == (datetime.time(7, 30), datetime.time(12, 30))
    oral = Mission.objects.filter(activity__code="oral").first()
    assert oral.expected_quantity == Decimal("6.5")

    # Re-importing the same file changes nothing: every row is reported unchanged.
    before = list(Mission.objects.order_by("pk").values())
    again = upload(admin_client, data)
    report = again.context["report"]
    assert (report.new, report.update, report.skip, report.invalid) == (0, 0, 1000, 0)
    assert "Rien à importer" in again.content.decode()
    confirm(admin_client, again)
    assert list(Mission.objects.order_by("pk").values()) == before


def test_admin_import__changed_rows_are_updates(admin_client, reference):
    intervenants, centres = reference
    rows = mission_rows(intervenants, centres, 20)
    assert run_import("missions", parsed(rows), dry_run=False).ok
    rows[3]["Quantité prévue"] = "42"
    rows[7]["Heure de fin"] = "17:00"
    rows.append(mission_rows(intervenants, centres, 21)[-1])

    preview = upload(admin_client, csv_bytes(rows))

    report = preview.context["report"]
    assert (report.new, report.update, report.skip) == (1, 2, 18)
    confirm(admin_client, preview)
    assert Mission.objects.count() == 21
    assert Mission.objects.filter(expected_quantity=42).count() == 1
    assert Mission.objects.filter(end_time=datetime.time(17, 0)).count() == 1


def test_admin_import__three_bad_rows_show_three_errors_and_import_nothing(admin_client, reference):
    intervenants, centres = reference
    rows = mission_rows(intervenants, centres, 100)
    rows[9]["Identifiant intervenant"] = "PF000000"
    rows[49]["Code UAI du centre"] = "9899999Z"
    rows[79]["Dernier jour"] = "01/06/2026"  # before the first day

    preview = upload(admin_client, csv_bytes(rows))

    report = preview.context["report"]
    assert report.invalid == 3
    assert [(e.line, e.column, e.value, e.message) for e in report.errors] == [
        (11, "Identifiant intervenant", "PF000000", "Intervenant inconnu : PF000000"),
        (51, "Code UAI du centre", "9899999Z", "Centre inconnu (code UAI) : 9899999Z"),
        (81, "Dernier jour", "01/06/2026", "Le dernier jour précède le premier."),
    ]
    html = preview.content.decode()
    assert "Intervenant inconnu : PF000000" in html
    assert '<button type="submit" name="confirm" class="button" disabled' in html

    # Even if the confirmation is forced, the file is checked again and nothing is imported.
    response = confirm(admin_client, preview)
    assert response.status_code == 200
    assert response.context["report"].invalid == 3
    assert Mission.objects.count() == 0


def test_admin_import__xlsx_with_native_dates_and_times(admin_client, reference):
    intervenants, centres = reference
    rows = mission_rows(intervenants, centres, 50)
    for row in rows:
        row["Premier jour"] = datetime.datetime.strptime(row["Premier jour"], "%d/%m/%Y")
        row["Dernier jour"] = row["Premier jour"].date()
        row["Heure de début"] = datetime.time(7, 30)
        row["Quantité prévue"] = float(row["Quantité prévue"].replace(",", "."))
    data = xlsx_bytes(rows)

    preview = upload(admin_client, data, name="missions.xlsx")

    assert preview.context["report"].new == 50, preview.context["report"].errors
    confirm(admin_client, preview)
    assert Mission.objects.count() == 50
    assert upload(admin_client, data, name="missions.xlsx").context["report"].skip == 50


def test_admin_import__formula_cells_are_refused(admin_client, reference):
    intervenants, centres = reference
    rows = mission_rows(intervenants, centres, 10)
    rows[1]["Épreuve"] = '=HYPERLINK("http://evil.example","Cliquez")'
    rows[4]["Épreuve"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    rows[6]["Épreuve"] = "+cmd|' /C notepad'!A0"

    report = upload(admin_client, csv_bytes(rows)).context["report"]

    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (3, "Épreuve", FORMULA_ERROR),
        (6, "Épreuve", FORMULA_ERROR),
        (8, "Épreuve", FORMULA_ERROR),
    ]


def test_admin_import__formula_in_an_xlsx_cell_is_refused(admin_client, reference):
    intervenants, centres = reference
    rows = mission_rows(intervenants, centres, 3)
    rows[2]["Épreuve"] = "=1+1"  # openpyxl stores it as a formula cell

    report = upload(admin_client, xlsx_bytes(rows), name="m.xlsx").context["report"]

    assert [(e.line, e.column) for e in report.errors] == [(4, "Épreuve")]


def test_formula_detection():
    assert is_formula("=1+1") and is_formula("@A1") and is_formula("\tx") and is_formula("\r=")
    assert is_formula("-2+3") and is_formula("+A1") and is_formula("'=1+1")
    assert not is_formula("-5") and not is_formula("+689 87 12 34 56") and not is_formula("a=b")
    assert not is_formula("") and not is_formula(12) and not is_formula(None)


def test_admin_import__non_gestionnaire_gets_403(client, reference):
    for user in (chef_de_centre(CentreFactory()), UserFactory(role="Éditeurs")):
        client.force_login(user)
        assert client.get(reverse("missions_import")).status_code == 403
        response = upload(client, csv_bytes(mission_rows(*reference, 2)))
        assert response.status_code == 403
        assert client.get(reverse("missions_export", args=["missions", "csv"])).status_code == 403
    assert Mission.objects.count() == 0


def test_admin_import__menu_item_only_for_gestionnaires(client):
    url = reverse("missions_import")
    client.force_login(gestionnaire())
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(chef_de_centre())
    assert url not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_admin_import__token_must_be_this_sessions_upload(admin_client, reference):
    preview = upload(admin_client, csv_bytes(mission_rows(*reference, 5)))
    token = preview.context["token"]
    for forged in ("../../etc/passwd", f"/srv/{token}", f"{token}/..", "tmpnotmine1"):
        response = admin_client.post(reverse("missions_import_confirm"), {"token": forged})
        assert response.status_code == 302
    assert Mission.objects.count() == 0
    admin_client.post(
        reverse("missions_import_confirm"), {"token": preview.context["token"], "cancel": ""}
    )
    assert confirm(admin_client, preview).status_code == 302  # dropped: nothing left to confirm
    assert Mission.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("missions.txt", b"a;b\n1;2\n", "Format non pris en charge"),
        ("missions.xlsx", b"Identifiant;Session\n", "pas un classeur XLSX"),
        ("missions.csv", b"PK\x03\x04garbage", "pas un fichier texte CSV"),
        ("missions.csv", b"", "vide"),
        ("missions.csv", b"Identifiant intervenant\n", "Aucune ligne"),
        ("missions.csv", b"A;B;A\n1;2;3\n", "Colonne en double : A"),
        ("missions.csv", b"A;B\n1;2;3\n", "Ligne 2 : plus de cellules"),
        ("missions.csv", b"A;B\n\x81\x8d;x\n", "Encodage non reconnu"),
    ],
)
def test_admin_import__unreadable_files_are_refused(admin_client, name, data, message):
    response = upload(admin_client, data, name=name)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])


def test_admin_import__file_over_10_mb_is_refused(admin_client):
    data = b"Identifiant intervenant;Session\n" + b"PF123456;Bac\n" * 900_000
    response = upload(admin_client, data)
    assert "10 Mo au plus" in str(response.context["form"].errors["file"])


def test_admin_import__missing_columns_are_named(admin_client, reference):
    rows = [{"Identifiant intervenant": "PF1", "Session": BAC}]
    report = upload(admin_client, csv_bytes(rows)).context["report"]
    assert report.general_errors == [
        "Colonnes obligatoires absentes : Type de mission, Code UAI du centre, Premier jour."
    ]


# Reading files


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";"), ("utf-8", "\t")],
)
def test_read_file__encodings_and_delimiters(encoding, delimiter):
    rows = [{"Épreuve": "Mathématiques", "Nom": "Teriitehau"}]
    result = read_file(csv_bytes(rows, delimiter=delimiter, encoding=encoding), "f.csv")
    assert result.dataset.headers == ["Épreuve", "Nom"]
    assert result.dataset[0] == ("Mathématiques", "Teriitehau")
    assert result.encoding == ("cp1252" if encoding == "cp1252" else "utf-8-sig")


def test_read_file__blank_lines_are_dropped_and_line_numbers_kept():
    result = read_file(b"A;B\n1;2\n;\n\n3;4\n", "f.csv")
    assert list(result.dataset) == [("1", "2"), ("3", "4")]
    assert result.line_numbers == [2, 5]


def test_read_file__equal_cells_are_held_once():
    result = read_file(b"A;B\nBac 2026;x\nBac 2026;y\n", "f.csv")
    assert result.rows == [["Bac 2026", "x"], ["Bac 2026", "y"]]
    assert result.rows[0][0] is result.rows[1][0]  # a big file repeats its sessions, dates...


def test_read_file__row_limit():
    with pytest.raises(ImportFileError, match="Plus de 2 lignes"):
        read_file(b"A\n1\n2\n3\n", "f.csv", max_rows=2)


def test_errors_give_the_line_in_the_file(reference):
    intervenants, centres = reference
    rows = mission_rows(intervenants, centres, 3)
    data = csv_bytes(rows).replace(b"\r\n", b"\r\n;;;;;;;;;\r\n", 2)  # two blank lines
    rows_bad = read_file(data.replace(centres[2].uai.encode(), b"0000000X"), "f.csv")
    report = run_import("missions", rows_bad, dry_run=True)
    assert [e.line for e in report.errors] == [6]


# Natural keys and validation in the resources


def test_missions__duplicate_rows_in_the_file_are_refused(reference):
    rows = mission_rows(*reference, 5)
    rows.append(dict(rows[1]))
    report = run_import("missions", parsed(rows), dry_run=True)
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (7, "", "Doublon : même mission qu'à la ligne 3.")
    ]


def test_missions__lookups_accept_names_and_ignore_case_and_accents(reference):
    intervenants, centres = reference
    row = mission_rows(intervenants, centres, 1)[0]
    row.update(
        {
            "Identifiant intervenant": intervenants[0].identifier.lower(),
            "Session": BAC.upper(),
            "Type de mission": "correction de copies",
            "Code UAI du centre": centres[0].uai.lower(),
            "Dernier jour": "",
            "Heure de début": "",
        }
    )
    headers = {h: h.lower().replace("é", "e") for h in row}  # sloppy headers still match
    sloppy = [{headers[k]: v for k, v in row.items()}]
    report = run_import("missions", parsed(sloppy), dry_run=False)
    assert report.ok, report.errors
    mission = Mission.objects.get()
    assert mission.end_date == mission.start_date
    assert mission.start_time == datetime.time(7, 30)
    assert mission.activity == Activity.objects.get(code="correction")


def test_missions__french_messages_for_bad_values(reference):
    row = mission_rows(*reference, 1)[0]
    row.update(
        {
            "Session": "Bac 1999",
            "Type de mission": "pilotage",
            "Premier jour": "31/02/2026",
            "Heure de fin": "midi",
            "Quantité prévue": "beaucoup",
        }
    )
    report = run_import("missions", parsed([row]), dry_run=True)
    assert {e.column: e.message for e in report.errors} == {
        "Session": "Session inconnue : Bac 1999",
        "Type de mission": "Type de mission inconnu : pilotage",
        "Premier jour": "Date invalide : « 31/02/2026 » (attendu JJ/MM/AAAA).",
        "Heure de fin": "Heure invalide : « midi » (attendu HH:MM, ex. 07:30).",
        "Quantité prévue": "Nombre invalide : « beaucoup ».",
    }


def test_missions__negative_quantity_is_a_validation_error_not_a_formula(reference):
    row = mission_rows(*reference, 1)[0]
    row["Quantité prévue"] = "-3"
    report = run_import("missions", parsed([row]), dry_run=True)
    assert [(e.column, e.message) for e in report.errors] == [
        ("Quantité prévue", "La quantité prévue ne peut pas être négative.")
    ]


def test_missions__import_query_count_does_not_grow_with_rows(
    reference, django_assert_max_num_queries
):
    intervenants, centres = reference
    counts = {}
    for count in (100, 1000):
        data = parsed(mission_rows(intervenants, centres, count))
        with django_assert_max_num_queries(30), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = run_import("missions", data, dry_run=False)
            seconds = time.perf_counter() - started
        assert report.ok
        counts[count] = len(queries)
        print(f"\n{count} rows: {len(queries)} queries, {count / seconds:.0f} rows/s")
        Mission.objects.all().delete()
    # The same queries, plus one more bulk insert batch (SAVEPOINT, INSERT, RELEASE) at most.
    assert counts[1000] <= counts[100] + 3


def test_missions__reimport_query_count_does_not_grow_with_rows(
    reference, django_assert_max_num_queries
):
    data = parsed(mission_rows(*reference, 1000))
    run_import("missions", data, dry_run=False)
    with django_assert_max_num_queries(20):
        report = run_import("missions", parsed(mission_rows(*reference, 1000)), dry_run=True)
    assert report.skip == 1000


def test_intervenants__import_with_labels_and_unknown_commune(admin_client):
    rows = [
        {
            "Identifiant": "PF900001",
            "Civilité": "Madame",
            "Nom de naissance": "Teriierooiterai",
            "Nom d'usage": "",
            "Prénom": "Hinano",
            "Date de naissance": "14/03/1980",
            "Courriel": "hinano@example.pf",
            "Téléphone": "+689 87 12 34 56",
            "Commune de résidence": "faaa",  # Faa'a, typed without the apostrophe
            "Commune de travail": "Papeete",
            "Catégorie": "Fonctionnaire d'une autre administration",
        },
        {
            "Identifiant": "PF900002",
            "Civilité": "M.",
            "Nom de naissance": "Tetuanui",
            "Nom d'usage": "",
            "Prénom": "Moana",
            "Date de naissance": "",
            "Courriel": "moana@example.pf",
            "Téléphone": "",
            "Commune de résidence": "Atlantis",
            "Commune de travail": "",
            "Catégorie": "education_pf",
        },
    ]
    data = csv_bytes(rows)
    report = upload(admin_client, data, "i.csv", "intervenants").context["report"]
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (3, "Commune de résidence", "Commune inconnue : Atlantis")
    ]

    rows[1]["Commune de résidence"] = "Taiarapu-Est"
    preview = upload(admin_client, csv_bytes(rows), "i.csv", "intervenants")
    assert preview.context["report"].new == 2
    confirm(admin_client, preview)
    hinano = Intervenant.objects.get(identifier="PF900001")
    assert hinano.home_commune.name == "Faa'a"
    assert hinano.home_island == hinano.home_commune.island
    assert hinano.work_island.name == "Tahiti"
    assert hinano.phone == "+689 87 12 34 56"
    assert hinano.category == IntervenantCategory.OTHER_ADMINISTRATION
    assert hinano.is_external  # Intervenant.save() ran
    assert (
        upload(admin_client, csv_bytes(rows), "i.csv", "intervenants").context["report"].skip == 2
    )


def test_intervenants__model_validation_becomes_row_errors(reference):
    row = {
        "Identifiant": "PF900003",
        "Civilité": "Mlle",
        "Nom de naissance": "",
        "Prénom": "Tiare",
        "Courriel": "pas-un-courriel",
        "Date de naissance": "01/01/2090",
        "Commune de résidence": "Papeete",
        "Île de résidence": "Bora Bora",
        "Catégorie": "education_pf",
    }
    report = run_import("intervenants", read_file(csv_bytes([row]), "i.csv"), dry_run=True)
    errors = {e.column: e.message for e in report.errors}
    assert errors["Civilité"].startswith("Civilité inconnue : « Mlle »")
    assert errors["Nom de naissance"] == "Cette colonne est obligatoire."
    assert errors["Courriel"] == "Saisissez une adresse de courriel valide."
    assert errors["Date de naissance"] == "La date de naissance est dans le futur."
    assert report.invalid == 1


def test_centres__import_and_update(reference):
    _, centres = reference
    headers = ["Code UAI", "Nom", "Commune", "Actif"]
    rows = [
        dict(zip(headers, values, strict=True))
        for values in [
            ("9840999k", "Lycée de Taravao", "Taiarapu-Est", "oui"),
            (centres[0].uai, "Lycée Paul-Gauguin", "Papeete", "non"),
            ("98409", "Trop court", "Papeete", "peut-être"),
        ]
    ]
    report = run_import("centres", read_file(csv_bytes(rows), "c.csv"), dry_run=True)
    assert {(e.line, e.column) for e in report.errors} == {(4, "Code UAI"), (4, "Actif")}

    report = run_import("centres", read_file(csv_bytes(rows[:2]), "c.csv"), dry_run=False)
    assert (report.new, report.update) == (1, 1)
    taravao = Centre.objects.get(uai="9840999K")
    assert taravao.island.name == "Tahiti"
    centres[0].refresh_from_db()
    assert (centres[0].name, centres[0].active) == ("Lycée Paul-Gauguin", False)


# The command


def test_command__imports_with_progress_bar(reference, tmp_path):
    path = tmp_path / "missions.csv"
    path.write_bytes(csv_bytes(mission_rows(*reference, 300)))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_missions", str(path), "--dry-run", stdout=out, stderr=err)
    assert Mission.objects.count() == 0
    assert "300 seraient créées" in out.getvalue()

    call_command("import_missions", str(path), stdout=out, stderr=err)
    assert Mission.objects.count() == 300
    assert "[##############################] 300/300 lignes (100 %)" in err.getvalue()
    assert "300 ont été créées" in out.getvalue()


def test_command__invalid_rows_fail_and_import_nothing(reference, tmp_path):
    rows = mission_rows(*reference, 30)
    rows[4]["Session"] = "Bac 1999"
    path = tmp_path / "missions.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 ligne\\(s\\) en erreur sur 30"):
        call_command("import_missions", str(path), stdout=io.StringIO(), stderr=err)

    assert "ligne 6, colonne « Session » (valeur « Bac 1999 ») : Session inconnue" in err.getvalue()
    assert Mission.objects.count() == 0


def test_command__other_kinds(tmp_path):
    path = tmp_path / "centres.csv"
    path.write_bytes(csv_bytes([{"Code UAI": "9840998J", "Nom": "Collège", "Commune": "Hao"}]))
    call_command("import_missions", str(path), "--kind", "centres", stdout=io.StringIO())
    assert Centre.objects.get(uai="9840998J").island.name == "Hao"
    with pytest.raises(CommandError, match="Lecture impossible"):
        call_command("import_missions", str(tmp_path / "absent.csv"))


# From the import to the amounts


def test_imported_missions__amounts_match_hand_computations(reference):
    intervenants, centres = reference
    rows = mission_rows(intervenants, centres, 1000)
    assert run_import("missions", parsed(rows), dry_run=False).ok
    cases = [
        # activity, session, quantity, hand computation
        ("correction", BAC, "37", 22_076),  # 37 × 596.66 = 22,076.42
        ("oral", BAC, "6.5", 7_446),  # 6.5 × 1,145.58 = 7,446.27
        ("correction", DNB, "40", 3_580),  # 40 × 89.50 (taux 1)
        ("surveillance", BAC, "4", 7_160),  # 4 × 1,789.98 = 7,159.92
    ]
    for code, session, quantity, expected in cases:
        mission = Mission.objects.filter(activity__code=code, session__name=session).first()
        remuneration, _ = parts_for(mission)
        WorkLineFactory(part=remuneration, date=mission.start_date, quantity=Decimal(quantity))
        recompute_part(remuneration)
        remuneration.refresh_from_db()
        assert (code, session, remuneration.amount) == (code, session, expected)
        assert remuneration.nature == PartNature.REMUNERATION


def test_mission_resource__columns_are_french():
    assert MissionResource().column_names() == [*MISSION_HEADERS, "Groupe de taux particulier"]


def test_missions__bulk_import_still_updates_wagtail_reference_index(
    reference, django_capture_on_commit_callbacks
):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    with django_capture_on_commit_callbacks(execute=True):
        assert run_import("missions", parsed(mission_rows(*reference, 5)), dry_run=False).ok
    mission_type = ContentType.objects.get_for_model(Mission)
    indexed = ReferenceIndex.objects.filter(content_type=mission_type)
    assert set(indexed.values_list("object_id", flat=True)) == {
        str(pk) for pk in Mission.objects.values_list("pk", flat=True)
    }


def test_missions__a_database_error_imports_nothing(reference):
    from django.db import IntegrityError

    writes = ('INSERT INTO "MISSIONS_MISSION"', 'COPY "MISSIONS_MISSION"')

    def fail(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(writes):  # the rows, whether INSERT or COPY
            raise IntegrityError("duplicate key value violates unique constraint")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        report = run_import("missions", parsed(mission_rows(*reference, 10)), dry_run=False)
    assert not report.ok
    assert "duplicate key" in report.general_errors[0]
    assert Mission.objects.count() == 0


def test_read_file__xlsx_zip_bomb_is_refused(monkeypatch):
    from missions.io import imports

    monkeypatch.setattr(imports, "MAX_XLSX_UNPACKED_BYTES", 1000)
    with pytest.raises(ImportFileError, match="trop volumineux"):
        read_file(xlsx_bytes([{"A": "x"}]), "f.xlsx")


@pytest.mark.parametrize(
    "column, value",
    [("Premier jour", "32/06/2026"), ("Dernier jour", "32/06/2026"), ("Premier jour", "demain")],
)
@pytest.mark.parametrize("end_date", ["", "20/06/2026"])
def test_missions__an_invalid_date_is_reported_once_in_french(reference, column, value, end_date):
    """An invalid date is named as such, on its own column only: not followed by Django's
    "Ce champ ne peut pas contenir la valeur nulle" on the other date column (an empty last
    day means the first day)."""
    row = mission_rows(*reference, 1)[0]
    row["Dernier jour"] = end_date
    row[column] = value
    report = run_import("missions", parsed([row]), dry_run=True)
    assert {e.column: e.message for e in report.errors} == {
        column: f"Date invalide : « {value} » (attendu JJ/MM/AAAA)."
    }
