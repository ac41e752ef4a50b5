"""The DEC sees every document it controls through a permission-checked private view;
a chef de centre only their centres' receipts; an intervenant only their own. A dossier
changed by the intervenant goes back to "à vérifier" and the DEC sees what changed."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from missions.enums import PartStatus
from missions.models import DossierFinancier, FeePart
from missions.services.anomalies import anomalies
from tests.factories import (
    CentreFactory,
    DossierFactory,
    IntervenantFactory,
    MissionFactory,
    TravelLegFactory,
    chef_de_centre,
    gestionnaire,
    parts_for,
)
from tests.missions.portal.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    """A plane ticket with its receipt, on a mission in `service_fait`."""
    centre = CentreFactory()
    mission = MissionFactory(centre=centre)
    DossierFactory(intervenant=mission.intervenant)
    _, travel = parts_for(mission, status=PartStatus.SERVICE_FAIT)
    leg = TravelLegFactory(part=travel, fare=18_000)
    leg.receipt.save("billet.png", ContentFile(PNG))
    return leg


def receipt_url(leg):
    return reverse("missions_document_receipt", args=["trajet", leg.pk])


def test_receipt__opens_inline_for_the_gestionnaire(client, ticket):
    client.force_login(gestionnaire())
    response = client.get(receipt_url(ticket))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == PNG


def test_receipt__chef_of_the_centre_yes_chef_of_another_centre_404(client, ticket):
    client.force_login(chef_de_centre(ticket.part.etat.mission.centre))
    assert client.get(receipt_url(ticket)).status_code == 200
    client.force_login(chef_de_centre(CentreFactory()))
    assert client.get(receipt_url(ticket)).status_code == 404


def test_receipt__another_intervenant_gets_404_on_the_portal_too(client, ticket):
    other = IntervenantFactory()
    client.force_login(other.user)
    url = reverse("portal:receipt", args=["trajet", ticket.pk])
    assert client.get(url).status_code == 404
    assert client.get(receipt_url(ticket)).status_code in (302, 403, 404)


def test_control_queue__links_the_ticket_rib_and_id(client, ticket):
    dossier = ticket.part.etat.mission.intervenant.dossier
    dossier.rib_document.save("rib.pdf", ContentFile(PDF))
    dossier.id_document.save("id.pdf", ContentFile(PDF))
    client.force_login(gestionnaire())
    page = client.get(reverse("missions_control")).content.decode()
    assert receipt_url(ticket) in page
    assert reverse("missions_document_dossier", args=[dossier.pk, "rib"]) in page
    assert reverse("missions_document_dossier", args=[dossier.pk, "identite"]) in page
    rib = client.get(reverse("missions_document_dossier", args=[dossier.pk, "rib"]))
    assert (rib.status_code, rib["Content-Type"]) == (200, "application/pdf")


def test_mission_inspect__links_the_receipt(client, ticket):
    client.force_login(gestionnaire())
    url = reverse("wagtailsnippets_missions_mission:inspect", args=[ticket.part.etat.mission_id])
    assert receipt_url(ticket) in client.get(url).content.decode()


def test_dossier_documents__gestionnaire_only(client, ticket):
    dossier = ticket.part.etat.mission.intervenant.dossier
    dossier.rib_document.save("rib.pdf", ContentFile(PDF))
    url = reverse("missions_document_dossier", args=[dossier.pk, "rib"])
    client.force_login(chef_de_centre(ticket.part.etat.mission.centre))
    assert client.get(url).status_code == 404
    client.force_login(gestionnaire())
    assert client.get(url).status_code == 200


# Dossier verification follows the data


@pytest.fixture
def checked_dossier(client):
    person = IntervenantFactory()
    dossier = DossierFactory(
        intervenant=person, iban="FR7617469000101234567890153", bic="SOCBPFTX",
        account_holder="V T", checked_at=timezone.now() - datetime.timedelta(days=3),
        checked_by=gestionnaire(),
    )  # fmt: skip
    dossier.rib_document.save("rib.pdf", ContentFile(PDF))
    dossier.id_document.save("id.pdf", ContentFile(PDF))
    client.force_login(person.user)
    return dossier


def post_dossier(client, dossier, **changes):
    payload = {"iban": dossier.iban, "bic": dossier.bic, "account_holder": dossier.account_holder,
               "social_security_number": "", "vehicle_horsepower": "5"}  # fmt: skip
    payload.update(changes)
    return client.post(reverse("portal:dossier"), payload)


def test_new_rib_upload__puts_the_dossier_back_to_check_and_the_portal_says_so(
    client, checked_dossier
):
    response = post_dossier(client, checked_dossier,
                            rib_document=SimpleUploadedFile("nouveau.pdf", PDF))  # fmt: skip
    assert response.status_code == 302
    dossier = DossierFinancier.objects.get(pk=checked_dossier.pk)
    assert dossier.checked_at is None and dossier.check_reset_at is not None
    assert dossier.needs_check
    assert [c["champ"] for c in dossier.pending_changes] == ["RIB"]
    page = client.get(reverse("portal:dossier")).content.decode()
    assert "vérifié" not in page.replace("à vérifier", "").replace("vérifier de nouveau", "")
    assert "Dossier modifié : à vérifier par la DEC" in page


def test_iban_change__masked_old_and_new_for_the_dec_and_flagged_in_the_queue(
    client, checked_dossier
):
    post_dossier(client, checked_dossier, iban="FR7612149000101234567890176", bic="BPOLPFTP")
    dossier = DossierFinancier.objects.get(pk=checked_dossier.pk)
    iban = next(c for c in dossier.pending_changes if c["champ"] == "IBAN")
    assert (iban["avant"], iban["apres"]) == ("FR76 •••• 0153", "FR76 •••• 0176")

    staff = gestionnaire()
    client.force_login(staff)
    url = reverse("wagtailsnippets_missions_dossierfinancier:inspect", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert "FR76 •••• 0153" in page and "FR76 •••• 0176" in page
    assert "FR7612149000101234567890176" not in page
    assert reverse("missions_document_dossier", args=[dossier.pk, "rib"]) in page

    mission = MissionFactory(intervenant=dossier.intervenant)
    part, _ = parts_for(mission, status=PartStatus.SERVICE_FAIT)
    part = FeePart.objects.select_related("etat__mission__intervenant__dossier").get(pk=part.pk)
    flags = anomalies([part], {})[part.pk]
    assert any("modifié par l'intervenant" in flag and "IBAN" in flag for flag in flags)

    # The DEC's new check clears the review.
    dossier.checked_at, dossier.checked_by = timezone.now(), staff
    dossier.save()
    dossier.refresh_from_db()
    assert not dossier.needs_check and dossier.pending_changes == []
