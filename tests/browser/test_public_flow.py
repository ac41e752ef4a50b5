import io

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from regulations.models import IntervenantRequest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def seeded(live_server):
    call_command("seed_demo", missions=0, password="demo-password", stdout=io.StringIO())
    return live_server


def fill_request_form(page):
    page.locator("label", has_text="Enseignant de l'enseignement supérieur").click()
    page.locator("label", has_text="Madame").click()
    page.get_by_label("Nom de naissance").fill("Tetuanui")
    page.get_by_label("Prénom").fill("Hinano")
    page.get_by_label("Date de naissance").fill("1982-09-21")
    page.get_by_label("Adresse électronique").fill("hinano.tetuanui@example.pf")
    page.get_by_label("Téléphone").fill("87 70 11 22")
    page.get_by_label("Adresse postale").fill("Lotissement Vaitavere, BP 5012")
    page.get_by_label("Code postal").fill("98718")
    page.get_by_label("Commune de résidence").select_option(label="Punaauia")
    page.get_by_label("Employeur ou dernier employeur").fill("Université de la Polynésie française")
    page.get_by_label("Grade ou fonction").fill("Maître de conférences")
    page.get_by_label("Discipline ou spécialité").fill("Mathématiques")
    page.get_by_label("Examens ou concours concernés").fill("Bac général — oraux")
    page.get_by_label("Pièce justificative").set_input_files(
        files=[{"name": "arrete.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.locator("label", has_text="J'accepte que les données de ce formulaire").click()


def test_home_to_regulation_to_request_form(seeded, page, screenshot):
    page.goto(seeded.url + "/")
    screenshot(page, "public-home-desktop")

    page.get_by_role("link", name="Frais de rémunération").first.click()
    page.wait_for_url("**/reglementation/frais-de-remuneration/")
    assert page.get_by_role("heading", level=1).inner_text() == "Frais de rémunération"
    table = page.locator("table", has_text="596,66")
    expect(table.first).to_be_visible()
    screenshot(page, "public-regulation-desktop")

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Demande de création d'un intervenant extérieur"
    ).click()
    page.wait_for_url("**/intervenant-exterieur/")
    screenshot(page, "public-form-desktop")

    # Submitting empty shows the French error summary, and nothing is stored.
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("alert").filter(has_text="n'a pas été envoyée")).to_be_visible()
    assert IntervenantRequest.objects.count() == 0
    screenshot(page, "public-form-errors-desktop")

    fill_request_form(page)
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/intervenant-exterieur/confirmation/")
    record = IntervenantRequest.objects.get()
    assert record.reference in page.locator("main").inner_text()
    assert record.supporting_document
    assert [m.to for m in mail.outbox] == [["dec@ac-polynesie.pf"]]
    screenshot(page, "public-form-confirmation-desktop")


def test_request_form__address_abroad_on_a_phone(seeded, phone_page, screenshot):
    """A teacher of another académie, living in Paris: no Polynesian commune, no 987 code.
    An invalid first try puts the focus on the error summary."""
    page = phone_page
    page.goto(seeded.url + "/intervenant-exterieur/")
    fill_request_form(page)
    page.get_by_label("Adresse électronique").fill("claire.martin@example.fr")
    page.get_by_label("Prénom").fill("Claire")
    page.get_by_label("Nom de naissance").fill("Martin")
    page.get_by_label("Téléphone").fill("+33 6 12 34 56 78")
    page.get_by_label("Adresse postale").fill("12 rue des Écoles")
    page.get_by_label("Code postal").fill("75005")
    page.locator("#id_town").fill("Paris")
    page.locator("#id_country").fill("France")
    page.get_by_label("Commune de résidence").select_option(index=0)
    screenshot(page, "public-form-abroad-phone")

    # Without the town, the summary says so and takes the focus.
    page.locator("#id_town").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_function("document.activeElement && document.activeElement.id", timeout=5000)
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert "Indiquez la ville" in page.locator("#form-errors").inner_text()
    assert not IntervenantRequest.objects.exists()

    page.locator("#id_town").fill("Paris")
    page.get_by_label("Pièce justificative").set_input_files(
        files=[{"name": "arrete.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    if not page.locator("#id_consent").is_checked():
        page.locator("label", has_text="J'accepte que les données de ce formulaire").click()
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/intervenant-exterieur/confirmation/")
    record = IntervenantRequest.objects.get()
    assert (record.town, record.country, record.home_commune) == ("Paris", "France", None)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "public-home-phone"),
        ("/reglementation/frais-de-deplacement/", "public-regulation-phone"),
        ("/intervenant-exterieur/", "public-form-phone"),
    ],
)
def test_public_pages__fit_a_phone_screen(seeded, phone_page, screenshot, path, name):
    phone_page.goto(seeded.url + path)
    # No horizontal scrolling of the page itself (wide tables scroll inside their wrapper).
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot(phone_page, name)
