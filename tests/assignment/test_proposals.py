"""Costs priced by the fee engine, stored proposals, and the DEC's actions on them."""

import datetime

import pytest

from assignment.models import AssignmentProfile, Period, Proposal, ProposalStatus
from assignment.services import proposals
from assignment.services.estimates import Estimator
from missions.enums import MealKind, TravelMode
from missions.models import MealLine, Mission, NightLine, TravelLeg
from missions.services.fees import TravelContext, compute_travel, neighbour_map
from missions.services.rulebook import RateBook
from tests.assignment.factories import CompetenceFactory, NeedFactory, UnavailabilityFactory
from tests.factories import CentreFactory, IntervenantFactory, SessionFactory, commune

pytestmark = pytest.mark.django_db


def examiner(home="Punaauia", **kwargs):
    person = IntervenantFactory(home_commune=commune(home), **kwargs)
    CompetenceFactory(intervenant=person)
    return person


def cost(person, need):
    return Estimator().estimate(person, need, need.centre).amount


def test_estimate__neighbour_commune_costs_nothing():
    need = NeedFactory(centre=CentreFactory(commune=commune("Faa'a")))
    assert cost(examiner("Punaauia"), need) == 0


def test_estimate__same_island_is_a_car_trip_priced_by_the_km_rate():
    need = NeedFactory(centre=CentreFactory(commune=commune("Papeete")), period=Period.MORNING)
    # 2 legs of 25 km on Tahiti × 52.05 XPF (5 CV, first band), each rounded: 1,301;
    # back before 14:00: no lunch.
    assert cost(examiner("Mahina"), need) == 2 * 1_301


def test_estimate__between_islands_fare_two_nights_and_meals():
    need = NeedFactory(centre=CentreFactory(commune=commune("Papeete")), period=Period.DAY)
    # Raiatea ↔ Tahiti 28,000 + 2 nights × 14,320 + dinner, lunch, dinner × 2,864.
    assert cost(examiner("Uturoa"), need) == 28_000 + 2 * 14_320 + 3 * 2_864


def test_estimate__two_days_between_islands_is_one_trip_as_the_fee_engine_prices_it():
    # DOMAIN §4's Raiatea teacher convoked in Papeete for two days, with the estimate's
    # shape (the one-day estimate's): the fare paid, the flight the afternoon before, back
    # the morning after. The état de frais of that trip, declared line by line:
    day = datetime.date(2026, 6, 16)
    need = NeedFactory(
        centre=CentreFactory(commune=commune("Papeete")), period=Period.DAY, date=day
    )
    teacher = examiner("Uturoa")
    before, second, after = (day + datetime.timedelta(days=n) for n in (-1, 1, 2))
    uturoa, papeete = commune("Uturoa"), commune("Papeete")
    legs = [
        TravelLeg(date=before, departure_time=datetime.time(15), arrival_time=datetime.time(16, 30),
                  from_commune=uturoa, to_commune=papeete, mode=TravelMode.PLANE, fare=14_000),
        TravelLeg(date=after, departure_time=datetime.time(9), arrival_time=datetime.time(10, 30),
                  from_commune=papeete, to_commune=uturoa, mode=TravelMode.PLANE, fare=14_000),
    ]  # fmt: skip
    meals = [MealLine(date=before, kind=MealKind.DINNER)] + [
        MealLine(date=date, kind=kind)
        for date in (day, second)
        for kind in (MealKind.LUNCH, MealKind.DINNER)
    ]
    nights = [NightLine(date=date) for date in (before, day, second)]
    mission = Mission(
        centre=need.centre, start_date=day, end_date=second,
        start_time=datetime.time(7, 30), end_time=datetime.time(17, 30),
    )  # fmt: skip
    context = TravelContext(mission, teacher, 5, neighbour_map())
    declared = compute_travel(context, legs, meals, nights, RateBook.load()).total
    # One fare, 3 nights, 5 meals; not twice the one-day trip (2 fares, 4 nights, 6 meals).
    assert declared == 28_000 + 3 * 14_320 + 5 * 2_864
    estimator = Estimator()
    assert estimator.stay(teacher, need, need.centre, 2).amount == declared
    trip = estimator.trip_price(teacher, need, need.centre)
    assert trip.start + 2 * trip.day == declared
    assert trip.start + trip.day == cost(teacher, need)
    assert trip.day == 14_320 + 2 * 2_864  # the night after, lunch and dinner


def test_estimate__no_trip_on_the_same_island():
    need = NeedFactory(centre=CentreFactory(commune=commune("Papeete")))
    assert Estimator().trip_price(examiner("Mahina"), need, need.centre) is None


def test_compute__one_trip_for_consecutive_days_and_the_reason_says_so():
    session = SessionFactory()
    centre = CentreFactory(commune=commune("Uturoa"))
    first = NeedFactory(session=session, centre=centre, date=datetime.date(2026, 6, 16))
    second = NeedFactory(session=session, centre=centre, date=datetime.date(2026, 6, 17))
    tahitian = examiner("Faa'a")
    summary = proposals.compute(session, time_limit=5)
    opening = Proposal.objects.get(need=first, intervenant=tahitian)
    following = Proposal.objects.get(need=second, intervenant=tahitian)
    trip = Estimator().trip_price(tahitian, first, centre)
    assert (opening.estimated_cost, following.estimated_cost) == (trip.start + trip.day, trip.day)
    assert summary.cost == summary.baseline_cost == trip.start + 2 * trip.day
    assert "Même déplacement que son besoin du 17/06 : un seul billet" in opening.reason
    assert "billet aller-retour" in opening.reason
    assert "le billet est compté sur le besoin du 16/06" in following.reason


def test_resolve__continues_the_trip_of_a_pinned_person():
    session = SessionFactory()
    centre = CentreFactory(commune=commune("Uturoa"))
    first = NeedFactory(session=session, centre=centre, date=datetime.date(2026, 6, 16))
    second = NeedFactory(session=session, centre=centre, date=datetime.date(2026, 6, 17))
    pinned_one, other = examiner("Faa'a"), examiner("Faa'a")
    pin = proposals.pin(first, pinned_one)
    proposals.compute(session, time_limit=5)
    following = Proposal.objects.get(need=second)
    trip = Estimator().trip_price(pinned_one, first, centre)
    # The pinned proposal carries the fare; the day after continues its trip.
    assert pin.estimated_cost == trip.start + trip.day
    assert following.intervenant == pinned_one and following.estimated_cost == trip.day
    assert "le billet est compté sur le besoin du 16/06" in following.reason
    assert not Proposal.objects.filter(intervenant=other).exists()


def test_compute__proposes_the_cheapest_and_says_why():
    session = SessionFactory()
    need = NeedFactory(session=session, centre=CentreFactory(commune=commune("Papeete")))
    near = examiner("Faa'a")
    far = examiner("Mahina")
    summary = proposals.compute(session, time_limit=5)
    proposal = Proposal.objects.get(need=need)
    assert proposal.intervenant == near
    assert summary.covered == 1 and summary.places == 1 and not summary.uncovered
    assert far.full_name in proposal.reason
    assert "économie de 2\u202f602 XPF" in proposal.reason
    # Read by the DEC: the fee engine's note about the intervenant in the third person.
    assert "limitrophe de sa commune de résidence : pas de frais de déplacement." in (
        proposal.reason
    )
    assert "votre" not in proposal.reason


def test_compute__uses_someone_from_another_island_only_when_needed():
    session = SessionFactory()
    centre = CentreFactory(commune=commune("Uturoa"))
    need = NeedFactory(session=session, centre=centre)
    tahitian = examiner("Faa'a")
    local = examiner("Uturoa")
    UnavailabilityFactory(intervenant=local, start_date=need.date, end_date=need.date)
    proposals.compute(session, time_limit=5)
    proposal = Proposal.objects.get(need=need)
    assert proposal.intervenant == tahitian
    assert "déplacement entre îles" in proposal.reason
    assert " XPF. Personne de l'île du centre n'est disponible" in proposal.reason


def test_compute__respects_school_and_maximum():
    session = SessionFactory()
    centre = CentreFactory(commune=commune("Papeete"))
    first = NeedFactory(session=session, centre=centre)
    second = NeedFactory(session=session, centre=centre, date=datetime.date(2026, 6, 17))
    teacher_here = examiner("Papeete")
    AssignmentProfile.objects.create(intervenant=teacher_here, school=centre)
    busy = examiner("Papeete")
    AssignmentProfile.objects.create(intervenant=busy, max_missions=1)
    summary = proposals.compute(session, time_limit=5)
    assert not Proposal.objects.filter(intervenant=teacher_here).exists()
    assert Proposal.objects.filter(intervenant=busy).count() == 1
    assert summary.covered == 1
    assert len(summary.uncovered) == 1
    assert {first.pk, second.pk} - set(summary.uncovered) != set()


def test_resolve__keeps_pinned_and_accepted_proposals():
    session = SessionFactory()
    centre = CentreFactory(commune=commune("Papeete"))
    need = NeedFactory(session=session, centre=centre, people=2)
    cheap, pinned_one, spare = examiner("Papeete"), examiner("Mahina"), examiner("Arue")
    proposals.pin(need, pinned_one)
    proposals.compute(session, time_limit=5)
    open_proposal = Proposal.objects.get(need=need, pinned=False)
    assert open_proposal.intervenant == cheap
    mission = proposals.accept(open_proposal)
    assert mission.issued_at is None and mission.intervenant == cheap

    proposals.compute(session, time_limit=5)
    kept = set(Proposal.objects.filter(need=need).values_list("intervenant_id", "status"))
    assert kept == {(cheap.pk, ProposalStatus.ACCEPTED), (pinned_one.pk, ProposalStatus.PROPOSED)}
    assert not Proposal.objects.filter(intervenant=spare).exists()


def test_pin__refused_without_competence_with_a_french_message():
    need = NeedFactory()
    stranger = IntervenantFactory()
    with pytest.raises(proposals.AssignmentError, match="n'a pas la compétence"):
        proposals.pin(need, stranger)
    assert not Proposal.objects.exists()


def test_pin__refused_at_their_own_school():
    need = NeedFactory()
    person = examiner()
    AssignmentProfile.objects.create(intervenant=person, school=need.centre)
    with pytest.raises(proposals.AssignmentError, match="propres élèves"):
        proposals.pin(need, person)


def test_swap__gives_the_place_to_someone_else_pinned():
    session = SessionFactory()
    need = NeedFactory(session=session, centre=CentreFactory(commune=commune("Papeete")))
    examiner("Papeete")
    other = examiner("Mahina")
    proposals.compute(session, time_limit=5)
    swapped = proposals.swap(Proposal.objects.get(need=need), other)
    assert swapped.pinned and swapped.intervenant == other
    assert Proposal.objects.filter(need=need).count() == 1


def test_accept_all__shares_the_quantity():
    session = SessionFactory()
    need = NeedFactory(
        session=session,
        centre=CentreFactory(commune=commune("Papeete")),
        people=None,
        quantity=30,
        max_per_person=12,
        period=Period.DAY,
    )
    for home in ("Papeete", "Mahina", "Arue"):
        examiner(home)
    proposals.compute(session, time_limit=5)
    assert proposals.accept_all(session) == 3
    missions = [p.mission for p in Proposal.objects.filter(need=need)]
    assert {m.expected_quantity for m in missions} == {10}
    assert {(m.start_time, m.end_time) for m in missions} == {
        (datetime.time(7, 30), datetime.time(17, 30))
    }
