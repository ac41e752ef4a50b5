"""Every spreadsheet the site produces neutralises formulas: Wagtail's listing and report
exports (`?export=csv|xlsx`) as well as our own (security issue, item 4). The export URLs are
found from the URL configuration, so a listing added later is covered without a new test."""

import csv
import io

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.log_actions import log

from imagin_site.common.spreadsheets import FORMULA_TRIGGERS
from tests.factories import CentreFactory, IntervenantFactory, MissionFactory, UserFactory
from tests.regulations.factories import IntervenantRequestFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example","clic")', "+cmd|' /C calc'!A0", "@SUM(1+1)"]


def export_urls():
    """Every URL without arguments whose view exports a spreadsheet."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                view_class = getattr(pattern.callback, "view_class", None)
                if (
                    view_class
                    and issubclass(view_class, SpreadsheetExportMixin)
                    and not pattern.pattern.converters
                    and "<" not in str(pattern.pattern)
                    and not pattern.name.endswith("_results")
                ):
                    found.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "", None)
    return sorted(set(found))


OUR_EXPORTS = [
    reverse("missions_export", args=[kind, fmt])
    for kind in ("intervenants", "missions", "etats-de-frais", "modele-centres")
    for fmt in ("csv", "xlsx")
]


@pytest.fixture
def hostile_data():
    centre = CentreFactory(name=HOSTILE[2], address=HOSTILE[0])
    person = IntervenantFactory(last_name=HOSTILE[0], first_name=HOSTILE[1])
    mission = MissionFactory(intervenant=person, centre=centre, epreuve=HOSTILE[1])
    IntervenantRequestFactory(last_name=HOSTILE[0], employer=HOSTILE[1], grade=HOSTILE[2])
    log(instance=mission, action="wagtail.edit", user=UserFactory(last_name=HOSTILE[0]))


def cells(response, fmt):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]


def test_the_enumeration_finds_the_listings_and_reports():
    names = export_urls()
    assert "wagtailadmin_reports:site_history" in names
    assert "demandes-intervenants:index" in names
    assert "wagtailsnippets_missions_intervenant:list" in names
    assert len(names) >= 10


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_wagtail_export__neutralises_formulas(client, hostile_data, fmt):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    escaped = []
    for name in export_urls():
        response = client.get(reverse(name), {"export": fmt})
        assert response.status_code == 200, name
        if not response.get("Content-Disposition", "").startswith("attachment"):
            continue  # a listing without export buttons ignores the parameter
        for cell in cells(response, fmt):
            assert not cell.startswith(FORMULA_TRIGGERS), f"{name}: {cell!r}"
            escaped += [cell for hostile in HOSTILE if cell == "'" + hostile]
    # The hostile values were exported, neutralised: the test saw them.
    assert {"'" + value for value in HOSTILE} <= set(escaped)


def test_our_own_exports__neutralise_formulas(client, hostile_data):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for url in OUR_EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        for cell in cells(response, url.rsplit(".", 1)[1]):
            assert not cell.startswith(FORMULA_TRIGGERS), f"{url}: {cell!r}"
