"""Exports streamed from the database to CSV or XLSX, with the columns of the resources.

The resources (resources.py) declare the columns: their headers, order, widgets and the
formula neutralisation. Building a model instance and a tablib row per object, pages of
OFFSET queries and an in-memory workbook made `resource.export()` write about 1,000 rows/s
on small exports and 100 on 100,000 rows; here each column of a resource becomes a
reader of one `values_list()` row, the rows come from PostgreSQL's COPY (elsewhere, a
server-side cursor in chunks), and go straight to `csv.writer` or to the XLSX sheet
(xlsx_sheet.py). A column whose value is not a database column (a property, a `dehydrate_`
method) is computed here from the columns it depends on; tests/missions/test_exports.py
checks, cell by cell, that both ways give the same file.
"""

import csv
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import FilteredRelation, Q

from imagin_site.common.spreadsheets import FORMULA_TRIGGERS, escape_formula
from missions.enums import PartNature, PartStatus
from missions.io import xlsx_sheet
from missions.io.widgets import LookupWidget, TextWidget
from missions.models.fees import entry_deadline_of
from missions.models.intervenants import full_name_of
from missions.money import xpf_to_eur

CHUNK_ROWS = 2000
WIDTH_SAMPLE_ROWS = 1000  # XLSX column widths fit the header and the first rows
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")
STATUS_LABELS = dict(PartStatus.choices)


@dataclass(frozen=True)
class Computed:
    """A column that is not a database column: `make(native)` gives its function of the
    value of its path, or of the tuple of the values of its paths (native: XLSX keeps dates
    and numbers as such)."""

    paths: tuple
    make: object


@dataclass
class ExportSpec:
    """How to read the export of a resource from the database."""

    computed: dict = field(default_factory=dict)  # column name -> Computed
    annotations: object = None  # () -> dict of annotations the paths need


def _text(value):
    """A text cell; neutralised if a spreadsheet would run it (resource_base.escape_formula)."""
    if value is None:
        return ""
    if value.__class__ is not str:
        value = str(value)
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


class _Memo(dict):
    """A column's cells with few distinct values (dates, amounts, labels) rendered once each;
    a column's values have one type, so equal values are the same cell."""

    def __init__(self, render):
        super().__init__()
        self.render = render

    def __missing__(self, value):
        self[value] = cell = self.render(value)
        return cell


def _memo(render):
    return _Memo(render).__getitem__


def _widget_renderer(widget, native):
    if isinstance(widget, TextWidget | LookupWidget):
        return _text
    return _memo(lambda value: escape_formula(widget.render(value, force_native_type=native)))


def _model_path(model, path):
    """The path if it names a database column through relations, else None."""
    for part in path.split("__")[:-1]:
        try:
            model = model._meta.get_field(part).related_model
        except FieldDoesNotExist:
            return None
        if model is None:
            return None
    try:
        model._meta.get_field(path.split("__")[-1])
    except FieldDoesNotExist:
        return None
    return path


def _columns(resource, spec, native):
    """(headers, values_list paths, [(indexes of its values in a values row, render)]) of
    an export: a column renders the value at its one index, or the tuple of its values."""
    model = resource._meta.model
    paths, columns, headers = [], [], []

    def read(column_paths):
        for path in column_paths:
            if path not in paths:
                paths.append(path)
        return tuple(paths.index(path) for path in column_paths)

    for export_field in resource.get_export_fields():
        name = export_field.column_name
        headers.append(name)
        if name in spec.computed:
            computed = spec.computed[name]
            columns.append((read(computed.paths), computed.make(native)))
            continue
        attribute = export_field.attribute or ""
        if isinstance(export_field.widget, LookupWidget):
            attribute = f"{attribute}__{export_field.widget.field}"
        if not _model_path(model, attribute):
            raise ImproperlyConfigured(f"Export column « {name} »: not a database column.")
        columns.append((read([attribute]), _widget_renderer(export_field.widget, native)))
    return headers, paths, columns


def export_rows(resource, spec, queryset, native):
    """(headers, iterator of rows of cells) of `queryset` (the resource's by default), in
    the queryset's order or else the resource's. Read it inside `reading_all()`."""
    headers, paths, columns = _columns(resource, spec, native)
    if queryset is None:
        queryset = resource.get_queryset()
    if not queryset.ordered:
        queryset = queryset.order_by(*resource.get_queryset().query.order_by)
    queryset = queryset.prefetch_related(None)
    if spec.annotations:
        queryset = queryset.annotate(**spec.annotations())
    return headers, map(_row_maker(columns), _values(queryset.values_list(*paths)))


def _values(queryset):
    """The rows of a values_list queryset: streamed by COPY on PostgreSQL, when no column
    needs Django's conversion of what the database returns; else the queryset's iterator."""
    if connection.vendor != "postgresql" or queryset.db != DEFAULT_DB_ALIAS:
        return queryset.iterator(chunk_size=CHUNK_ROWS)
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    if compiler.get_converters([column for column, _, _ in compiler.select]):
        return queryset.iterator(chunk_size=CHUNK_ROWS)
    return copied_rows(sql, params)


def copied_rows(sql, params):
    """The rows of a query through `COPY (query) TO STDOUT`, each value read by psycopg as
    the column's type. The server sends the rows as fast as it makes them and they wait in
    the socket while earlier ones are rendered, where a cursor's FETCH of each chunk waited
    for the server (100,000 états de frais to CSV: 1.4-1.5 → 1.2-1.3 s)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) AS export LIMIT 0", params)  # noqa: S608
        types = [column.type_code for column in cursor.description]
        # Django's cursor wrapper has no copy(): psycopg's own, with the same connection.
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
            copy.set_types(types)
            yield from copy.rows()


@contextmanager
def reading_all():
    """A transaction for reading a whole export (COPY streams it on PostgreSQL). Where
    COPY is not used, the server-side cursor is then an ordinary one, planned to return
    every row (hash joins, then one sort: a third faster than the nested loops PostgreSQL
    plans for a cursor's first rows, cursor_tuple_fraction 0.1); outside a transaction it
    would be a WITH HOLD cursor, computed in full at its DECLARE."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield
        if connection.vendor == "postgresql":  # for the rest of an enclosing transaction
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = DEFAULT")


def _row_maker(columns):
    """The function from a values_list row to its row of cells: every column's reading and
    rendering compiled into one expression (an itemgetter and a loop step less per cell: a
    tenth of a large export's time)."""
    names, cells = {"TRIGGERS": FORMULA_TRIGGERS}, []
    for number, (indexes, render) in enumerate(columns):
        names[f"render{number}"] = render
        values = [f"row[{index}]" for index in indexes]
        value = values[0] if len(values) == 1 else f"({', '.join(values)},)"
        if render is _text:  # a string needing no apostrophe is its own cell: no call
            cells.append(
                f"(v if (v := {value}).__class__ is str and not v.startswith(TRIGGERS) "
                f"else render{number}(v))"
            )
        else:
            cells.append(f"render{number}({value})")
    return eval(f"lambda row: [{', '.join(cells)}]", names)  # noqa: S307 (built here)


# Columns computed from others.

NAME_PARTS = ("civility", "first_name", "last_name", "usage_name")


def full_name_column(prefix=""):
    paths = tuple(f"{prefix}{part}" for part in NAME_PARTS)
    return Computed(paths, lambda native: lambda parts: _text(full_name_of(*parts)))


def _date(native):
    if native:
        return lambda value: "" if value is None else value
    return _memo(lambda value: "" if value is None else value.strftime("%d/%m/%Y"))


def _issued(native):
    return lambda issued_at: "oui" if issued_at else "non"


def _deadline(native):
    date = _date(native)
    return lambda values: date(entry_deadline_of(*values))


def _part_status(native):
    return _memo(lambda status: "" if status is None else STATUS_LABELS.get(status, status))


def _part_amount(native):
    if native:
        return lambda amount: "" if amount is None else amount
    return lambda amount: "" if amount is None else str(amount)


def _total(amounts):
    return sum(filter(None, amounts))  # a missing part (None) adds nothing


def _total_xpf(native):
    return _total if native else lambda amounts: str(_total(amounts))


def _total_eur(native):
    euros = _memo(lambda total: f"{xpf_to_eur(total)}".replace(".", ","))
    return lambda amounts: euros(_total(amounts))


def _paid_on(native):
    date = _memo(lambda day: "" if day is None else day.strftime("%d/%m/%Y"))
    return lambda days: date(max(filter(None, days), default=None))  # the last payment


PART_ALIASES = {"remuneration": PartNature.REMUNERATION, "travel": PartNature.TRAVEL}


def _part_relations():
    """Each part of an état de frais as a LEFT JOIN (one part per nature at most)."""
    return {
        alias: FilteredRelation("parts", condition=Q(parts__nature=nature))
        for alias, nature in PART_ALIASES.items()
    }


AMOUNTS = ("remuneration__amount", "travel__amount")
MISSION_EXPORT = ExportSpec(
    computed={
        "Intervenant": full_name_column("intervenant__"),
        "Convocation émise": Computed(("issued_at",), _issued),
    }
)
ETAT_EXPORT = ExportSpec(
    computed={
        "Intervenant": full_name_column("mission__intervenant__"),
        "Saisie jusqu'au": Computed(
            ("mission__session__entry_deadline", "deadline_override"), _deadline
        ),
        "Rémunération — statut": Computed(("remuneration__status",), _part_status),
        "Rémunération — montant (XPF)": Computed(("remuneration__amount",), _part_amount),
        "Déplacement — statut": Computed(("travel__status",), _part_status),
        "Déplacement — montant (XPF)": Computed(("travel__amount",), _part_amount),
        "Total (XPF)": Computed(AMOUNTS, _total_xpf),
        "Total (EUR, pour information)": Computed(AMOUNTS, _total_eur),
        "Payé le": Computed(("remuneration__paid_on", "travel__paid_on"), _paid_on),
    },
    annotations=_part_relations,
)
INTERVENANT_EXPORT = ExportSpec()


# Writers


def csv_chunks(headers, rows):
    """The CSV file, in pieces of bytes: semicolons, UTF-8 with a BOM (French Excel reads
    the accents only then), CRLF line ends as tablib wrote them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    delimiters = len(headers) - 1
    rows = iter(rows)
    while True:
        buffer.seek(0)
        buffer.truncate()
        count = 0
        for row in rows:
            # Most rows need no quoting: then the csv module would write just this line.
            try:
                line = ";".join(row)
            except TypeError:  # a cell that is not a string
                line = None
            if line is None or (
                line.count(";") != delimiters or '"' in line or "\n" in line or "\r" in line
            ):
                writer.writerow(row)
            else:
                buffer.write(line + "\r\n")
            count += 1
            if count == CHUNK_ROWS:
                break
        if not count:
            return
        yield buffer.getvalue().encode()


def xlsx_bytes(title, headers, rows):
    """An XLSX workbook of one sheet: bold frozen header row, typed cells (strings are never
    formulas), column widths fitted to the header and the first rows (xlsx_sheet.py)."""
    rows = iter(rows)
    first = list(islice(rows, WIDTH_SAMPLE_ROWS))
    widths = [len(header) for header in headers]
    for row in first:
        widths = [max(w, len(str(v))) for w, v in zip(widths, row, strict=True)]
    title = SHEET_TITLE_FORBIDDEN.sub("-", title)[:31] or "Export"
    return xlsx_sheet.workbook(title, headers, chain(first, rows), widths)
