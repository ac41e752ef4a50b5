"""What an intervenant validated is a record: later changes of the dossier, the rates, the
communes or the neighbours never move it; only a send-back lets it be computed again."""

import datetime
from decimal import Decimal

import pytest

from missions.enums import Actor, PartStatus, TravelRateKind
from missions.models import FeePart, TravelLeg, TravelRate
from missions.services.anomalies import anomalies
from missions.services.entry import save_line, submit
from missions.services.fees import current_drift, part_result, recompute_part
from missions.services.lifecycle import transition
from missions.services.rulebook import RateBook
from tests.factories import (
    DossierFactory,
    MissionFactory,
    WorkLineFactory,
    commune,
    gestionnaire,
    parts_for,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 20)


@pytest.fixture
def validated_leg():
    """A 10 km car leg at ≤ 5 CV (10 × 52.05 = 520.5 → 521 XPF), validated."""
    dossier = DossierFactory(vehicle_horsepower=5)
    intervenant = dossier.intervenant
    intervenant.home_commune = commune("Taiarapu-Est")
    intervenant.save()
    mission = MissionFactory(intervenant=intervenant, start_date=datetime.date(2026, 6, 16))
    remuneration, travel = parts_for(mission)
    WorkLineFactory(part=remuneration, date=mission.start_date, quantity=Decimal(10))
    leg = TravelLeg(
        date=mission.start_date,
        from_commune=commune("Taiarapu-Est"),
        to_commune=commune("Papeete"),
        mode="voiture",
        km=Decimal(10),
    )
    save_line(travel, leg, today=TODAY)
    submit(mission.etat, intervenant.user, today=TODAY)
    travel.refresh_from_db()
    assert travel.status == PartStatus.VALIDATED_BY_INTERVENANT
    assert travel.amount == 521
    return travel


def _leg(part):
    return TravelLeg.objects.get(part=part)


def test_validation__stores_amount_explanation_and_facts(validated_leg):
    leg = _leg(validated_leg)
    assert leg.amount == 521
    assert "5 CV et moins" in leg.explanation
    assert leg.facts["puissance_fiscale"] == 5
    assert leg.facts["tranche_puissance"] == "5cv"
    assert leg.facts["tranches"] == [{"tranche_distance": "0-2000", "km": "10.0", "taux": "52.05"}]
    assert leg.facts["commune_de_residence"]["indemnisable"] is True
    assert validated_leg.amounts_frozen_at is not None


def test_validated_leg__stays_at_521_after_horsepower_and_rate_changes(validated_leg):
    dossier = validated_leg.etat.mission.intervenant.dossier
    dossier.vehicle_horsepower = 6
    dossier.save()
    TravelRate.objects.filter(kind=TravelRateKind.CAR_KM).update(amount=Decimal("99.00"))
    part = FeePart.objects.get(pk=validated_leg.pk)

    # Every path that used to compute again now reads the record.
    recompute_part(part)
    shown = part_result(part, RateBook.from_database())
    transition(part, "attest", actor=Actor.GESTIONNAIRE, user=gestionnaire())
    transition(part, "control", actor=Actor.GESTIONNAIRE, user=gestionnaire())

    part.refresh_from_db()
    assert part.amount == 521
    assert _leg(part).amount == 521
    assert shown.total == 521
    assert "5 CV et moins" in shown.lines[0].explanation
    assert current_drift(part, RateBook.from_database()) == 990  # 10 × 99


def test_validated_leg__stays_after_neighbour_change(validated_leg):
    # Papeete becomes a neighbour of the home commune: the rule would now pay nothing.
    commune("Taiarapu-Est").neighbours.add(commune("Papeete"))
    part = FeePart.objects.get(pk=validated_leg.pk)
    recompute_part(part)
    part.refresh_from_db()
    assert part.amount == 521
    assert part_result(part).total == 521


def test_control_queue__flags_what_the_current_computation_would_give(validated_leg):
    dossier = validated_leg.etat.mission.intervenant.dossier
    dossier.vehicle_horsepower = 6
    dossier.save()
    part = FeePart.objects.select_related("etat__mission__intervenant__dossier").get(
        pk=validated_leg.pk
    )
    flags = anomalies([part], {}, RateBook.from_database())
    assert any("Le calcul actuel donnerait 564" in flag for flag in flags[part.pk])
    assert FeePart.objects.get(pk=part.pk).amount == 521


def test_send_back__lets_the_intervenant_see_the_new_amount(validated_leg):
    dossier = validated_leg.etat.mission.intervenant.dossier
    dossier.vehicle_horsepower = 6
    dossier.save()
    staff = gestionnaire()
    transition(
        validated_leg, "send_back", actor=Actor.GESTIONNAIRE, user=staff,
        reason="Puissance fiscale corrigée.",
    )  # fmt: skip
    part = FeePart.objects.get(pk=validated_leg.pk)
    assert part.status == PartStatus.TO_CORRECT
    assert part_result(part).total == 564  # 10 × 56.42 = 564.2
    submit(part.etat, part.etat.mission.intervenant.user, today=TODAY)
    part.refresh_from_db()
    assert part.amount == 564
    assert part.history.filter(reason="Puissance fiscale corrigée.").exists()
