import pytest
from django.urls import reverse
from playwright.sync_api import expect

from missions.models import Mission
from tests.factories import gestionnaire
from tests.missions.test_imports import csv_bytes, mission_rows, reference  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "mot-de-passe-gestionnaire"


@pytest.fixture
def log_in(admin_log_in):
    def log_in(page, live_server):
        user = gestionnaire(username="gestionnaire.dec")
        user.set_password(PASSWORD)
        user.save()
        admin_log_in(page, live_server, user, PASSWORD)

    return log_in


def test_import_preview__one_bad_row(live_server, reference, page, screenshot, tmp_path, log_in):  # noqa: F811
    rows = mission_rows(*reference, 40)
    rows[6]["Identifiant intervenant"] = "PF000000"
    path = tmp_path / "missions-juin-2026.csv"
    path.write_bytes(csv_bytes(rows))
    log_in(page, live_server)

    page.get_by_role("button", name="Préparer").click()  # the menu groups screens by task
    page.get_by_role("link", name="Importer").click()
    page.get_by_label("Données à importer").select_option("missions")
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(path))
    page.get_by_text("Colonnes des missions (convocations)").click()
    expect(page.get_by_role("cell", name="Code UAI du centre")).to_be_visible()
    screenshot(page, "import-upload")
    page.get_by_role("button", name="Vérifier le fichier").click()

    errors = page.locator("table.import-errors tbody tr")
    errors.first.wait_for()
    assert errors.count() == 1
    assert "Intervenant inconnu : PF000000" in errors.first.inner_text()
    assert page.locator('[data-total="new"]').inner_text() == "39"
    assert page.locator('[data-total="error"]').inner_text() == "1"
    assert page.get_by_role("button", name="Importer").is_disabled()
    screenshot(page, "import-preview-errors")

    page.get_by_role("button", name="Abandonner").click()
    page.wait_for_url(live_server.url + reverse("missions_import"))
    assert Mission.objects.count() == 0


def test_import_preview__valid_file_then_import(
    live_server,
    reference,  # noqa: F811
    page,
    screenshot,
    tmp_path,
    log_in,
):
    path = tmp_path / "missions.csv"
    path.write_bytes(csv_bytes(mission_rows(*reference, 40)))
    log_in(page, live_server)

    page.goto(live_server.url + reverse("missions_import"))
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.get_by_role("button", name="Importer 40 lignes").wait_for()
    screenshot(page, "import-preview-ok")
    page.get_by_role("button", name="Importer 40 lignes").click()

    page.wait_for_url(live_server.url + reverse("missions_import"))
    assert "40 lignes créées" in page.locator(".messages").inner_text()
    assert Mission.objects.count() == 40
