import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from imagin_site.common.spreadsheets import escape_formula
from missions.enums import IntervenantCategory, IntervenantStatus, PartNature, PartStatus
from missions.io import exports
from missions.io.imports import (
    EXPORT_KINDS,
    IMPORT_KINDS,
    export_file,
    read_file,
    run_import,
)
from missions.io.resources import EtatDeFraisResource
from missions.models import Activity, EtatDeFrais, FeePart, Mission, RateGroup, Session
from missions.services.convocations import issue_mission
from missions.services.fees import recompute_part
from tests.factories import (
    CentreFactory,
    IntervenantFactory,
    MealLineFactory,
    MissionFactory,
    NightLineFactory,
    SessionFactory,
    TravelLegFactory,
    WorkLineFactory,
    chef_de_centre,
    commune,
    gestionnaire,
    parts_for,
)

pytestmark = pytest.mark.django_db


def read_csv(content):
    text = content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def read_xlsx(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def etats():
    """A Bac corrector (37 copies) and a Raiatea teacher convoked in Papeete (DOMAIN.md §4)."""
    session = SessionFactory(name="Bac 2026, session de juin")
    corrector = MissionFactory(session=session, start_date=datetime.date(2026, 6, 20))
    corrector.end_date = corrector.start_date
    corrector.save()
    remuneration, _ = parts_for(corrector)
    WorkLineFactory(part=remuneration, date=corrector.start_date, quantity=Decimal(37))
    recompute_part(remuneration)

    raiatea = IntervenantFactory(home_commune=commune("Uturoa"), last_name="Tehei")
    oral = MissionFactory(
        intervenant=raiatea,
        session=session,
        activity=Activity.objects.get(code="oral"),
        start_date=datetime.date(2026, 6, 16),
        end_date=datetime.date(2026, 6, 17),
        start_time=datetime.time(8, 0),
        end_time=datetime.time(16, 0),
    )
    remuneration, travel = parts_for(oral)
    WorkLineFactory(part=remuneration, date=oral.start_date, quantity=Decimal("6.5"))
    out = {"part": travel, "mode": "avion", "requisition_number": "R-2026-0042"}
    TravelLegFactory(**out, date=oral.start_date, departure_time=datetime.time(6, 0),
                     arrival_time=datetime.time(6, 45))  # fmt: skip
    TravelLegFactory(
        **out,
        date=oral.end_date,
        from_commune=commune("Papeete"),
        to_commune=commune("Uturoa"),
        departure_time=datetime.time(17, 30),
        arrival_time=datetime.time(18, 15),
    )
    NightLineFactory(part=travel, date=oral.start_date)
    MealLineFactory(part=travel, date=oral.start_date, kind="dejeuner")
    MealLineFactory(part=travel, date=oral.end_date, kind="dejeuner_administratif")
    recompute_part(remuneration)
    recompute_part(travel)
    # Computed while editable, then validated: the amounts are now a record.
    FeePart.objects.filter(pk__in=[remuneration.pk, travel.pk]).update(
        status=PartStatus.VALIDATED_BY_INTERVENANT
    )
    return corrector, oral


def test_etats_de_frais_export__csv_has_amounts_and_status_labels(etats):
    content, content_type, filename = export_file("etats-de-frais", "csv")

    assert content_type.startswith("text/csv") and filename.endswith(".csv")
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: French Excel reads the accents
    rows = {row["Type de mission"]: row for row in read_csv(content)}
    corrector = rows["Correction de copies"]
    assert corrector["Rémunération — statut"] == "À saisir"
    assert corrector["Rémunération — montant (XPF)"] == "22076"  # 37 × 596.66
    assert corrector["Total (XPF)"] == "22076"
    assert corrector["Premier jour"] == "20/06/2026"
    oral = rows["Interrogation orale"]
    assert oral["Rémunération — statut"] == "Validé par l'intervenant"
    assert oral["Rémunération — montant (XPF)"] == "7446"  # 6.5 × 1,145.58
    assert oral["Déplacement — montant (XPF)"] == "18616"  # 14,320 + 2,864 + 1,432
    assert oral["Total (XPF)"] == str(7446 + 18616)
    assert oral["Total (EUR, pour information)"] == "218,40"


def test_etats_de_frais_export__xlsx_has_numbers(etats):
    content, content_type, _ = export_file("etats-de-frais", "xlsx")

    assert content_type.endswith("spreadsheetml.sheet")
    rows = {row["Type de mission"].value: row for row in read_xlsx(content)}
    assert rows["Correction de copies"]["Rémunération — montant (XPF)"].value == 22076
    assert rows["Interrogation orale"]["Déplacement — montant (XPF)"].value == 18616
    assert rows["Correction de copies"]["Premier jour"].value == datetime.datetime(2026, 6, 20)


def test_etats_de_frais_export__queries_do_not_grow_with_rows(etats, django_assert_max_num_queries):
    for mission in MissionFactory.create_batch(30):
        parts_for(mission)
    with django_assert_max_num_queries(6):
        content, _, _ = export_file("etats-de-frais", "csv")
    assert len(read_csv(content)) == 32


def test_exports__formula_cells_are_neutralised():
    IntervenantFactory(
        last_name='=HYPERLINK("http://evil.example","x")',
        first_name="@SUM(1)",
        phone="+689 87 12 34 56",
        employer="-2+3",
    )
    rows = read_csv(export_file("intervenants", "csv")[0])
    assert rows[0]["Nom de naissance"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[0]["Prénom"] == "'@SUM(1)"
    assert rows[0]["Téléphone"] == "'+689 87 12 34 56"
    assert rows[0]["Employeur ou établissement"] == "'-2+3"

    cells = read_xlsx(export_file("intervenants", "xlsx")[0])[0]
    assert cells["Nom de naissance"].data_type == "s"  # a string, not a formula
    assert cells["Nom de naissance"].value.startswith("'=")


def test_escape_formula():
    assert escape_formula("=1+1") == "'=1+1"
    assert escape_formula("\t=1") == "'\t=1"
    assert escape_formula("\r") == "'\r"
    assert escape_formula("Papeete") == "Papeete"
    assert escape_formula(-5) == -5


def test_missions_export__reimports_unchanged():
    centre = CentreFactory()
    session = SessionFactory(name="DNB 2026")
    for day in (15, 16, 17):
        MissionFactory(centre=centre, session=session, start_date=datetime.date(2026, 6, day),
                       expected_quantity=Decimal("12.5"))  # fmt: skip

    for fmt in ("csv", "xlsx"):
        content, _, filename = export_file("missions", fmt)
        report = run_import("missions", read_file(content, filename), dry_run=True)
        assert (report.skip, report.new, report.update, report.errors) == (3, 0, 0, [])

    rows = read_csv(export_file("missions", "csv")[0])
    assert rows[0]["Quantité prévue"] == "12,5"
    assert rows[0]["Convocation émise"] == "non"
    assert rows[0]["Centre"] == centre.name


def test_intervenants_export__reimports_unchanged():
    IntervenantFactory.create_batch(3, work_commune=commune("Pirae"), phone="+689 40 00 00 00")
    for fmt in ("csv", "xlsx"):
        content, _, filename = export_file("intervenants", fmt)
        report = run_import("intervenants", read_file(content, filename), dry_run=True)
        assert (report.skip, report.errors) == (3, [])


def test_import_models__headers_only():
    for kind in ("missions", "intervenants", "centres"):
        content, _, filename = export_file(f"modele-{kind}", "xlsx")
        assert filename.startswith(f"modele-{kind}")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet.max_row == 1
    headers = read_xlsx(export_file("modele-missions", "xlsx")[0])
    assert headers == []


def test_export_view__gestionnaire_downloads(client, etats):
    client.force_login(gestionnaire())
    response = client.get(reverse("missions_export", args=["etats-de-frais", "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="etats-de-frais-')
    assert client.get(reverse("missions_export", args=["users", "csv"])).status_code == 404
    assert client.get(reverse("missions_export", args=["missions", "pdf"])).status_code == 404


def test_export_view__others_get_403(client, etats):
    client.force_login(chef_de_centre(Mission.objects.first().centre))
    response = client.get(reverse("missions_export", args=["etats-de-frais", "csv"]))
    assert response.status_code == 403


# The streamed exports write what django-import-export wrote (services/exports.py).


def resource_export(kind, fmt, queryset=None):
    """The file as `resource.export()` and tablib wrote it before the streamed path: the
    reference the streamed exports must match."""
    if kind.startswith("modele-"):
        resource = IMPORT_KINDS[kind.removeprefix("modele-")].resource_class()
        queryset = resource._meta.model.objects.none()
    else:
        resource = EXPORT_KINDS[kind].resource_class()
    dataset = resource.export(queryset, force_native_type=fmt == "xlsx")
    dataset.title = kind[:31]
    if fmt == "xlsx":
        return dataset.export("xlsx")
    return dataset.export("csv", delimiter=";").encode("utf-8-sig")


def xlsx_cells(content):
    """Sheet title, then each row's (value, type) of its non-empty cells: what a spreadsheet
    reads back (an empty string and no cell read the same)."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [
        [(cell.value, cell.data_type) if cell.value not in (None, "") else None for cell in row]
        for row in sheet.iter_rows()
    ]
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    return sheet.title, rows


@pytest.fixture
def variety(etats):
    """Rows that exercise every column: names with a usage name or a formula, empty cells,
    a second island, a particular rate group, an issued convocation, a reopened deadline, a
    paid part, an état de frais without parts, decimal quantities and hours."""
    corrector, oral = etats
    poisoned = IntervenantFactory(
        last_name='=HYPERLINK("http://evil.example")', first_name="@SUM(1)", usage_name="",
        phone="+689 87 12 34 56", employer="-2+3", address="\t=1+1", birth_date=None,
        work_commune=commune("Uturoa"), category=IntervenantCategory.HIGHER_EDUCATION,
        status=IntervenantStatus.EXCLUDED,
    )  # fmt: skip
    married = IntervenantFactory(
        usage_name="Tapu", civility="M.", home_commune=commune("Faa'a"),
        address="Lot 3; route de Taravao\nBP 12", employer='Lycée "Paul-Gauguin"',
    )  # fmt: skip
    mission = MissionFactory(
        intervenant=poisoned,
        session=corrector.session,
        epreuve="-Grand oral",
        expected_quantity=Decimal("12.5"),
        start_date=datetime.date(2026, 6, 18),
        end_date=datetime.date(2026, 6, 19),
        start_time=datetime.time(8, 15),
        end_time=datetime.time(17, 45),
        rate_group=RateGroup.objects.order_by("pk").first(),
        centre=CentreFactory(commune=commune("Uturoa"), name="@Lycée d'Uturoa"),
    )
    issue_mission(mission, today=datetime.date(2026, 6, 1))
    parts = FeePart.objects.filter(etat=mission.etat)
    parts.filter(nature=PartNature.REMUNERATION).update(
        status=PartStatus.PAID, amount=12_000, paid_on=datetime.date(2026, 7, 30)
    )
    parts.filter(nature=PartNature.TRAVEL).update(
        status=PartStatus.PAID, amount=3_500, paid_on=datetime.date(2026, 8, 2)
    )
    EtatDeFrais.objects.filter(pk=mission.etat.pk).update(
        deadline_override=datetime.date(2026, 9, 30)
    )
    EtatDeFrais.objects.filter(pk=oral.etat.pk).update(deadline_override=datetime.date(2026, 1, 1))
    bare = MissionFactory(intervenant=married, start_date=datetime.date(2026, 6, 17))
    EtatDeFrais.objects.create(mission=bare)  # no part yet
    MissionFactory(intervenant=married, expected_quantity=Decimal("0.25"), epreuve="")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "kind", ["intervenants", "missions", "etats-de-frais", "modele-missions", "modele-centres"]
)
def test_exports__same_file_as_the_resource_export(variety, kind, fmt):
    content, _, _ = export_file(kind, fmt)

    expected = resource_export(kind, fmt)
    if fmt == "csv":
        assert content.decode("utf-8-sig") == expected.decode("utf-8-sig")
        assert content.startswith(b"\xef\xbb\xbf")
    else:
        assert xlsx_cells(content) == xlsx_cells(expected)


def test_etats_de_frais_export__a_queryset_chooses_the_rows(variety):
    session = Session.objects.get(name="Bac 2026, session de juin")
    queryset = EtatDeFraisResource().get_queryset().filter(mission__session=session)

    content, _, _ = export_file("etats-de-frais", "csv", queryset=queryset)

    assert content == resource_export("etats-de-frais", "csv", queryset=queryset)
    rows = read_csv(content)
    assert len(rows) == 3 < EtatDeFrais.objects.count()
    assert {row["Session"] for row in rows} == {session.name}
    assert [row["Premier jour"] for row in rows] == ["16/06/2026", "18/06/2026", "20/06/2026"]


def test_etats_de_frais_export__an_ordered_queryset_keeps_its_order(variety):
    queryset = EtatDeFrais.objects.order_by("-mission__start_date")

    rows = read_csv(export_file("etats-de-frais", "csv", queryset=queryset)[0])

    days = [datetime.datetime.strptime(r["Premier jour"], "%d/%m/%Y") for r in rows]
    assert days == sorted(days, reverse=True)


def test_etats_de_frais_export__computed_columns(variety):
    rows = read_csv(export_file("etats-de-frais", "csv")[0])

    def row(column, value):
        return next(r for r in rows if r[column] == value)

    paid = row("Épreuve", "'-Grand oral")  # neutralised: a spreadsheet would compute it
    assert paid["Intervenant"] == 'Madame @SUM(1) =HYPERLINK("HTTP://EVIL.EXAMPLE")'
    assert paid["Saisie jusqu'au"] == "30/09/2026"  # reopened after the session's deadline
    assert (paid["Rémunération — statut"], paid["Rémunération — montant (XPF)"]) == (
        "Payé",
        "12000",
    )
    assert (paid["Total (XPF)"], paid["Total (EUR, pour information)"]) == ("15500", "129,89")
    assert paid["Payé le"] == "02/08/2026"  # the later of the two payments
    oral = row("Type de mission", "Interrogation orale")
    assert oral["Saisie jusqu'au"] == "31/08/2026"  # reopened until a date already past
    bare = row("Premier jour", "17/06/2026")
    assert bare["Rémunération — statut"] == bare["Déplacement — montant (XPF)"] == ""
    assert (bare["Total (XPF)"], bare["Total (EUR, pour information)"]) == ("0", "0,00")
    assert bare["Intervenant"].endswith(" TAPU")  # the usage name


def test_exports__xlsx_header_is_bold_and_frozen(variety):
    book = openpyxl.load_workbook(io.BytesIO(export_file("missions", "xlsx")[0]))
    sheet = book.active

    assert sheet.title == "missions"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert isinstance(sheet["H2"].value, datetime.time) and sheet["H2"].is_date


@pytest.mark.parametrize("kind", ["intervenants", "missions", "etats-de-frais"])
def test_exports__copy_gives_the_rows_a_cursor_gives(variety, kind, monkeypatch):
    """PostgreSQL's COPY stream and Django's iterator: the same values of the same types
    (dates, aware datetimes, decimals, empty cells) in the same order, for every export."""
    export = EXPORT_KINDS[kind]
    resource = export.resource_class()
    _, paths, _ = exports._columns(resource, export.export, False)
    queryset = resource.get_queryset().order_by(*resource.get_queryset().query.order_by)
    if export.export.annotations:
        queryset = queryset.annotate(**export.export.annotations())
    queryset = queryset.prefetch_related(None).values_list(*paths)
    copies = []
    copy = exports.copied_rows
    monkeypatch.setattr(exports, "copied_rows", lambda *a: copies.append(a) or copy(*a))
    with exports.reading_all():
        expected = list(queryset.iterator(chunk_size=exports.CHUNK_ROWS))
        streamed = list(exports._values(queryset))
    assert len(copies) == 1  # streamed by COPY, not by the iterator
    assert len(streamed) >= 3
    assert [tuple(row) for row in streamed] == [tuple(row) for row in expected]
    types = [[type(value) for value in row] for row in streamed]
    assert types == [[type(value) for value in row] for row in expected]
