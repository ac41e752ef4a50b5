"""Entering work and travel on the portal, seeing the amounts, validating."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from missions.enums import PartNature, PartStatus
from missions.models import FeePart, TravelLeg, WorkLine
from tests.missions.portal.conftest import PNG

pytestmark = pytest.mark.django_db


def add(client, mission, kind, data, files=None):
    url = reverse("portal:add_line", args=[mission.pk, kind])
    payload = {f"{kind}-{key}": value for key, value in data.items()}
    payload.update(files or {})
    return client.post(url, payload)


def part(mission, nature):
    return FeePart.objects.get(etat__mission=mission, nature=nature)


@pytest.fixture
def logged(client, alice_mission, today):
    client.force_login(alice_mission.intervenant.user)
    return client


def test_work_line__computed_and_shown_before_validation(logged, alice_mission):
    response = add(logged, alice_mission, "travail", {"date": "2026-06-16", "quantity": "37"})
    # The updated page itself answers, not a redirect to it (one round trip less).
    assert response.status_code == 200
    assert "Ligne ajoutée" in response.content.decode()
    page = logged.get(reverse("portal:mission", args=[alice_mission.pk])).content.decode()
    assert "37 copies × 596,66\u00a0XPF (taux 5, Baccalauréats) = 22\u202f076\u00a0XPF" in page
    assert part(alice_mission, PartNature.REMUNERATION).amount == 22_076


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2026-06-16", "quantity": "-3"}, "ne peut pas être négative"),
        ({"date": "2026-06-16", "quantity": "5000"}, "dépasse le maximum plausible"),
        ({"date": "2026-07-30", "quantity": "10"}, "La date doit être comprise entre"),
        ({"date": "", "quantity": "10"}, "Champ requis"),
    ],
)
def test_invalid_work_line__french_error_and_nothing_stored(logged, alice_mission, data, message):
    response = add(logged, alice_mission, "travail", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WorkLine.objects.exists()


def test_travel_leg__km_over_a_sane_bound_is_refused(logged, alice_mission):
    response = add(logged, alice_mission, "trajet", {
        "date": "2026-06-16", "departure_time": "06:00", "arrival_time": "07:00",
        "from_commune": alice_mission.intervenant.home_commune_id,
        "to_commune": alice_mission.centre.commune_id, "mode": "voiture", "km": "950",
    })  # fmt: skip
    assert response.status_code == 400
    assert "le maximum est 400" in response.content.decode()
    assert not TravelLeg.objects.exists()


def test_travel_leg__with_a_receipt(logged, alice_mission):
    receipt = SimpleUploadedFile("billet.png", PNG, content_type="image/png")
    response = add(logged, alice_mission, "trajet", {
        "date": "2026-06-16", "departure_time": "06:00", "arrival_time": "06:45",
        "from_commune": alice_mission.intervenant.home_commune_id,
        "to_commune": alice_mission.centre.commune_id, "mode": "avion", "fare": "12500",
    }, {"trajet-receipt": receipt})  # fmt: skip
    assert response.status_code == 200
    leg = TravelLeg.objects.get()
    assert leg.receipt.name.endswith(".png")
    assert part(alice_mission, PartNature.TRAVEL).amount == 12_500


def test_receipt__spoofed_extension_is_refused(logged, alice_mission):
    fake = SimpleUploadedFile("billet.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = add(logged, alice_mission, "trajet", {
        "date": "2026-06-16", "departure_time": "06:00", "arrival_time": "06:45",
        "from_commune": alice_mission.intervenant.home_commune_id,
        "to_commune": alice_mission.centre.commune_id, "mode": "avion", "fare": "12500",
    }, {"trajet-receipt": fake})  # fmt: skip
    assert response.status_code == 400
    assert "Format non accepté" in response.content.decode()
    assert not TravelLeg.objects.exists()


def test_submit__moves_both_parts_and_locks_the_entry(logged, alice_mission):
    add(logged, alice_mission, "travail", {"date": "2026-06-16", "quantity": "37"})
    add(logged, alice_mission, "repas", {"date": "2026-06-16", "kind": "dejeuner"})
    response = logged.post(reverse("portal:submit", args=[alice_mission.pk]), {"certify": "on"})
    assert response.status_code == 200
    assert "Votre saisie est validée" in html.unescape(response.content.decode())
    assert (
        part(alice_mission, PartNature.REMUNERATION).status == PartStatus.VALIDATED_BY_INTERVENANT
    )
    assert part(alice_mission, PartNature.TRAVEL).status == PartStatus.VALIDATED_BY_INTERVENANT
    # Read-only afterwards: adding is refused, nothing stored.
    add(logged, alice_mission, "travail", {"date": "2026-06-16", "quantity": "1"})
    assert WorkLine.objects.count() == 1
    page = html.unescape(
        logged.get(reverse("portal:mission", args=[alice_mission.pk])).content.decode()
    )
    assert "Valider ma saisie" not in page
    assert "Validé par l'intervenant" in page


def test_submit__without_certifying_is_refused(logged, alice_mission):
    add(logged, alice_mission, "travail", {"date": "2026-06-16", "quantity": "37"})
    response = logged.post(reverse("portal:submit", args=[alice_mission.pk]), {})
    assert response.status_code == 400
    assert "Cochez la case" in response.content.decode()
    assert part(alice_mission, PartNature.REMUNERATION).status == PartStatus.TO_ENTER


def test_submit__without_work_declared_is_refused(logged, alice_mission):
    logged.post(reverse("portal:submit", args=[alice_mission.pk]), {"certify": "on"})
    page = logged.get(reverse("portal:mission", args=[alice_mission.pk])).content.decode()
    assert "Déclarez le travail effectué avant de valider" in page
    assert part(alice_mission, PartNature.REMUNERATION).status == PartStatus.TO_ENTER


def test_submit__no_travel_declared_makes_the_travel_part_sans_frais(logged, alice_mission):
    add(logged, alice_mission, "travail", {"date": "2026-06-16", "quantity": "37"})
    logged.post(reverse("portal:submit", args=[alice_mission.pk]), {"certify": "on"})
    assert part(alice_mission, PartNature.TRAVEL).status == PartStatus.NO_FEES


@pytest.mark.parametrize(
    ("typed", "stored", "amount"),
    [("12 h 15", "12.25", 14_033), ("12,25", "12.25", 14_033), ("12:10", "12.17", 13_938)],
)
def test_oral_examiner__enters_hours_and_minutes(client, alice, today, typed, stored, amount):
    from missions.models import Activity
    from tests.missions.portal.conftest import issued_mission

    mission = issued_mission(alice, activity=Activity.objects.get(code="oral"))
    client.force_login(alice.user)
    response = add(client, mission, "travail", {"date": "2026-06-16", "quantity": typed})
    assert response.status_code == 200, html.unescape(response.content.decode())[:3000]
    assert WorkLine.objects.get().quantity == Decimal(stored)
    assert part(mission, PartNature.REMUNERATION).amount == amount


def test_oral_examiner__an_unreadable_duration_is_refused_in_french(client, alice, today):
    from missions.models import Activity
    from tests.missions.portal.conftest import issued_mission

    mission = issued_mission(alice, activity=Activity.objects.get(code="oral"))
    client.force_login(alice.user)
    response = add(client, mission, "travail", {"date": "2026-06-16", "quantity": "12 h 75"})
    assert "Les minutes vont de 0 à 59" in html.unescape(response.content.decode())
    assert not WorkLine.objects.exists()


def test_after_the_deadline__nothing_can_be_entered(client, alice_mission, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 9, 2)
    )
    client.force_login(alice_mission.intervenant.user)
    page = client.get(reverse("portal:mission", args=[alice_mission.pk])).content.decode()
    assert page.count("date limite de saisie (31/08/2026) est dépassée") == 1
    add(client, alice_mission, "travail", {"date": "2026-06-16", "quantity": "37"})
    assert not WorkLine.objects.exists()


def test_after_the_deadline__a_file_sent_back_whole_says_so_once(client, alice_mission,
                                                                  monkeypatch):  # fmt: skip
    """Both parts sent back (travel and remuneration): one deadline alert, not one a part."""
    FeePart.objects.filter(etat__mission=alice_mission).update(status=PartStatus.TO_CORRECT)
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 9, 2)
    )
    client.force_login(alice_mission.intervenant.user)
    page = client.get(reverse("portal:mission", args=[alice_mission.pk])).content.decode()
    assert page.count("date limite de saisie (31/08/2026) est dépassée") == 1


def test_delete_line__recomputes(logged, alice_mission):
    add(logged, alice_mission, "travail", {"date": "2026-06-16", "quantity": "37"})
    line = WorkLine.objects.get()
    logged.post(reverse("portal:delete_line", args=[alice_mission.pk, "travail", line.pk]))
    assert not WorkLine.objects.exists()
    assert part(alice_mission, PartNature.REMUNERATION).amount == 0


def test_sent_back_file__shows_the_reason_and_is_editable_again(logged, alice_mission):
    rem = part(alice_mission, PartNature.REMUNERATION)
    rem.status = PartStatus.TO_CORRECT
    rem.save()
    rem.history.create(from_status=PartStatus.VALIDATED_BY_INTERVENANT,
                       to_status=PartStatus.TO_CORRECT, actor_role="chef_de_centre",
                       reason="Il manque les copies du jury 12.")  # fmt: skip
    page = logged.get(reverse("portal:mission", args=[alice_mission.pk])).content.decode()
    assert "Il manque les copies du jury 12." in page
    assert "Déclarer le travail effectué" in page


def test_recap_pdf__lists_the_computation(logged, alice_mission):
    from io import BytesIO

    from pypdf import PdfReader

    add(logged, alice_mission, "travail", {"date": "2026-06-16", "quantity": "37"})
    response = logged.get(reverse("portal:recap_pdf", args=[alice_mission.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "Récapitulatif de l'état de frais" in text
    assert "22 076" in text.replace("\u202f", " ").replace("\u00a0", " ")
