"""The bulk import of missions (services/bulk_import.py) against the row-by-row import of
django-import-export that it replaced (the same resource through `import_data`): the same
report (totals, errors with their lines, columns and values, sample rows) and the same rows
written; then what only the bulk path does: batches, atomicity across them, a fixed number
of queries, a real commit."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from missions.io import imports
from missions.io.bulk_import import BulkImporter
from missions.io.bulk_sql import allocate_pks, binary_types
from missions.io.import_report import ImportReport
from missions.io.imports import new_resource, read_file, run_import
from missions.io.resource_base import key_ranges
from missions.io.resources import MissionResource
from missions.models import Mission, RateGroup
from tests.factories import MissionFactory
from tests.missions import test_imports
from tests.missions.test_imports import (
    BAC,
    MISSION_HEADERS,
    csv_bytes,
    mission_rows,
    parsed,
    xlsx_bytes,
)

reference = test_imports.reference  # the fixture: 200 intervenants, 15 centres, 2 sessions

pytestmark = pytest.mark.django_db

STORED = (
    "intervenant_id", "session_id", "activity_id", "epreuve", "centre_id", "start_date",
    "end_date", "start_time", "end_time", "expected_quantity", "rate_group_id",
    "convocation_number", "issued_at",
)  # fmt: skip


def resource_import(parsed_file, *, dry_run):
    """The file imported as before: the resource's `import_data`, row by row."""
    resource = new_resource("missions", parsed_file)
    report = ImportReport(kind="missions", dry_run=dry_run, total_rows=len(parsed_file.rows))
    headers = resource.matched_headers(parsed_file.headers)
    report.ignored_columns = [h for h in headers if h not in resource.column_names()]
    imports._import_with_resource(resource, headers, parsed_file.dataset, report, dry_run=dry_run)
    return report


def outcome(report):
    return (
        (report.new, report.update, report.skip, report.invalid),
        report.errors,
        report.general_errors,
        report.sample,
        report.ignored_columns,
    )


def stored_missions():
    return sorted(Mission.objects.values_list(*STORED), key=repr)


def written_by(run):
    """The report of `run` and the missions it leaves, then the database as before."""
    with transaction.atomic():
        report = run()
        rows = stored_missions()
        transaction.set_rollback(True)
    return outcome(report), rows


def assert_same_as_before(data, filename="missions.csv", dry_run=False):
    before = written_by(lambda: resource_import(read_file(data, filename), dry_run=dry_run))
    after = written_by(lambda: run_import("missions", read_file(data, filename), dry_run=dry_run))
    assert after[0] == before[0]
    assert after[1] == before[1]
    return after


def test_bulk_import__good_file_same_as_before(reference):
    (totals, errors, *_), rows = assert_same_as_before(csv_bytes(mission_rows(*reference, 300)))
    assert totals == (300, 0, 0, 0) and errors == []
    assert len(rows) == 300


def test_bulk_import__bad_file_same_errors_as_before(reference):
    rows = mission_rows(*reference, 40)
    headers = [*MISSION_HEADERS, "Groupe de taux particulier", "Remarque"]
    changes = [
        {"Identifiant intervenant": "PF000000"},
        {"Session": "Bac 1999"},
        {"Type de mission": "pilotage"},
        {"Code UAI du centre": "9899999Z"},
        {"Premier jour": "31/02/2026"},
        {"Dernier jour": "01/06/2026"},  # before the first day
        {"Dernier jour": "30/09/2026"},  # more than 60 days
        {"Heure de fin": "07:00"},  # before the start
        {"Heure de début": "midi"},
        {"Quantité prévue": "beaucoup"},
        {"Quantité prévue": "-3"},
        {"Quantité prévue": "1234567890"},  # more than 9 digits
        {"Quantité prévue": "1,234"},  # more than 2 decimals
        {"Épreuve": "x" * 250},
        {"Épreuve": "=1+1"},
        {"Remarque": "@SUM(1)"},  # a formula in a column the import ignores
        {"Identifiant intervenant": ""},
        {"Premier jour": ""},
        {"Groupe de taux particulier": "zzz"},
        {"Session": f"  {BAC.upper()} "},  # fine: case and spaces do not matter
        {"Heure de fin": "17h"},  # fine
        {"Quantité prévue": "1 234,5"},  # fine
        {"Dernier jour": ""},  # fine: the first day
        {"Session": "Bac 1999", "Premier jour": "hier", "Épreuve": "+cmd"},
        {"Quantité prévue": "NaN"},  # an unexpected error, as before
        {"Groupe de taux particulier": RateGroup.objects.order_by("pk").first().code},
    ]
    for row, change in zip(rows, changes, strict=False):
        row.update(change)
    rows.append(dict(rows[30]))  # the same mission twice

    (totals, errors, general, *_), _ = assert_same_as_before(csv_bytes(rows, headers=headers))

    assert totals[3] == 22 and general == []
    assert {e.line for e in errors} >= {2, 3, 8, 12, 17, 26, 42}
    assert ("Dernier jour", "Une mission dure au plus 60 jours.") in {
        (e.column, e.message) for e in errors
    }


def test_bulk_import__reimport_with_changes_same_as_before(reference):
    rows = mission_rows(*reference, 60)
    assert run_import("missions", parsed(rows), dry_run=False).ok
    rows[3]["Quantité prévue"] = "42"
    rows[7]["Heure de fin"] = "17:00"
    rows[9]["Dernier jour"] = ""  # the first day: unchanged
    rows[12]["Épreuve"] = "Physique"  # another mission: the key changed
    rows[20]["Groupe de taux particulier"] = RateGroup.objects.order_by("pk").first().code
    rows.extend(mission_rows(*reference, 65)[60:])
    headers = [*MISSION_HEADERS, "Groupe de taux particulier"]

    for dry_run in (True, False):
        (totals, *_), _ = assert_same_as_before(csv_bytes(rows, headers=headers), dry_run=dry_run)
        assert totals == (6, 3, 56, 0)


def test_bulk_import__xlsx_with_native_cells_same_as_before(reference):
    rows = mission_rows(*reference, 50)
    for row in rows:
        row["Premier jour"] = datetime.datetime.strptime(row["Premier jour"], "%d/%m/%Y")
        row["Dernier jour"] = row["Premier jour"].date()
        row["Heure de début"] = datetime.time(7, 30)
        row["Quantité prévue"] = float(row["Quantité prévue"].replace(",", "."))
    rows[5]["Quantité prévue"] = True  # a boolean cell is not a number

    (totals, errors, *_), _ = assert_same_as_before(xlsx_bytes(rows), "missions.xlsx")
    assert totals == (49, 0, 0, 1)
    assert [(e.line, e.column) for e in errors] == [(7, "Quantité prévue")]


def test_bulk_import__an_error_after_the_first_batches_writes_nothing(reference, monkeypatch):
    monkeypatch.setattr(MissionResource._meta, "batch_size", 1000)
    rows = mission_rows(*reference, 2500)
    rows[2400]["Heure de fin"] = "midi"
    copies = []

    def count(execute, sql, params, many, context):
        copies.append(sql) if sql.startswith("COPY") else None
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        report = run_import("missions", parsed(rows), dry_run=False)

    assert len(copies) == 3  # two batches of 1000 written, the third cut short
    assert (report.new, report.invalid) == (2499, 1)
    assert [(e.line, e.column) for e in report.errors] == [(2402, "Heure de fin")]
    assert Mission.objects.count() == 0


def test_bulk_import__a_dry_run_writes_nothing(reference):
    report = run_import("missions", parsed(mission_rows(*reference, 1200)), dry_run=True)
    assert report.ok and report.new == 1200
    assert Mission.objects.count() == 0


def test_bulk_import__queries_do_not_grow_with_rows(reference):
    counts, resolutions = {}, {}
    for count in (50, 2500):
        data = parsed(mission_rows(*reference, count))
        with CaptureQueriesContext(connection) as queries:
            report = run_import("missions", data, dry_run=True)
        assert report.new == count
        counts[count] = len(queries)
        importer = BulkImporter(new_resource("missions", data), data.headers, data.rows, report)
        with CaptureQueriesContext(connection) as queries:
            importer.resolve()
        resolutions[count] = len(queries)
    assert counts[2500] == counts[50] <= 12  # COPY batches are not queries here
    assert resolutions[2500] == resolutions[50] <= 6


def test_bulk_import__cells_are_cleaned_once_each(reference, monkeypatch):
    from missions.io.widgets import DateWidget

    calls = []
    clean = DateWidget.clean
    monkeypatch.setattr(DateWidget, "clean", lambda *a, **k: calls.append(a[1]) or clean(*a, **k))

    assert run_import("missions", parsed(mission_rows(*reference, 1000)), dry_run=True).ok

    assert len(calls) <= 2 * 5  # the 5 distinct days, in the first and last day columns


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bulk_import__committed_for_real(reference):
    """A test transaction never commits: here the deferred foreign-key checks of the COPY
    run, and the reference index task after the commit."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    data = csv_bytes(mission_rows(*reference, 1500))
    report = run_import("missions", read_file(data, "m.csv"), dry_run=False)

    assert report.ok and report.new == 1500
    assert Mission.objects.count() == 1500
    assert not Mission.history.exists()  # no signal in bulk, as with django-import-export
    mission_type = ContentType.objects.get_for_model(Mission)
    indexed = ReferenceIndex.objects.filter(content_type=mission_type)
    assert indexed.values("object_id").distinct().count() == 1500
    again = run_import("missions", read_file(data, "m.csv"), dry_run=False)
    assert (again.skip, again.new) == (1500, 0)


def test_bulk_import__the_collector_waits_while_reading_and_importing(reference, monkeypatch):
    import gc

    from missions.io import bulk_import

    seen, table, import_rows = [], imports._table, bulk_import.import_rows
    monkeypatch.setattr(imports, "_table", lambda *a: seen.append(gc.isenabled()) or table(*a))
    monkeypatch.setattr(
        bulk_import,
        "import_rows",
        lambda *a, **k: seen.append(gc.isenabled()) or import_rows(*a, **k),
    )
    data = csv_bytes(mission_rows(*reference, 20))
    assert gc.isenabled()

    assert run_import("missions", read_file(data, "m.csv"), dry_run=True).ok
    assert seen == [False, False] and gc.isenabled()
    with pytest.raises(imports.ImportFileError):
        read_file(b"", "m.csv")
    assert gc.isenabled()  # after a refused file too
    gc.disable()
    try:
        read_file(data, "m.csv")
        assert not gc.isenabled()  # as it was
    finally:
        gc.enable()


def test_allocate_pks__a_range_from_the_sequence_none_given_twice():
    first, second = allocate_pks(Mission, 1000), allocate_pks(Mission, 3)

    assert isinstance(first, range) and len(first) == 1000
    assert len(second) == 3 and not set(first) & set(second)
    assert allocate_pks(Mission, 0) == []
    created = MissionFactory()
    assert created.pk not in first and created.pk not in second


def test_binary_types__the_missions_in_binary_other_types_as_text():
    from django.db import models

    fields = Mission._meta.concrete_fields
    expected = {
        "id": "int8", "intervenant_id": "int8", "session_id": "int8", "epreuve": "varchar",
        "activity_id": "int8", "centre_id": "int8", "start_date": "date", "end_date": "date",
        "start_time": "time", "end_time": "time", "expected_quantity": "numeric",
        "rate_group_id": "int8", "convocation_number": "varchar", "issued_at": "timestamptz",
        "issued_by_id": "int4", "created_at": "timestamptz",
    }  # fmt: skip
    assert binary_types(fields) == [expected[f.attname] for f in fields]
    assert binary_types([*fields, models.JSONField(name="facts")]) is None


def test_key_ranges__runs_of_consecutive_keys():
    assert key_ranges([7, 3, 4, 5, 9, 8, 12]) == [[3, 5], [7, 9], [12, 12]]
    assert key_ranges(range(1, 100_001)) == [[1, 100_000]]


def test_lookup_widget__keys_and_objects_as_when_loaded_as_instances(
    reference, django_assert_num_queries
):
    """A big table's rows are loaded as tuples and an instance made only when a cell asks
    for one: the same object (and name, without a query), key and French errors as the
    instances the queryset gave."""
    intervenants, _ = reference
    widget = MissionResource().fields["intervenant"].widget
    people = intervenants[:3]
    widget.load([p.identifier.lower() for p in people] + ["PF000000", ""])

    with django_assert_num_queries(0):
        for person in people:
            assert widget.key(f" {person.identifier.lower()} ") == person.pk
            made = widget.clean(person.identifier)
            assert (made.pk, made.full_name) == (person.pk, person.full_name)
            assert widget.clean(person.identifier) is made  # made once
        with pytest.raises(ValueError, match=r"^Intervenant inconnu : PF000000$"):
            widget.key("PF000000")
        with pytest.raises(ValueError, match=r"^Cette colonne est obligatoire\.$"):
            widget.clean("  ")
        with pytest.raises(ValueError, match=r"^Intervenant inconnu"):
            widget.key(intervenants[5].identifier)  # not in the file: not loaded
