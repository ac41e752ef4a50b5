"""On a phone the admin's main area hides what overflows it (overflow-x: hidden): a staff
table wider than the screen lost its last columns, the DEC control queue its amounts and
decisions. Every table of our admin screens sits in a box that scrolls sideways
(`w-overflow-x-auto`, from Wagtail's own stylesheet). PDF templates are not screens."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREENS = [
    "missions/templates/missions/admin",
    "missions/templates/missions/import",
    "missions/templates/missions/two_factor",
    "assignment/templates/assignment/admin",
]
TABLE = re.compile(r"<table[\s>]")
WRAPPED = re.compile(r'<div class="w-overflow-x-auto"><table[\s>]')


def unwrapped_tables(text):
    return len(TABLE.findall(text)) - len(WRAPPED.findall(text))


def test_every_admin_table__scrolls_sideways_on_a_phone():
    found, bare = 0, []
    for folder in SCREENS:
        for path in sorted((ROOT / folder).rglob("*.html")):
            if path.name.endswith("_pdf.html"):
                continue
            text = path.read_text(encoding="utf-8")
            found += len(TABLE.findall(text))
            if unwrapped_tables(text):
                bare.append(str(path.relative_to(ROOT)))
    assert found >= 25  # the folders still hold the screens' tables
    assert bare == [], "tableaux sans défilement horizontal sur téléphone"


def test_unwrapped_tables__counts_what_the_check_must_catch():
    assert unwrapped_tables('<table class="listing"></table>') == 1
    assert unwrapped_tables('<div class="w-overflow-x-auto"><table>\n</table></div>') == 0
    assert unwrapped_tables("<tbody><thead>") == 0
