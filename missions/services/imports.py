"""Import and export of spreadsheets, shared by the admin views and `manage.py import_missions`.

`read_file` turns the bytes of a CSV or XLSX file into a dataset (or refuses the file with a
French message); `run_import` runs a resource over it inside one transaction, all or nothing,
and returns an `ImportReport` with totals and the per-row, per-column errors;
`export_file` writes a resource's rows as CSV (semicolons, UTF-8 with BOM, as French Excel
expects) or XLSX.
"""

import csv
import io
import time
import zipfile
from dataclasses import dataclass, field

import tablib
from django.db import DatabaseError
from django.utils import timezone

from ..resource_base import cell_text
from ..resources import (
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
SAMPLE_ROWS = 10


@dataclass(frozen=True)
class ImportKind:
    label: str
    resource_class: type


IMPORT_KINDS = {
    "missions": ImportKind("Missions (convocations)", MissionResource),
    "intervenants": ImportKind("Intervenants", IntervenantResource),
    "centres": ImportKind("Centres d'épreuves", CentreResource),
}
EXPORT_KINDS = {
    "intervenants": ImportKind("Intervenants", IntervenantExportResource),
    "missions": ImportKind("Missions", MissionExportResource),
    "etats-de-frais": ImportKind("États de frais", EtatDeFraisResource),
}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportFileError(ValueError):
    """The file cannot be read as a table; the message is shown to the user."""


@dataclass
class ParsedFile:
    dataset: tablib.Dataset
    line_numbers: list  # line in the file of each dataset row (the header is line 1)
    file_format: str
    encoding: str = ""
    delimiter: str = ""


def file_format(filename):
    name = (filename or "").lower()
    for extension in FORMATS:
        if name.endswith(f".{extension}"):
            return extension
    raise ImportFileError("Format non pris en charge : déposez un fichier .csv ou .xlsx.")


def read_file(data: bytes, filename: str, max_rows=None) -> ParsedFile:
    """The table in a CSV or XLSX file: its header row, then its non-empty rows."""
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
    return _dataset(header, rows, fmt, encoding, delimiter, max_rows)


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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ImportFileError(f"CSV illisible : {error}.") from error
    if not rows:
        raise ImportFileError("Le fichier est vide.")
    return rows[0], ((number, row) for number, row in enumerate(rows[1:], start=2))


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


def _dataset(header, rows, fmt, encoding, delimiter, max_rows):
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
    dataset = tablib.Dataset(headers=headers)
    line_numbers = []
    for number, row in rows:
        if all(cell_text(cell) == "" for cell in row):
            continue  # blank lines, often at the end of a sheet
        if any(cell_text(cell) for cell in row[width:]):
            raise ImportFileError(
                f"Ligne {number} : plus de cellules que de colonnes nommées"
                + (f" (séparateur détecté : « {delimiter} »)." if delimiter else ".")
            )
        cells = list(row[:width]) + [""] * (width - len(row))
        dataset.append(["" if cell is None else cell for cell in cells])
        line_numbers.append(number)
        if max_rows and len(line_numbers) > max_rows:
            raise ImportFileError(
                f"Plus de {max_rows} lignes : utilisez la commande import_missions pour les "
                "gros fichiers."
            )
    if not line_numbers:
        raise ImportFileError("Aucune ligne à importer sous la ligne d'en-tête.")
    return ParsedFile(dataset, line_numbers, fmt, encoding, delimiter)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    message: str


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    total_rows: int = 0
    new: int = 0
    update: int = 0
    skip: int = 0
    invalid: int = 0  # rows with at least one error
    errors: list = field(default_factory=list)  # RowError
    general_errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    sample: list = field(default_factory=list)  # (line, what happens, row), first rows
    seconds: float = 0.0

    @property
    def ok(self):
        return not (self.errors or self.general_errors or self.invalid)

    @property
    def imported(self):
        """Rows written (or, in a dry run, that would be written)."""
        return self.new + self.update

    @property
    def rows_per_second(self):
        return round(self.total_rows / self.seconds) if self.seconds else 0


def new_resource(kind, parsed, progress=None):
    return IMPORT_KINDS[kind].resource_class(line_numbers=parsed.line_numbers, progress=progress)


def run_import(kind, parsed: ParsedFile, *, dry_run, progress=None) -> ImportReport:
    """Import the file, all or nothing: any invalid row and the transaction is rolled back.
    Missions arrive not issued: no convocation, no état de frais."""
    started = time.perf_counter()
    resource = new_resource(kind, parsed, progress)
    dataset = parsed.dataset
    report = ImportReport(kind=kind, dry_run=dry_run, total_rows=len(dataset))
    resource.match_headers(dataset)
    missing = [c for c in resource.required_columns() if c not in dataset.headers]
    report.ignored_columns = [h for h in dataset.headers if h not in resource.column_names()]
    if missing:
        report.general_errors.append(f"Colonnes obligatoires absentes : {', '.join(missing)}.")
        return report
    try:
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
    except DatabaseError as error:  # e.g. the same rows imported meanwhile by someone else
        report.general_errors.append(
            f"Erreur de la base de données, rien n'a été importé : {error}"
        )
        return report
    _fill_report(report, resource, result, dataset)
    report.seconds = time.perf_counter() - started
    return report


def _fill_report(report, resource, result, dataset):
    totals = result.totals
    report.new, report.update, report.skip = totals["new"], totals["update"], totals["skip"]
    report.invalid = totals["invalid"] + totals["error"]
    outcomes = {"new": "Création", "update": "Mise à jour", "skip": "Inchangée"}
    report.sample = [
        (resource.line_of(number), outcomes[row.import_type], row.object_repr)
        for number, row in enumerate(result.rows[:SAMPLE_ROWS], start=1)
        if row.import_type in outcomes
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
    """(content bytes, content type, file name) of an export; `kind` "modele-<import kind>"
    gives an empty file with the import columns, to fill in."""
    if kind.startswith("modele-"):
        resource = IMPORT_KINDS[kind.removeprefix("modele-")].resource_class()
        queryset = resource._meta.model.objects.none()
    else:
        resource = EXPORT_KINDS[kind].resource_class()
    dataset = resource.export(queryset, force_native_type=fmt == "xlsx")
    dataset.title = kind[:31]
    if fmt == "xlsx":
        content = dataset.export("xlsx")
    else:
        content = dataset.export("csv", delimiter=";").encode("utf-8-sig")
    name = f"{kind}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return content, FORMATS[fmt], name
