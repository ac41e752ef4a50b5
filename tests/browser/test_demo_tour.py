"""The tour the README advertises, on the demo as `make run` seeds it, on a phone: log in as
PF000001 with the identifier, open the mission sent back, correct it, validate again."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from missions.enums import PartNature, PartStatus
from missions.models import FeePart

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "mot-de-passe-de-demo"


@pytest.fixture
def demo():
    call_command("seed_demo", password=PASSWORD, missions=60, stdout=io.StringIO())


def sent_back_part():
    return FeePart.objects.select_related("etat__mission").get(
        etat__mission__intervenant__identifier="PF000001",
        nature=PartNature.REMUNERATION,
        history__to_status=PartStatus.TO_CORRECT,
    )


def test_demo_tour__correct_the_sent_back_mission_and_validate(demo, live_server, phone_page,
                                                               screenshot):  # fmt: skip
    page = phone_page
    part = sent_back_part()
    mission = part.etat.mission
    page.goto(live_server.url + "/espace/")
    page.locator("#id_username").fill("PF000001")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/espace/$"))

    # The sent-back mission is among the things to do, with its deadline ahead.
    todo = page.locator("main").inner_text()
    assert "À CORRIGER" in todo.upper() and "Saisie possible jusqu'au" in todo
    page.get_by_role("link", name=mission.epreuve).first.click()
    body = page.locator("main").inner_text()
    assert "Renvoyé pour correction" in body
    assert body.count("Renvoyé pour correction") == 1
    assert "est dépassée" not in body
    screenshot(page, "demo-tour-sent-back")

    # The centre's count is the convocation's: replace the declared line by it.
    section = page.locator("#remuneration")
    section.get_by_role("button", name=re.compile("^Supprimer")).first.click()
    page.get_by_role("button", name="Déclarer le travail effectué").click()
    page.locator("#id_travail-date").fill(mission.start_date.isoformat())
    page.locator("#id_travail-quantity").fill(str(int(mission.expected_quantity)))
    page.locator("#form-travail").get_by_role("button", name="Ajouter").click()
    expect(page.locator("#remuneration")).to_contain_text(
        f"{int(mission.expected_quantity)} copies ×"
    )

    page.get_by_text("Je certifie l'exactitude").click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Valider ma saisie")).click()
    assert "Votre saisie est validée" in page.content()
    screenshot(page, "demo-tour-validated")
    part.refresh_from_db()
    assert part.status == PartStatus.VALIDATED_BY_INTERVENANT
    assert (
        part.etat.mission.etat.parts.get(nature=PartNature.REMUNERATION).worklines.get().quantity
        == mission.expected_quantity
    )
