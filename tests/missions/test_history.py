"""The audit trail (django-simple-history) and its display in the admin inspect views."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.enums import BatchStatus, PartNature, PartStatus, TravelRateKind
from missions.models import (
    DossierFinancier,
    FeePart,
    Intervenant,
    PaymentBatch,
    Rate,
    StatusChange,
    TravelRate,
)
from tests.factories import (
    DossierFactory,
    IntervenantFactory,
    MissionFactory,
    gestionnaire,
    parts_for,
)

pytestmark = pytest.mark.django_db

OLD_IBAN = "FR7630001007941234567890185"
NEW_IBAN = "FR1420041010050500013M02606"


def url(model, view, *args):
    return reverse(f"wagtailsnippets_missions_{model}:{view}", args=args)


def test_each_audited_model__records_creation_and_changes():
    intervenant = IntervenantFactory()
    intervenant.phone = "87 00 00 00"
    intervenant.save()

    records = list(Intervenant.history.filter(id=intervenant.pk).order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    delta = records[1].diff_against(records[0])
    assert delta.changed_fields == ["phone"]
    for model in (DossierFinancier, FeePart, PaymentBatch, Rate, TravelRate):
        assert model._meta.simple_history_manager_attribute


def test_fee_part__keeps_history_for_its_status_changes_and_audit_history_apart():
    work, _ = parts_for(MissionFactory())
    work.status = PartStatus.VALIDATED_BY_INTERVENANT
    work.save()

    assert work.history.model is StatusChange
    assert work.audit_history.count() == 2
    assert work.audit_history.first().status == PartStatus.VALIDATED_BY_INTERVENANT


def test_queryset_update__writes_no_history_row():
    """Documented limit: update() and bulk_* bypass save(), so no audit record."""
    work, _ = parts_for(MissionFactory())
    FeePart.objects.filter(pk=work.pk).update(amount=1000)
    assert work.audit_history.count() == 1


def test_admin_edit__records_the_staff_user(client):
    user = gestionnaire()
    client.force_login(user)
    rate = TravelRate.objects.create(kind=TravelRateKind.MEAL, amount=Decimal(1000))

    response = client.post(
        url("travelrate", "edit", rate.pk),
        {
            "kind": TravelRateKind.MEAL,
            "horsepower_band": "",
            "distance_band": "",
            "amount": "2000",
            "valid_from": "",
            "valid_to": "",
            "source": "Arrêté de test",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    latest = rate.history.latest()
    assert latest.history_user == user
    assert latest.amount == Decimal(2000)
    html = client.get(url("travelrate", "inspect", rate.pk)).content.decode()
    assert "Historique des modifications" in html
    assert user.username in html
    assert "1000,00 → 2000,00" in html or "1000.00 → 2000.00" in html


def test_dossier_inspect__shows_iban_changes_masked(client):
    client.force_login(gestionnaire())
    dossier = DossierFactory(iban=OLD_IBAN)
    dossier.iban = NEW_IBAN
    dossier.save()

    html = client.get(url("dossierfinancier", "inspect", dossier.pk)).content.decode()

    assert "•••• 0185 → •••• 2606" in html
    assert OLD_IBAN not in html
    assert NEW_IBAN not in html


def test_mission_inspect__shows_changes_with_labels_and_related_names(client):
    client.force_login(gestionnaire())
    mission = MissionFactory(epreuve="Philosophie")
    old_centre = str(mission.centre)
    new_centre = MissionFactory().centre
    mission.epreuve = "Mathématiques"
    mission.centre = new_centre
    mission.save()

    html = client.get(url("mission", "inspect", mission.pk)).content.decode()

    assert "État de frais" in html  # the page's own section is still there
    assert "Philosophie → Mathématiques" in html
    assert f"{old_centre} → {new_centre}" in html


@pytest.mark.parametrize(
    "model", ["intervenant", "dossierfinancier", "mission", "feepart", "rate", "paymentbatch"]
)
def test_inspect_views__show_the_audit_trail(client, model):
    client.force_login(gestionnaire())
    dossier = DossierFactory()
    mission = MissionFactory(intervenant=dossier.intervenant)
    work, _ = parts_for(mission)
    batch = PaymentBatch.objects.create(number="2026-001", nature=PartNature.REMUNERATION)
    batch.status = BatchStatus.EXPORTED
    batch.save()
    objects = {
        "intervenant": dossier.intervenant,
        "dossierfinancier": dossier,
        "mission": mission,
        "feepart": work,
        "rate": Rate.objects.first(),
        "paymentbatch": batch,
    }

    response = client.get(url(model, "inspect", objects[model].pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Historique des modifications" in html
    if model == "paymentbatch":
        assert "En préparation → Exporté" in html


def test_audit_trail__shows_fifty_records_with_a_bounded_query_count(client):
    client.force_login(gestionnaire())
    few, many = IntervenantFactory(), IntervenantFactory()
    for index in range(3):
        few.phone = f"87 00 00 {index:02d}"
        few.save()
    for index in range(70):
        many.phone = f"87 00 00 {index:02d}"
        many.save()

    client.get(url("intervenant", "inspect", few.pk))  # warm caches (content types, site)
    with CaptureQueriesContext(connection) as small:
        client.get(url("intervenant", "inspect", few.pk))
    with CaptureQueriesContext(connection) as large:
        html = client.get(url("intervenant", "inspect", many.pk)).content.decode()

    assert len(large.captured_queries) == len(small.captured_queries)
    assert html.count("Téléphone</strong>") == 50
