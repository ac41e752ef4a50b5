"""One neutralisation of spreadsheet formulas for every file the site produces: our own
exports (import/export resources, streamed exports, payment files) and Wagtail's listing and
report exports (`?export=csv|xlsx`), which would otherwise write `=HYPERLINK(…)` raw."""

from functools import wraps

# Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """A leading apostrophe makes spreadsheets show the cell as text instead of running it."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def protect_wagtail_exports():
    """Every Wagtail view that exports a spreadsheet (snippet listings, reports, site
    history…) goes through SpreadsheetExportMixin.preprocess_field_value: neutralise there,
    once, rather than in each view we happen to know about."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "neutralises_formulas", False):
        return

    @wraps(original)
    def preprocess_field_value(self, field, value, export_format):
        return escape_formula(original(self, field, value, export_format))

    preprocess_field_value.neutralises_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
