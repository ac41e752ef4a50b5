"""One spreadsheet cell read safely: its text (a whole float as an integer, our export's
formula apostrophe removed), the formula-injection check (OWASP "CSV injection"), keys
compared without accents or case, and the lookup of many values in one query."""

import re
import unicodedata

from django.db import connection
from django.db.models import F, Lookup, Q, Value

from imagin_site.common.spreadsheets import FORMULA_TRIGGERS

# "+689 87 12 34 56" or "-5" are values, not formulas: a spreadsheet computes nothing.
SIGNED_NUMBER = re.compile(r"^[+-] ?\d[\d .,\u00a0\u202f]*$")


FORMULA_ERROR = (
    "Contenu refusé : une cellule ne peut pas commencer par =, +, -, @, une tabulation ou un "
    "retour chariot (risque d'injection de formule), sauf un nombre comme -5."
)


def unescape_cell(value):
    """Drop the apostrophe our exports put in front of a formula character."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def is_formula(value) -> bool:
    """Would a spreadsheet run this cell as a formula?"""
    value = unescape_cell(value)
    if not isinstance(value, str):
        return False
    # The stored value is stripped: " =1+1" would be stored as "=1+1".
    stripped = value.strip()
    if not (value.startswith(FORMULA_TRIGGERS) or stripped.startswith(FORMULA_TRIGGERS)):
        return False
    return not SIGNED_NUMBER.match(stripped)


def normalise_key(text) -> str:
    """Case, accents, apostrophes, hyphens and spaces do not matter in names: "faaa" is
    Faa'a, "taiarapu est" is Taiarapu-Est."""
    text = str(text)
    if text.isascii() and text.isalnum():  # identifiers and codes: only the case to fold
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’‘`ʻ]", "", text)
    return " ".join(re.sub(r"[-.]", " ", text).split())


class AnyOf(Lookup):
    """`column = ANY(%s)`, one array parameter: the IN list of a big import (20,000
    identifiers) would take seconds to build and parse, one parameter per value."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def among(field, values):
    """A filter: `field` takes one of `values`."""
    values = list(values)
    if connection.vendor == "postgresql":
        return AnyOf(F(field), Value(values))
    return Q(**{f"{field}__in": values})


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(unescape_cell(value) if isinstance(value, str) else value).strip()
