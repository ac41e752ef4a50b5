"""The intervenant's flow in Chromium: first login with the convocation's credentials,
forced change of password, entry of work and travel, amounts, receipt, validation."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from missions.services.accounts import issue_first_password
from missions.services.convocations import issue_mission
from tests.factories import (
    NEW_PASSWORD,
    DossierFactory,
    IntervenantFactory,
    MissionFactory,
    SessionFactory,
    commune,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BLOCKING = {"serious", "critical"}


@pytest.fixture
def convocation(live_server):
    """A Raiatea teacher convoked two days ago in Papeete; the entry window is open."""
    today = timezone.localdate()
    day = today - datetime.timedelta(days=2)
    session = SessionFactory(name="Bac 2026, session de remplacement", year=day.year,
                             start_date=day, end_date=day,
                             entry_deadline=today + datetime.timedelta(days=30))  # fmt: skip
    person = IntervenantFactory(user=None, first_name="Hinano", last_name="Tetuanui",
                                home_commune=commune("Uturoa"))  # fmt: skip
    DossierFactory(intervenant=person)
    mission = MissionFactory(intervenant=person, session=session, start_date=day,
                             epreuve="Philosophie")  # fmt: skip
    issue_mission(mission)
    return {"mission": mission, "identifier": person.identifier,
            "password": issue_first_password(person), "day": day}  # fmt: skip


def blocking(axe, page):
    results = axe.run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]
            if v["impact"] in BLOCKING]  # fmt: skip


def open_form(page, title):
    page.get_by_role("button", name=title).click()


def run_flow(page, live_server, convocation, screenshot, prefix, tmp_path):
    axe = Axe()
    failures = {}
    page.goto(live_server.url + "/espace/")
    assert "/espace/connexion/" in page.url
    failures["login"] = blocking(axe, page)
    page.locator("#id_username").fill(convocation["identifier"])
    page.locator("#id_password").fill(convocation["password"])
    page.get_by_role("button", name="Se connecter").click()

    # Forced first change of password.
    page.wait_for_url(re.compile(r"/espace/mot-de-passe/$"))
    failures["password"] = blocking(axe, page)
    page.locator("#id_old_password").fill(convocation["password"])
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.wait_for_url(re.compile(r"/espace/$"))
    failures["list"] = blocking(axe, page)
    screenshot(page, f"{prefix}-portal-list")

    page.get_by_role("link", name="Philosophie").first.click()
    day = convocation["day"].isoformat()
    open_form(page, "Déclarer le travail effectué")
    page.locator("#id_travail-date").fill(day)
    page.locator("#id_travail-quantity").fill("37")
    page.locator("#form-travail").get_by_role("button", name="Ajouter").click()
    expect(page.locator("#remuneration")).to_contain_text("22\u202f076\u00a0XPF")

    receipt = tmp_path / "billet.png"
    receipt.write_bytes(PNG)
    open_form(page, "Ajouter un trajet")
    form = page.locator("#form-trajet")
    form.locator("#id_trajet-date").fill(day)
    form.locator("#id_trajet-departure_time").fill("06:00")
    form.locator("#id_trajet-arrival_time").fill("06:45")
    form.locator("#id_trajet-mode").select_option("avion")
    form.locator("#id_trajet-fare").fill("12500")
    form.locator("#id_trajet-receipt").set_input_files(str(receipt))
    form.get_by_role("button", name="Ajouter").click()

    open_form(page, "Ajouter un trajet")
    form = page.locator("#form-trajet")
    form.locator("#id_trajet-date").fill(day)
    form.locator("#id_trajet-departure_time").fill("15:00")
    form.locator("#id_trajet-arrival_time").fill("15:45")
    form.locator("#id_trajet-from_commune").select_option(label="Papeete")
    form.locator("#id_trajet-to_commune").select_option(label="Uturoa")
    form.locator("#id_trajet-mode").select_option("avion")
    form.locator("#id_trajet-requisition_number").fill("R-2026-17")
    form.get_by_role("button", name="Ajouter").click()

    open_form(page, "Ajouter un repas")
    page.locator("#id_repas-date").fill(day)
    page.locator("#form-repas").get_by_role("button", name="Ajouter").click()

    # 22,076 (37 × 596.66) + 12,500 (fare) + 0 (réquisition) + 2,864 (lunch) = 37,440
    expect(page.locator("#total-amount")).to_contain_text("37\u202f440\u00a0XPF")
    assert page.get_by_role("link", name="Justificatif").count() == 1
    failures["mission"] = blocking(axe, page)
    screenshot(page, f"{prefix}-portal-mission-entered")

    page.get_by_text("Je certifie l'exactitude").click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Valider ma saisie")).click()
    assert "Votre saisie est validée" in page.content()
    assert page.get_by_text("Rémunération : Validé par l'intervenant").count() >= 1
    timeline = page.locator("#remuneration .imagin-timeline").inner_text()
    assert "À saisir" in timeline and "Validé par l'intervenant" in timeline
    screenshot(page, f"{prefix}-portal-mission-validated")

    page.goto(live_server.url + "/espace/dossier/")
    failures["dossier"] = blocking(axe, page)
    return {name: found for name, found in failures.items() if found}


def test_intervenant_flow__desktop(live_server, convocation, page, screenshot, tmp_path):
    assert run_flow(page, live_server, convocation, screenshot, "desktop", tmp_path) == {}


def test_intervenant_flow__phone(live_server, convocation, phone_page, screenshot, tmp_path):
    # On a phone the DSFR header collapses; the flow itself is the same.
    assert run_flow(phone_page, live_server, convocation, screenshot, "phone", tmp_path) == {}
