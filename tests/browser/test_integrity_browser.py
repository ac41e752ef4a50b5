"""Records stay records, in Chromium on the demo data: the gestionnaire opens an uploaded
ticket from the control queue; a sealed batch lists a change made after its export; a
controlled mission's edit form is read-only with the reason. Screenshots of the three."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from missions.enums import BatchStatus, PartNature, PartStatus, TravelMode
from missions.models import FeePart, Intervenant, PaymentBatch, TravelLeg
from tests.browser.test_staff_payments_browser import PASSWORD, tall_screenshot
from tests.missions.portal.conftest import PNG

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo():
    call_command("seed_demo", password=PASSWORD, missions=300, stdout=io.StringIO())


def test_records__ticket_from_the_queue_sealed_batch_read_only_mission(
    demo, live_server, page, admin_log_in, screenshot
):
    # A ticket the intervenant uploaded, on a part waiting for the DEC's control.
    part = (
        FeePart.objects.filter(status=PartStatus.SERVICE_FAIT, nature=PartNature.TRAVEL)
        .select_related("etat__mission__centre")
        .first()
    )
    mission = part.etat.mission
    leg = TravelLeg.objects.create(
        part=part, date=mission.start_date, from_commune=mission.centre.commune,
        to_commune=mission.centre.commune, mode=TravelMode.TAXI, fare=2_500,
    )  # fmt: skip
    leg.receipt.save("ticket.png", ContentFile(PNG))
    user = get_user_model().objects.get(username="gestionnaire")
    admin_log_in(page, live_server, user, PASSWORD)

    # 1. The control queue row links the ticket; it opens inline in a new tab.
    query = f"?centre={mission.centre_id}&nature={PartNature.TRAVEL}"
    page.goto(live_server.url + reverse("missions_control") + query)
    link = page.locator(
        f'a[href="{reverse("missions_document_receipt", args=["trajet", leg.pk])}"]'
    )
    expect(link).to_be_visible()
    tall_screenshot(screenshot, page, "integrity-control-queue-document")
    with page.context.expect_page() as opened:
        link.click()
    ticket = opened.value
    ticket.wait_for_load_state()
    assert ticket.locator("img").count() == 1  # Chromium shows the image itself
    ticket.close()

    # 2. A sealed batch: a payee renamed after the export is listed, the files stay intact.
    batch = PaymentBatch.objects.filter(status=BatchStatus.EXPORTED).first()
    line = batch.lines.order_by("position").first()
    payee = Intervenant.objects.get(identifier=line.identifier)
    payee.last_name = "Nouveau-Nom"
    payee.save()
    page.goto(live_server.url + reverse("missions_payment", args=[batch.pk]))
    assert page.get_by_text("Intact").count() == 3
    differences = page.locator(".payment-differences")
    assert "Nouveau-Nom" in differences.inner_text()
    tall_screenshot(screenshot, page, "integrity-sealed-batch")

    # 3. A controlled mission: its form is read-only, with the reason.
    controlled = FeePart.objects.filter(status=PartStatus.CONTROLLED).first().etat.mission
    page.goto(
        live_server.url + reverse("wagtailsnippets_missions_mission:edit", args=[controlled.pk])
    )
    expect(page.get_by_text("Lecture seule.")).to_be_visible()
    assert page.locator("input[name=epreuve]").is_disabled()
    tall_screenshot(screenshot, page, "integrity-read-only-mission")
