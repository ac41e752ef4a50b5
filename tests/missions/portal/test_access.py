"""Object-level access: an intervenant reaches only their own missions, lines and files."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from missions.enums import PartNature
from missions.models import TravelLeg, WorkLine
from tests.factories import DossierFactory, UserFactory, commune, gestionnaire
from tests.missions.portal.conftest import PNG

pytestmark = pytest.mark.django_db


def own_urls(mission):
    pk = mission.pk
    return [
        reverse("portal:mission", args=[pk]),
        reverse("portal:recap_pdf", args=[pk]),
    ]


def post_urls(mission, work_line):
    pk = mission.pk
    return [
        reverse("portal:add_line", args=[pk, "travail"]),
        reverse("portal:delete_line", args=[pk, "travail", work_line.pk]),
        reverse("portal:submit", args=[pk]),
    ]


@pytest.fixture
def bruno_line(bruno_mission):
    part = bruno_mission.etat.parts.get(nature=PartNature.REMUNERATION)
    line = WorkLine.objects.create(part=part, date=bruno_mission.start_date, quantity=10)
    line.receipt.save("r.png", ContentFile(PNG))
    return line


def test_anonymous__is_sent_to_the_login_page(client, alice_mission):
    for url in [reverse("portal:missions"), reverse("portal:dossier"), *own_urls(alice_mission)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))


def test_another_intervenants_mission__is_a_404_everywhere(client, alice, bruno_mission,
                                                           bruno_line, today):  # fmt: skip
    client.force_login(alice.user)
    for url in own_urls(bruno_mission):
        assert client.get(url).status_code == 404, url
    for url in post_urls(bruno_mission, bruno_line):
        assert client.post(url, {"certify": "on", "travail-quantity": "3"}).status_code == 404
    assert client.get(reverse("portal:receipt", args=["travail", bruno_line.pk])).status_code == 404
    bruno_line.refresh_from_db()  # still there, untouched
    assert bruno_line.quantity == 10


def test_another_intervenants_travel_receipt__is_a_404(client, alice, bruno_mission):
    part = bruno_mission.etat.parts.get(nature=PartNature.TRAVEL)
    leg = TravelLeg.objects.create(part=part, date=bruno_mission.start_date, mode="taxi",
                                   fare=2000, from_commune=commune("Papeete"),
                                   to_commune=commune("Faa'a"))  # fmt: skip
    leg.receipt.save("t.png", ContentFile(PNG))
    client.force_login(alice.user)
    assert client.get(reverse("portal:receipt", args=["trajet", leg.pk])).status_code == 404
    client.force_login(bruno_mission.intervenant.user)
    response = client.get(reverse("portal:receipt", args=["trajet", leg.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_own_receipt__downloads(client, bruno_mission, bruno_line):
    client.force_login(bruno_mission.intervenant.user)
    response = client.get(reverse("portal:receipt", args=["travail", bruno_line.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_another_intervenants_dossier_documents__are_never_served(client, alice, bruno):
    DossierFactory(intervenant=bruno).rib_document.save("rib.pdf", ContentFile(b"%PDF-1.4 b"))
    client.force_login(alice.user)
    assert client.get(reverse("portal:dossier_document", args=["rib"])).status_code == 404
    html = client.get(reverse("portal:dossier")).content.decode()
    assert bruno.dossier.iban[-4:] not in html


def test_mission_list__shows_only_own_missions(client, alice, alice_mission, bruno_mission):
    bruno_mission.epreuve = "Épreuve de Bruno"
    bruno_mission.save()
    client.force_login(alice.user)
    html = client.get(reverse("portal:missions")).content.decode()
    assert alice_mission.epreuve in html
    assert "Épreuve de Bruno" not in html


def test_staff_without_intervenant__gets_403(client, alice_mission):
    client.force_login(gestionnaire())
    assert client.get(reverse("portal:missions")).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("portal:mission", args=[alice_mission.pk])).status_code == 403


def test_not_issued_mission__is_a_404(client, alice, alice_mission):
    alice_mission.issued_at = None
    alice_mission.save()
    client.force_login(alice.user)
    assert client.get(reverse("portal:mission", args=[alice_mission.pk])).status_code == 404
