import datetime
from decimal import Decimal

import pytest

from missions.enums import PartNature, PartStatus
from missions.models import Activity, Commune, Exam, Island, Rate, TravelRate
from missions.services.fees import compute_part, recompute_part, split_km
from missions.services.rulebook import RateBook
from tests.factories import (
    CentreFactory,
    DossierFactory,
    IntervenantFactory,
    MealLineFactory,
    MissionFactory,
    NightLineFactory,
    SessionFactory,
    TravelLegFactory,
    WorkLineFactory,
    commune,
    parts_for,
)

pytestmark = pytest.mark.django_db

D = datetime.date
T = datetime.time


def remuneration(mission, *lines):
    part, _ = parts_for(mission)
    for day, quantity in lines:
        WorkLineFactory(part=part, date=day, quantity=Decimal(quantity))
    return compute_part(part)


def test_worked_example__bac_corrector_37_copies_at_taux_5():
    mission = MissionFactory(start_date=D(2026, 6, 20))
    result = remuneration(mission, (D(2026, 6, 20), "37"))
    assert result.total == 22_076  # 37 × 596.66 = 22,076.42
    assert "37 copies × 596,66\u00a0XPF (taux 5, Baccalauréats)" in result.lines[0].explanation


def test_worked_example__oral_examiner_6_5_hours_at_taux_3():
    mission = MissionFactory(activity=Activity.objects.get(code="oral"))
    result = remuneration(mission, (mission.start_date, "6.5"))
    assert result.total == 7_446  # 6.5 × 1,145.58 = 7,446.27


@pytest.mark.parametrize(
    ("stored", "expected", "shown"),
    [
        ("12.25", 14_033, "12\u00a0h\u00a015"),  # 12.25 × 1,145.58 = 14,033.355
        # 12 h 10 is stored 12.17 but paid 730/60 h: 13,937.89, not 12.17 × rate = 13,941.71
        ("12.17", 13_938, "12\u00a0h\u00a010"),
        ("0.75", 859, "0\u00a0h\u00a045"),  # 859.185
        ("6", 6_873, "6\u00a0h"),  # 6,873.48
    ],
)
def test_oral_hours__paid_to_the_minute_in_whole_francs(stored, expected, shown):
    mission = MissionFactory(activity=Activity.objects.get(code="oral"))
    result = remuneration(mission, (mission.start_date, stored))
    assert result.total == expected and isinstance(result.total, int)
    assert result.lines[0].explanation.startswith(f"{shown} × 1\u202f145,58\u00a0XPF de l'heure")


def test_worked_example__raiatea_teacher_two_days_in_papeete():
    intervenant = IntervenantFactory(home_commune=commune("Uturoa"))
    mission = MissionFactory(
        intervenant=intervenant,
        start_date=D(2026, 6, 16),
        end_date=D(2026, 6, 17),
        start_time=T(8, 0),
        end_time=T(16, 0),
    )
    _, travel = parts_for(mission)
    out = {"part": travel, "mode": "avion", "requisition_number": "R-2026-0042"}
    TravelLegFactory(**out, date=D(2026, 6, 16), departure_time=T(6, 0), arrival_time=T(6, 45))
    TravelLegFactory(
        **out,
        date=D(2026, 6, 17),
        departure_time=T(17, 0),
        arrival_time=T(17, 45),
        from_commune=commune("Papeete"),
        to_commune=commune("Uturoa"),
    )
    NightLineFactory(part=travel, date=D(2026, 6, 16))
    MealLineFactory(part=travel, date=D(2026, 6, 16), kind="dejeuner")
    MealLineFactory(part=travel, date=D(2026, 6, 17), kind="dejeuner_administratif")

    result = compute_part(travel)

    assert result.total == 18_616  # 14,320 + 2,864 + 1,432
    assert [line.amount for line in result.lines] == [0, 0, 2_864, 1_432, 14_320]
    assert "réquisition n° R-2026-0042" in result.lines[0].explanation
    assert "Déplacement entre îles" in result.notes[0]


def test_rate_change_inside_a_multi_day_mission__each_day_at_its_own_rate():
    intervenant = IntervenantFactory(home_commune=commune("Uturoa"))
    mission = MissionFactory(
        intervenant=intervenant,
        session=SessionFactory(year=2023, start_date=D(2023, 9, 18), end_date=D(2023, 9, 29),
                               entry_deadline=D(2023, 10, 31)),
        start_date=D(2023, 9, 21),
        end_date=D(2023, 9, 22),
        start_time=T(8, 0),
        end_time=T(16, 0),
    )  # fmt: skip
    _, travel = parts_for(mission)
    for day in (D(2023, 9, 21), D(2023, 9, 22)):
        MealLineFactory(part=travel, date=day)
    NightLineFactory(part=travel, date=D(2023, 9, 21))
    TravelLegFactory(part=travel, date=D(2023, 9, 21), departure_time=T(6, 0),
                     arrival_time=T(6, 45), requisition_number="R1")  # fmt: skip
    TravelLegFactory(part=travel, date=D(2023, 9, 22), departure_time=T(17, 0),
                     arrival_time=T(17, 45), from_commune=commune("Papeete"),
                     to_commune=commune("Uturoa"), requisition_number="R2")  # fmt: skip

    result = compute_part(travel)

    meals = [line.amount for line in result.lines if "Déjeuner" in line.label]
    assert meals == [2_506, 2_864]  # new rates from 2023-09-22
    night = next(line for line in result.lines if "Nuitée" in line.label)
    assert night.amount == 10_740  # the night of the 21st, old rate


def test_zero_quantity__is_zero_francs():
    mission = MissionFactory()
    assert remuneration(mission, (mission.start_date, "0")).total == 0


def test_total_is_the_sum_of_rounded_lines():
    mission = MissionFactory()
    # 1 copy = 596.66 → 597 per line; 3 lines = 1,791 (not round(1,789.98) = 1,790).
    result = remuneration(mission, *[(mission.start_date, "1")] * 3)
    assert [line.amount for line in result.lines] == [597, 597, 597]
    assert result.total == 1_791


def test_attested_quantity_replaces_the_declared_one():
    mission = MissionFactory()
    part, _ = parts_for(mission)
    WorkLineFactory(part=part, quantity=Decimal(40), attested_quantity=Decimal(37))
    result = compute_part(part)
    assert result.total == 22_076
    assert "quantité attestée par le centre (37 au lieu de 40" in result.lines[0].explanation


def test_no_rate_in_force__zero_with_a_blocking_problem():
    mission = MissionFactory(activity=Activity.objects.get(code="sujet"))  # no Bac rate
    result = remuneration(mission, (mission.start_date, "1"))
    assert result.total == 0
    assert "Aucun taux de rémunération en vigueur" in result.problems[0]


def test_group_rate_wins_over_the_all_groups_rate():
    mission = MissionFactory(activity=Activity.objects.get(code="surveillance"))
    assert remuneration(mission, (mission.start_date, "2")).total == 3_580  # 2 × 1,789.98
    Rate.objects.create(
        activity=mission.activity, rate_group=mission.effective_rate_group, amount=Decimal(1000)
    )
    assert (
        remuneration(MissionFactory(activity=mission.activity), (mission.start_date, "2")).total
        == 2_000
    )


def test_competition_rates_follow_the_examiners_corps():
    session = SessionFactory(exam=Exam.objects.get(code="concours"))
    mission = MissionFactory(session=session, activity=Activity.objects.get(code="sujet"))
    assert remuneration(mission, (mission.start_date, "1")).total == 83_532  # 700 EUR


# Home-commune rule


def travel_result(home, centre_commune, *, work=None, home_island=None, centre_island=None):
    intervenant = IntervenantFactory(
        home_commune=commune(home),
        work_commune=commune(work) if work else None,
        home_island=Island.objects.get(name=home_island) if home_island else None,
    )
    centre = CentreFactory(
        commune=commune(centre_commune),
        island=Island.objects.get(name=centre_island) if centre_island else None,
    )
    mission = MissionFactory(intervenant=intervenant, centre=centre)
    _, travel = parts_for(mission)
    MealLineFactory(part=travel, date=mission.start_date)
    return compute_part(travel)


@pytest.mark.parametrize(
    ("home", "centre", "work", "paid"),
    [
        ("Papeete", "Papeete", None, False),  # same commune
        ("Faa'a", "Papeete", None, False),  # neighbour
        ("Taiarapu-Est", "Papeete", "Pirae", False),  # neighbour of the work commune
        ("Punaauia", "Papeete", None, True),  # same island, not a neighbour
        ("Moorea-Maiao", "Papeete", None, True),  # another island
        ("Uturoa", "Taputapuatea", None, False),  # neighbours on Raiatea
    ],
)
def test_home_commune_rule(home, centre, work, paid):
    result = travel_result(home, centre, work=work)
    assert ("pas de frais de déplacement" not in result.notes[0]) is paid


def test_home_commune_rule__another_island_of_the_same_commune_qualifies():
    result = travel_result("Rangiroa", "Rangiroa", home_island="Tikehau", centre_island="Rangiroa")
    assert "entre îles" in result.notes[0]


def test_home_commune_rule__not_eligible_zeroes_every_line():
    result = travel_result("Faa'a", "Papeete")
    assert result.total == 0
    assert all("limitrophe" in line.explanation for line in result.lines)


# Meals and nights windows


def test_lunch__not_due_when_the_mission_ends_before_14h():
    intervenant = IntervenantFactory(home_commune=commune("Punaauia"))
    mission = MissionFactory(intervenant=intervenant, start_time=T(7, 30), end_time=T(12, 30))
    _, travel = parts_for(mission)
    MealLineFactory(part=travel, date=mission.start_date)
    line = compute_part(travel).lines[0]
    assert line.amount == 0
    assert "11:00–14:00" in line.explanation


def test_dinner__due_when_the_return_arrives_after_21h():
    intervenant = IntervenantFactory(home_commune=commune("Uturoa"))
    mission = MissionFactory(intervenant=intervenant, start_time=T(13, 0), end_time=T(17, 0))
    _, travel = parts_for(mission)
    day = mission.start_date
    TravelLegFactory(part=travel, date=day, departure_time=T(10, 0), arrival_time=T(10, 45),
                     requisition_number="R")  # fmt: skip
    TravelLegFactory(part=travel, date=day, departure_time=T(20, 30), arrival_time=T(21, 15),
                     from_commune=commune("Papeete"), to_commune=commune("Uturoa"),
                     requisition_number="R")  # fmt: skip
    MealLineFactory(part=travel, date=day, kind="diner")
    MealLineFactory(part=travel, date=day, kind="dejeuner", provided_free=True)
    result = compute_part(travel)
    amounts = {line.label.split(",")[0]: line.amount for line in result.lines}
    assert amounts["Dîner"] == 2_864
    assert amounts["Déjeuner"] == 0  # provided free


def test_night__not_due_for_a_one_day_mission_without_travel():
    mission = MissionFactory(intervenant=IntervenantFactory(home_commune=commune("Uturoa")))
    _, travel = parts_for(mission)
    NightLineFactory(part=travel, date=mission.start_date)
    line = compute_part(travel).lines[0]
    assert line.amount == 0
    assert "entre 0 h et 5 h" in line.explanation


# Kilometres


def test_split_km__crosses_the_annual_bands():
    limits = [("a", 2000), ("b", 10000), ("c", None)]
    assert split_km(Decimal(1990), Decimal(20), limits) == [("a", 10), ("b", 10)]
    assert split_km(Decimal(0), Decimal(15000), limits) == [("a", 2000), ("b", 8000), ("c", 5000)]
    assert split_km(Decimal(12000), Decimal(5), limits) == [("c", 5)]


def car_trip(km, *, horsepower=5, prior_km=None):
    dossier = DossierFactory(vehicle_horsepower=horsepower)
    dossier.intervenant.home_commune = commune("Taiarapu-Est")
    dossier.intervenant.save()
    if prior_km:
        earlier = MissionFactory(intervenant=dossier.intervenant, start_date=D(2026, 3, 2),
                                 epreuve="Oral blanc")  # fmt: skip
        _, earlier_travel = parts_for(earlier)
        TravelLegFactory(part=earlier_travel, date=D(2026, 3, 2), mode="voiture",
                         km=Decimal(prior_km), from_commune=commune("Taiarapu-Est"))  # fmt: skip
    mission = MissionFactory(intervenant=dossier.intervenant)
    _, travel = parts_for(mission)
    TravelLegFactory(part=travel, mode="voiture", km=Decimal(km),
                     from_commune=commune("Taiarapu-Est"))  # fmt: skip
    return compute_part(travel).lines[0]


def test_car__km_rate_by_horsepower():
    assert car_trip(60, horsepower=5).amount == 3_123  # 60 × 52.05
    assert car_trip(60, horsepower=7).amount == 3_385  # 60 × 56.42 = 3,385.2
    assert car_trip(60, horsepower=9).amount == 3_663  # 60 × 61.05


def test_car__km_beyond_2000_in_the_year_take_the_second_band():
    line = car_trip(20, prior_km=1990)
    assert line.amount == 1_145  # 10 × 52.05 + 10 × 62.46 = 1,145.1
    assert "de 2 001 à 10 000 km" in line.explanation


def test_car__unknown_horsepower_blocks_validation():
    line = car_trip(20, horsepower=None)
    assert line.amount == 0
    assert "puissance fiscale" in line.problem


def test_motorcycle_and_moped_flat_km_rates():
    mission = MissionFactory(intervenant=IntervenantFactory(home_commune=commune("Taiarapu-Est")))
    _, travel = parts_for(mission)
    TravelLegFactory(part=travel, mode="moto", km=Decimal(30))
    TravelLegFactory(part=travel, mode="cyclomoteur", km=Decimal(10))
    result = compute_part(travel)
    assert [line.amount for line in result.lines] == [783, 157]  # 782.7 and 156.8


def test_fare__paid_on_receipt_and_flagged_without_one():
    mission = MissionFactory(intervenant=IntervenantFactory(home_commune=commune("Moorea-Maiao")))
    _, travel = parts_for(mission)
    TravelLegFactory(part=travel, mode="bateau", fare=1_800, from_commune=commune("Moorea-Maiao"))
    result = compute_part(travel)
    assert result.total == 1_800
    assert "Justificatif manquant" in result.warnings[0]


def test_fare__missing_price_and_requisition_is_a_problem():
    mission = MissionFactory(intervenant=IntervenantFactory(home_commune=commune("Uturoa")))
    _, travel = parts_for(mission)
    TravelLegFactory(part=travel, mode="avion")
    assert "prix du billet" in compute_part(travel).problems[0]


# Storing


def test_recompute_part__stores_line_amounts_and_total():
    mission = MissionFactory()
    part, _ = parts_for(mission)
    line = WorkLineFactory(part=part, quantity=Decimal(37))
    recompute_part(part)
    line.refresh_from_db()
    part.refresh_from_db()
    assert (line.amount, part.amount) == (22_076, 22_076)
    assert "596,66" in line.explanation


def test_recompute_part__leaves_controlled_amounts_frozen():
    mission = MissionFactory()
    part, _ = parts_for(mission, status=PartStatus.CONTROLLED)
    WorkLineFactory(part=part, quantity=Decimal(37))
    recompute_part(part)
    part.refresh_from_db()
    assert part.amount == 0


def test_rate_book__loads_rates_in_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        book = RateBook.load()
    assert book.travel_rate("nuitee", D(2026, 1, 1)).amount == Decimal("14320")
    assert TravelRate.objects.count() == len(book.travel_rates)
    assert PartNature.TRAVEL
    assert Commune.objects.count() == 48
