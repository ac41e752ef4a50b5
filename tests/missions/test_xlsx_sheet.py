"""The XLSX sheet written as XML (missions/io/xlsx_sheet.py): cell for cell what XlsxWriter's
constant_memory mode writes, every string escaped."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import xlsxwriter

from missions.io import xlsx_sheet

HEADERS = ["Texte", "Nombre", "Date", "Heure", "Moment", "Oui"]
ROWS = [
    ["Papeete", 22076, datetime.date(2026, 6, 20), datetime.time(8, 15), None, True],
    [" espace devant", Decimal("12.50"), datetime.date(1900, 2, 28), datetime.time(0, 0, 1)],
    ["a & b < c > d", Decimal("0.25"), None, None, datetime.datetime(2026, 6, 1, 7, 30), False],
    ["\tcontrôle \x01 _x0041_ \ufffe", -3.5, "", "", "", ""],
    ["", None, None, None, None, None],  # no cell: no row
    ["fin ", 0, datetime.date(1900, 3, 1), datetime.time(23, 59, 59, 500000), "'=1+1", 7],
]
WIDTHS = [20, 10, 12, 8, 18, 4]


def sheet_data(content):
    """The sheet's <sheetData>, each style index replaced by its number format and font
    (two workbooks may number the same styles in another order)."""
    package = zipfile.ZipFile(io.BytesIO(content))
    styles = package.read("xl/styles.xml").decode()
    codes = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/>', styles))
    cell_xfs = re.search(r"<cellXfs.*</cellXfs>", styles).group(0)
    names = [
        f"{codes.get(number_format, number_format)}/{font}"
        for number_format, font in re.findall(r'<xf numFmtId="(\d+)" fontId="(\d+)"', cell_xfs)
    ]
    xml = package.read("xl/worksheets/sheet1.xml").decode()
    data = re.search(r"<sheetData>.*</sheetData>", xml).group(0)
    return re.sub(r' s="(\d+)"', lambda match: f' s="{names[int(match.group(1))]}"', data)


def xlsxwriter_book(rows):
    """The sheet as the former writer made it: XlsxWriter in constant_memory mode."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet("export")
    bold = book.add_format({"bold": True})
    formats = {
        kind: book.add_format({"num_format": code}) for kind, code in xlsx_sheet.FORMATS.items()
    }
    for column, header in enumerate(HEADERS):
        sheet.write_string(0, column, header, bold)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(number, column, value)
            elif isinstance(value, bool):
                sheet.write_boolean(number, column, value)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(number, column, value)
            else:
                sheet.write_datetime(number, column, value, formats[value.__class__])
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    book.close()
    return out.getvalue()


def test_rows__the_xml_xlsxwriter_writes():
    content = xlsx_sheet.workbook("export", HEADERS, iter(ROWS), WIDTHS)

    assert sheet_data(content) == sheet_data(xlsxwriter_book(ROWS))


def test_workbook__read_back_with_types_header_and_widths():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_sheet.workbook("export", HEADERS, ROWS, WIDTHS)))
    sheet = book.active

    assert (sheet.title, sheet.freeze_panes, sheet.dimensions) == ("export", "A2", "A1:F7")
    assert [cell.value for cell in sheet[1]] == HEADERS and all(c.font.b for c in sheet[1])
    assert sheet["B2"].value == 22076 and sheet["F2"].value is True
    assert sheet["C2"].value == datetime.datetime(2026, 6, 20) and sheet["C2"].is_date
    assert sheet["D2"].value == datetime.time(8, 15)
    assert sheet["E4"].value == datetime.datetime(2026, 6, 1, 7, 30)
    # As Excel escapes them (openpyxl reads the escapes as they are).
    assert sheet["A5"].value == "\tcontrôle _x0001_ _x005F_x0041_ _xFFFE_"
    assert sheet["E7"].value == "'=1+1" and sheet["E7"].data_type == "s"
    assert sheet.column_dimensions["A"].width == 20.7109375


def test_a_string_like_a_rich_string__escaped_not_copied_into_the_xml():
    rows = [["<r><t>x</t></r>", None, None, None, None, None]]

    content = xlsx_sheet.workbook("export", HEADERS, rows, WIDTHS)

    assert "&lt;r&gt;&lt;t&gt;x&lt;/t&gt;&lt;/r&gt;" in sheet_data(content)
    assert openpyxl.load_workbook(io.BytesIO(content)).active["A2"].value == "<r><t>x</t></r>"


def test_no_rows__the_header_only():
    sheet = openpyxl.load_workbook(
        io.BytesIO(xlsx_sheet.workbook("modele", HEADERS, [], WIDTHS))
    ).active

    assert sheet.max_row == 1 and [c.value for c in sheet[1]] == HEADERS
