"""The fee simulator as a reader on a phone uses it, with JavaScript off: from the home page,
a first submission with errors, then the Raiatea teacher's worked example, whose result URL
can be opened again elsewhere."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.factories import CentreFactory, commune

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
BLOCKING = {"serious", "critical"}


@pytest.fixture
def seeded(live_server):
    call_command("seed_demo", missions=0, password="demo-password", stdout=io.StringIO())
    CentreFactory(name="Lycée Paul-Gauguin", commune=commune("Papeete"))  # no missions demo
    return live_server


@pytest.fixture
def phone_without_javascript(browser):
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        java_script_enabled=False,
    )
    page = context.new_page()
    yield page
    context.close()


def blocking_violations(browser, url):
    """axe-core needs JavaScript: the same URL, audited in a second, scripted, phone page."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(url)
    results = Axe().run(page)
    context.close()
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def fill_raiatea_teacher(page):
    """Required fields by their label; optional ones (label + "(Optionnel)" + hint) by id."""
    page.get_by_label("Examen ou concours", exact=True).select_option(label="Baccalauréat général")
    page.get_by_label("Type de mission", exact=True).select_option(
        label="Correction de copies (par copie)"
    )
    page.get_by_label("Premier jour de la mission", exact=True).fill("2026-06-16")
    page.locator("#id_dernier_jour").fill("2026-06-17")
    page.get_by_label("Heure de début", exact=True).fill("08:00")
    page.get_by_label("Heure de fin", exact=True).fill("16:00")
    page.locator("#id_quantite").fill("37")
    page.get_by_label("Votre commune de résidence", exact=True).select_option(
        label="Uturoa (Raiatea)"
    )
    page.get_by_label("Centre d'épreuves", exact=True).select_option(
        label="Lycée Paul-Gauguin (Tahiti)"
    )
    page.locator("#id_transport").select_option(label="Avion")
    page.locator("#id_requisition").fill("R-2026-0042")
    page.locator("#id_depart_heure").fill("06:00")
    page.locator("#id_retour_heure").fill("17:45")
    page.locator("#id_dejeuners").fill("1")
    page.locator("#id_dejeuners_admin").fill("1")
    page.locator("#id_nuitees").fill("1")


def test_simulator__filled_on_a_phone_without_javascript(
    seeded, phone_without_javascript, browser, screenshot
):
    page = phone_without_javascript
    page.goto(seeded.url + "/")
    page.get_by_role("link", name=re.compile("Simuler mes indemnités")).first.click()
    page.wait_for_url("**/reglementation/simulateur/")
    assert page.get_by_role("heading", level=1).inner_text() == "Simuler mes indemnités"
    assert fits_the_screen(page)
    screenshot(page, "simulator-form-390")

    page.get_by_role("button", name="Calculer mes indemnités").click()
    summary = page.locator("#simulateur-erreurs")
    assert "La simulation n'a pas pu être faite" in summary.inner_text()
    summary.get_by_role("link", name="Examen ou concours").click()
    assert page.url.endswith("#id_examen")
    assert blocking_violations(browser, page.url) == []
    screenshot(page, "simulator-errors-390")

    fill_raiatea_teacher(page)
    page.get_by_role("button", name="Calculer mes indemnités").click()
    page.wait_for_url(re.compile(r"/reglementation/simulateur/\?examen="))
    result = page.locator("#resultat")
    heading = result.get_by_role("heading", level=2).inner_text()
    assert "40\u202f692\u00a0XPF" in heading  # 22,076 of copies + 18,616 of travel
    assert "Déplacement : 18\u202f616\u00a0XPF" in result.inner_text()
    assert "Déplacement entre îles" in result.inner_text()
    assert fits_the_screen(page)
    assert blocking_violations(browser, page.url) == []
    screenshot(page, "simulator-result-390")

    shared = browser.new_context(locale="fr-FR").new_page()
    shared.goto(page.url)
    assert "40\u202f692\u00a0XPF" in shared.locator("#resultat").inner_text()
    shared.context.close()
