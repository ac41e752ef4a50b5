"""Import and export of spreadsheets, shared by the admin views and `manage.py import_missions`.

`read_file` turns the bytes of a CSV or XLSX file into a table (or refuses the file with a
French message); `run_import` imports it inside one transaction, all or nothing, and
returns an `ImportReport` with totals and the per-row, per-column errors: missions through
the bulk path of services/bulk_import.py, intervenants and centres through their
django-import-export resource; `export_file` writes rows as CSV (semicolons, UTF-8 with BOM,
as French Excel expects) or XLSX, through services/exports.py.
"""

import csv
import gc
import io
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import tablib
from django.db import DatabaseError
from django.utils import timezone

from missions.io import bulk_import, exports
from missions.io.cells import cell_text
from missions.io.import_report import OUTCOMES, SAMPLE_ROWS, ImportReport, RowError
from missions.io.resources import (
    CentreResource,
    EtatDeFraisResource,
    IntervenantExportResource,
    IntervenantResource,
    MissionExportResource,
    MissionResource,
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ENCODINGS = ("utf-8-sig", "cp1252")  # utf-8-sig also reads UTF-8 without a BOM
DELIMITERS = (";", ",", "\t")
XLSX_MAGIC = b"PK\x03\x04"
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class ImportKind:
    label: str
    resource_class: type
    export: exports.ExportSpec | None = None


IMPORT_KINDS = {
    "missions": ImportKind("Missions (convocations)", MissionResource),
    "intervenants": ImportKind("Intervenants", IntervenantResource),
    "centres": ImportKind("Centres d'épreuves", CentreResource),
}
EXPORT_KINDS = {
    "intervenants": ImportKind(
        "Intervenants", IntervenantExportResource, exports.INTERVENANT_EXPORT
    ),
    "missions": ImportKind("Missions", MissionExportResource, exports.MISSION_EXPORT),
    "etats-de-frais": ImportKind("États de frais", EtatDeFraisResource, exports.ETAT_EXPORT),
}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportFileError(ValueError):
    """The file cannot be read as a table; the message is shown to the user."""


@dataclass
class ParsedFile:
    headers: list
    rows: list  # the non-empty rows, each a list of cells as wide as the headers
    line_numbers: list  # line in the file of each row (the header is line 1)
    file_format: str
    encoding: str = ""
    delimiter: str = ""

    @cached_property
    def dataset(self):
        """The table as a tablib dataset, for the django-import-export resources."""
        return tablib.Dataset(*self.rows, headers=self.headers)


def file_format(filename):
    name = (filename or "").lower()
    for extension in FORMATS:
        if name.endswith(f".{extension}"):
            return extension
    raise ImportFileError("Format non pris en charge : déposez un fichier .csv ou .xlsx.")


@contextmanager
def collector_paused():
    """The cyclic garbage collector waits while a file is read and its rows imported: the
    table (a list per row) outlives every collection, and the collector rescanned it again
    and again as it grew, a third of the time of reading and resolving 100,000 rows. What
    an import leaves behind is collected afterwards, as usual."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def read_file(data: bytes, filename: str, max_rows=None) -> ParsedFile:
    """The table in a CSV or XLSX file: its header row, then its non-empty rows."""
    with collector_paused():
        return _read_file(data, filename, max_rows)


def _read_file(data, filename, max_rows):
    fmt = file_format(filename)
    if fmt == "xlsx":
        if not data.startswith(XLSX_MAGIC):
            raise ImportFileError("Ce fichier n'est pas un classeur XLSX valide.")
        header, rows, encoding, delimiter = (*_xlsx_rows(data), "", "")
    else:
        if data.startswith(XLSX_MAGIC) or b"\x00" in data[:4096]:
            raise ImportFileError("Ce fichier n'est pas un fichier texte CSV.")
        text, encoding = decode(data)
        delimiter = sniff_delimiter(text)
        header, rows = _csv_rows(text, delimiter)
    return _table(header, rows, fmt, encoding, delimiter, max_rows)


def decode(data: bytes):
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "Encodage non reconnu : enregistrez le fichier en CSV UTF-8 (ou Windows-1252)."
    )


def sniff_delimiter(text):
    first_line = text.split("\n", 1)[0]
    return max(DELIMITERS, key=first_line.count)


def _csv_rows(text, delimiter):
    """The header and a generator of (line, row): the rows are read once, as they come."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("Le fichier est vide.") from None
    except csv.Error as error:
        raise ImportFileError(f"CSV illisible : {error}.") from error
    return header, _numbered_csv_rows(reader)


def _numbered_csv_rows(reader):
    try:
        yield from enumerate(reader, start=2)
    except csv.Error as error:
        raise ImportFileError(f"CSV illisible : {error}.") from error


def _xlsx_rows(data):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ImportFileError("Classeur XLSX illisible.") from error
    if unpacked > MAX_XLSX_UNPACKED_BYTES:  # a "zip bomb" would exhaust the memory
        raise ImportFileError("Classeur XLSX trop volumineux une fois décompressé.")
    try:
        # data_only=False: a formula cell reads as its formula ("=..."), so it is refused
        # instead of being silently replaced by its cached value.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, IndexError) as error:
        raise ImportFileError("Classeur XLSX illisible.") from error
    if not rows:
        raise ImportFileError("La première feuille du classeur est vide.")
    return list(rows[0]), ((number, list(row)) for number, row in enumerate(rows[1:], start=2))


def _blank_text(row):
    return not "".join(row).strip()  # CSV cells are strings: cell_text's test, at C speed


def _blank_cells(row):
    return all(cell_text(cell) == "" for cell in row)


def _table(header, rows, fmt, encoding, delimiter, max_rows):
    headers = [cell_text(h) for h in header]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ImportFileError("La première ligne doit porter les noms des colonnes.")
    if "" in headers:
        raise ImportFileError(f"La colonne n° {headers.index('') + 1} n'a pas de nom.")
    duplicates = sorted({h for h in headers if headers.count(h) > 1})
    if duplicates:
        raise ImportFileError(f"Colonne en double : {', '.join(duplicates)}.")
    width = len(headers)
    table, line_numbers = [], []
    # Equal cells (a session name, a date...) share one string: the table holds each once.
    shared = {}.setdefault
    is_blank = _blank_text if fmt == "csv" else _blank_cells
    for number, row in rows:
        if is_blank(row):
            continue  # blank lines, often at the end of a sheet
        if len(row) > width and any(cell_text(cell) for cell in row[width:]):
            raise ImportFileError(
                f"Ligne {number} : plus de cellules que de colonnes nommées"
                + (f" (séparateur détecté : « {delimiter} »)." if delimiter else ".")
            )
        cells = [
            "" if cell is None else shared(cell, cell) if cell.__class__ is str else cell
            for cell in row[:width]
        ]
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        table.append(cells)
        line_numbers.append(number)
        if max_rows and len(line_numbers) > max_rows:
            raise ImportFileError(
                f"Plus de {max_rows} lignes : utilisez la commande import_missions pour les "
                "gros fichiers."
            )
    if not line_numbers:
        raise ImportFileError("Aucune ligne à importer sous la ligne d'en-tête.")
    return ParsedFile(headers, table, line_numbers, fmt, encoding, delimiter)


def new_resource(kind, parsed, progress=None):
    return IMPORT_KINDS[kind].resource_class(line_numbers=parsed.line_numbers, progress=progress)


def run_import(kind, parsed: ParsedFile, *, dry_run, progress=None) -> ImportReport:
    """Import the file, all or nothing: any invalid row and the transaction is rolled back.
    Missions arrive not issued: no convocation, no état de frais."""
    started = time.perf_counter()
    resource = new_resource(kind, parsed, progress)
    report = ImportReport(kind=kind, dry_run=dry_run, total_rows=len(parsed.rows))
    headers = resource.matched_headers(parsed.headers)
    missing = [c for c in resource.required_columns() if c not in headers]
    report.ignored_columns = [h for h in headers if h not in resource.column_names()]
    if missing:
        report.general_errors.append(f"Colonnes obligatoires absentes : {', '.join(missing)}.")
        return report
    if resource._meta.use_bulk:
        with collector_paused():
            bulk_import.import_rows(resource, headers, parsed.rows, report, dry_run=dry_run)
    else:
        _import_with_resource(resource, headers, parsed.dataset, report, dry_run=dry_run)
    report.seconds = time.perf_counter() - started
    return report


def _import_with_resource(resource, headers, dataset, report, *, dry_run):
    """The django-import-export import, row by row: for models whose save() does work."""
    dataset.headers = headers
    try:
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
    except DatabaseError as error:  # e.g. the same rows imported meanwhile by someone else
        report.general_errors.append(bulk_import.database_error_message(error))
        return
    _fill_report(report, resource, result, dataset)


def _fill_report(report, resource, result, dataset):
    totals = result.totals
    report.new, report.update, report.skip = totals["new"], totals["update"], totals["skip"]
    report.invalid = totals["invalid"] + totals["error"]
    report.sample = [
        (resource.line_of(number), OUTCOMES[row.import_type], row.object_repr)
        for number, row in enumerate(result.rows[:SAMPLE_ROWS], start=1)
        if row.import_type in OUTCOMES
    ]
    headers = dataset.headers
    for invalid in result.invalid_rows:
        values = dict(zip(headers, dataset[invalid.number - 1], strict=False))
        line = resource.line_of(invalid.number)
        for key, messages in invalid.error_dict.items():
            column = resource.column_label(key)
            value = cell_text(values.get(column, ""))
            report.errors.extend(RowError(line, column, value, m) for m in messages)
    for error_row in result.error_rows:
        line = resource.line_of(error_row.number)
        report.errors.extend(
            RowError(line, "", "", f"Erreur inattendue : {error.error}")
            for error in error_row.errors
        )
    report.general_errors.extend(f"Erreur : {error.error}" for error in result.base_errors)
    report.errors.sort(key=lambda e: e.line)


def export_file(kind, fmt, queryset=None):
    """(content bytes, content type, file name) of an export of `queryset` (all the rows by
    default); `kind` "modele-<import kind>" gives an empty file with the import columns, to
    fill in."""
    native = fmt == "xlsx"
    if kind.startswith("modele-"):
        resource = IMPORT_KINDS[kind.removeprefix("modele-")].resource_class()
        headers, rows = resource.get_export_headers(), ()
    else:
        export = EXPORT_KINDS[kind]
        headers, rows = exports.export_rows(
            export.resource_class(), export.export, queryset, native
        )
    with exports.reading_all():
        if native:
            content = exports.xlsx_bytes(kind, headers, rows)
        else:
            content = b"".join(exports.csv_chunks(headers, rows))
    name = f"{kind}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return content, FORMATS[fmt], name
