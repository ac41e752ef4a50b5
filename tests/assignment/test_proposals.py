"""Costs priced by the fee engine, stored proposals, and the DEC's actions on them."""

import datetime

import pytest

from assignment.models import AssignmentProfile, Period, Proposal, ProposalStatus
from assignment.services import proposals
from assignment.services.estimates import Estimator
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
