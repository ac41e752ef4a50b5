"""XLSX of one sheet, its cells written straight as XML.

XlsxWriter spends about 6 µs on each cell (argument checks, a cell object, a generic XML
tag writer): 100,000 rows of 18 columns took 10 s. Here XlsxWriter still makes the
workbook (styles, theme, properties, the sheet's header row, widths and frozen pane: a
small template), and the data rows are written as its constant_memory mode writes them,
cell for cell the same XML (inline strings, `.16G` numbers, dates as serial numbers with
the template's formats, control characters as `_xHHHH_`), a row at a time, then put in the
template's place. Every string is escaped: XlsxWriter would copy a cell that looks like
"<r>…</r>" into the XML as it is, taking it for one of its rich strings.
"""

import datetime
import io
import math
import re
import tempfile
import zipfile
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

SHEET = "xl/worksheets/sheet1.xml"
MAX_ROWS = 1_048_576  # Excel's limit: XlsxWriter too leaves out the rows past it
MAX_STRING = 32_767  # characters (UTF-16 units) of a cell; XlsxWriter truncates
FORMATS = {
    datetime.date: "yyyy-mm-dd",
    datetime.datetime: "yyyy-mm-dd h:mm:ss",
    datetime.time: "h:mm:ss",
}
EPOCH = datetime.datetime(1899, 12, 31)
# What a string may need: XML escapes, control characters (_xHHHH_), a literal "_xHHHH_"
# (whose underscore is then escaped), Unicode non-characters.
SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
CONTROL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
ROWS_PER_WRITE = 500


def workbook(title, headers, rows, widths):
    """The XLSX bytes: a bold, frozen header row, then `rows` (iterables of cells; None and
    "" leave a cell empty), columns `widths` wide."""
    template, styles = _template(title, headers, widths)
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as data:
        last_row = _write_rows(data, headers, rows, styles)
        data.seek(0)
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(template)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package,
        ):
            for info in source.infolist():
                if info.filename != SHEET:
                    package.writestr(info, source.read(info))
                    continue
                xml = source.read(info).decode("utf-8")
                start, end = xml.index("<sheetData>"), xml.index("</sheetData>")
                last = f"{xl_col_to_name(max(len(headers), 1) - 1)}{last_row}"
                head = DIMENSION.sub(f'<dimension ref="A1:{last}"/>', xml[:start], count=1)
                with package.open(info, "w") as sheet:
                    sheet.write(f"{head}<sheetData>".encode())
                    while chunk := data.read(1 << 20):
                        sheet.write(chunk.encode())
                    sheet.write(xml[end:].encode())
    return out.getvalue()


def _template(title, headers, widths):
    """An XlsxWriter workbook with the header row, widths and frozen pane, and the style
    index of each kind of date."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(title)
    bold = book.add_format({"bold": True})
    formats = {kind: book.add_format({"num_format": code}) for kind, code in FORMATS.items()}
    # A cell of each format, so that the workbook's styles hold them (its rows are replaced).
    sheet.write_string(0, 0, "", bold)
    for column, (kind, cell_format) in enumerate(formats.items()):
        value = datetime.time(0) if kind is datetime.time else datetime.datetime(2000, 1, 1)
        sheet.write_datetime(1, column, value, cell_format)
    sheet.freeze_panes(1, 0)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    book.close()
    styles = {kind: cell_format.xf_index for kind, cell_format in formats.items()}
    styles["bold"] = bold.xf_index
    return out.getvalue(), styles


def _write_rows(out, headers, rows, styles):
    """Write the header and the rows as <row> elements; return the number of the last."""
    names = [xl_col_to_name(column) for column in range(len(headers))]
    bold = styles["bold"]
    header = "".join(
        f'<c r="{name}1" s="{bold}" t="inlineStr"><is>{_text(text)}</is></c>'
        for name, text in zip(names, headers, strict=True)
    )
    out.write(f'<row r="1">{header}</row>')
    dates = {kind: f'" s="{style}"><v>' for kind, style in styles.items() if kind != "bold"}
    number, pending = 1, []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS:
            number = MAX_ROWS
            break
        cells = [f'<row r="{number}">']
        add = cells.append
        for name, value in zip(names, row, strict=False):
            kind = value.__class__
            if kind is str:
                if value:
                    add(f'<c r="{name}{number}" t="inlineStr"><is>{_text(value)}</is></c>')
            elif value is None:
                continue
            elif kind is int or kind is Decimal or kind is float:
                add(f'<c r="{name}{number}"><v>{_number(value)}</v></c>')
            elif kind is bool:
                add(f'<c r="{name}{number}" t="b"><v>{int(value)}</v></c>')
            elif kind in dates:
                add(f'<c r="{name}{number}{dates[kind]}{_serial(value):.16G}</v></c>')
            else:
                add(f'<c r="{name}{number}" t="inlineStr"><is>{_text(str(value))}</is></c>')
        if len(cells) == 1:
            continue  # no cell: no row, as XlsxWriter
        add("</row>")
        pending.append("".join(cells))
        if len(pending) == ROWS_PER_WRITE:
            out.write("".join(pending))
            pending = []
    out.write("".join(pending))
    return number


def _text(string):
    """The <t> element of an inline string, as XlsxWriter writes it."""
    if len(string) > MAX_STRING // 2 and len(string.encode("utf-16-le")) // 2 > MAX_STRING:
        string = string.encode("utf-16-le")[: 2 * MAX_STRING].decode("utf-16-le", "ignore")
    if SPECIAL.search(string):
        string = CONTROL_ESCAPE.sub(r"_x005F\1", string)
        string = CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", string)
        string = string.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        string = string.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if string[:1].isspace() or string[-1:].isspace():
        return f'<t xml:space="preserve">{string}</t>'
    return f"<t>{string}</t>"


def _number(value):
    if value.__class__ is float and not math.isfinite(value):
        raise ValueError(f"XLSX : nombre non représentable {value}.")
    return f"{value:.16G}"


def _serial(value):
    """Excel's serial number of a date, date and time or time (1900 system), computed as
    XlsxWriter computes it."""
    if value.__class__ is datetime.time:
        delta = datetime.datetime.combine(EPOCH, value) - EPOCH
    elif value.__class__ is datetime.date:
        delta = datetime.datetime.fromordinal(value.toordinal()) - EPOCH
    else:
        delta = value.replace(tzinfo=None) - EPOCH
    serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / 86400
    # Excel counts a 29 February 1900 that never was.
    return serial + 1 if serial > 59 else serial
