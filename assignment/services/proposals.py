"""Compute, store and act on a session's proposed assignment.

A solve replaces only the open proposals: pinned ones and accepted ones (already missions,
convoked or not) stay, take their place in the needs and block their person's time.
"""

import datetime
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import Count, Prefetch, Q

from assignment.models import (
    PERIOD_HOURS,
    Competence,
    Need,
    Proposal,
    ProposalStatus,
    Unavailability,
)
from assignment.services.estimates import Estimator
from assignment.services.problem import (
    AFTERNOON,
    DAY,
    MORNING,
    NeedSpec,
    PersonSpec,
    Problem,
    candidates,
    greedy,
)
from assignment.services.solver import DEFAULT_TIME_LIMIT, solve
from assignment.services.trips import TripWording, money, paid_trips
from missions.models import Intervenant, Mission

CANDIDATES_PER_NEED = 30  # the cheapest few per need go into the model


class AssignmentError(Exception):
    """An action refused; the message is shown to the DEC."""


def mission_period(start, end):
    if end <= datetime.time(13, 0):
        return MORNING
    if start >= datetime.time(12, 0):
        return AFTERNOON
    return DAY


@dataclass
class Loaded:
    problem: Problem
    needs: dict  # id -> Need
    people: dict  # id -> Intervenant
    fixed: list  # Proposal rows kept


@dataclass
class SolveSummary:
    places: int = 0
    covered: int = 0
    cost: int = 0
    baseline_cost: int = 0
    baseline_covered: int = 0
    gap: float | None = None
    status: str = ""
    seconds: float = 0.0
    uncovered: dict = field(default_factory=dict)  # need id -> places left

    def as_json(self):
        data = asdict(self)
        data["uncovered"] = {str(k): v for k, v in self.uncovered.items()}
        return data


def _session_days(session):
    day = session.start_date
    while day <= session.end_date:
        yield day
        day += datetime.timedelta(days=1)


def load(session, only=None) -> Loaded:
    """The session's problem: needs with the places still to fill, and every active person
    competent for one of its activities (or only `only`, a list of intervenant ids)."""
    needs = {
        need.pk: need
        for need in Need.objects.for_session(session).select_related("centre__commune")
    }
    fixed = list(
        Proposal.objects.filter(need__session=session)
        .filter(Q(pinned=True) | Q(status=ProposalStatus.ACCEPTED))
        .select_related("need__centre")
    )
    taken = defaultdict(int)
    for proposal in fixed:
        taken[proposal.need_id] += 1
    activity_ids = {need.activity_id for need in needs.values()}
    people_query = Intervenant.objects.active().filter(competences__activity_id__in=activity_ids)
    if only is not None:
        people_query = Intervenant.objects.filter(pk__in=only)
    people = {
        person.pk: person
        for person in people_query.distinct()
        .select_related("home_commune", "work_commune", "assignment_profile")
        .prefetch_related(
            Prefetch(
                "competences", Competence.objects.only("intervenant_id", "activity_id", "epreuve")
            ),
            Prefetch(
                "unavailabilities",
                Unavailability.objects.filter(
                    start_date__lte=session.end_date, end_date__gte=session.start_date
                ),
            ),
        )
    }
    blocked, load_by_person = _busy(session, people, fixed)
    away = paid_trips(fixed, people)
    specs = [
        _person_spec(person, blocked[person.pk], load_by_person[person.pk], away[person.pk])
        for person in people.values()
    ]
    need_specs = [
        NeedSpec(
            need.pk,
            need.centre_id,
            need.centre.island_id,
            need.activity_id,
            need.epreuve,
            need.date,
            need.period,
            max(0, need.people_needed - taken[need.pk]),
        )
        for need in needs.values()
    ]
    return Loaded(Problem(need_specs, specs), needs, people, fixed)


def _busy(session, people, fixed):
    """(date, period) slots each person is taken, and their missions this session."""
    blocked = defaultdict(set)
    load_by_person = defaultdict(int)
    days = set(_session_days(session))
    missions = Mission.objects.filter(
        intervenant_id__in=list(people),
        start_date__lte=session.end_date,
        end_date__gte=session.start_date,
    ).values_list(
        "intervenant_id", "session_id", "start_date", "end_date", "start_time", "end_time"
    )
    for person_id, session_id, start, end, start_time, end_time in missions:
        period = mission_period(start_time, end_time)
        day = start
        while day <= end:
            if day in days:
                blocked[person_id].add((day, period))
            day += datetime.timedelta(days=1)
        if session_id == session.pk:
            load_by_person[person_id] += 1
    for proposal in fixed:
        if proposal.status != ProposalStatus.ACCEPTED:  # accepted ones are missions above
            blocked[proposal.intervenant_id].add((proposal.need.date, proposal.need.period))
            load_by_person[proposal.intervenant_id] += 1
    for person_id, person in people.items():
        for absence in person.unavailabilities.all():
            for day in days:
                if absence.start_date <= day <= absence.end_date:
                    blocked[person_id].add((day, absence.period))
    return blocked, load_by_person


def _person_spec(person, blocked, load, trips):
    profile = getattr(person, "assignment_profile", None)
    maximum = profile.max_missions if profile else None
    return PersonSpec(
        id=person.pk,
        islands=frozenset({person.home_island_id, person.work_island_id} - {None}),
        school_id=profile.school_id if profile else None,
        competences=frozenset(
            (competence.activity_id, competence.epreuve.casefold())
            for competence in person.competences.all()
        ),
        blocked=frozenset(blocked),
        capacity=None if maximum is None else max(0, maximum - load),
        load=load,
        trips=frozenset(trips),
    )


def price(loaded, limit=CANDIDATES_PER_NEED):
    """The candidates of each need, cheapest first, priced by the fee engine; and
    estimate(person id, need id), the priced estimate behind an amount (for the reasons)."""
    estimator = Estimator()

    def estimate(person_id, need_id):
        need = loaded.needs[need_id]
        return estimator.estimate(loaded.people[person_id], need, need.centre)

    def trip(person, need_spec):
        need = loaded.needs[need_spec.id]
        return estimator.trip_price(loaded.people[person.id], need, need.centre)

    found = candidates(
        loaded.problem, lambda person, need: estimate(person.id, need.id).amount, limit, trip
    )
    return found, estimate


def compute(session, time_limit=DEFAULT_TIME_LIMIT, progress=None) -> SolveSummary:
    """Solve the session and store the new open proposals, each with its reason."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    say("Chargement des besoins et des intervenants…")
    loaded = load(session)
    say("Estimation des coûts de déplacement…")
    found, estimates = price(loaded)
    baseline = greedy(loaded.problem, found)
    solution = solve(loaded.problem, found, time_limit=time_limit, progress=say)
    say("Enregistrement des propositions…")
    _store(loaded, found, solution, estimates)
    return SolveSummary(
        places=sum(need.slots for need in loaded.problem.needs),
        covered=solution.covered,
        cost=solution.cost,
        baseline_cost=baseline.cost,
        baseline_covered=baseline.covered,
        gap=solution.gap(),
        status=solution.status,
        seconds=round(time.perf_counter() - started, 1),
        uncovered=solution.uncovered,
    )


@transaction.atomic
def _store(loaded, found, solution, estimates):
    open_ones = Q(pinned=False, status=ProposalStatus.PROPOSED)
    Proposal.objects.filter(open_ones, need_id__in=list(loaded.needs)).delete()
    chosen = defaultdict(set)
    for need_id, person_id, _ in solution.assignments:
        chosen[need_id].add(person_id)
    trips = TripWording(loaded.problem, found, solution.assignments)
    rows = []
    for need_id, person_id, amount in solution.assignments:
        why = (loaded, found, need_id, person_id, amount, chosen[need_id], estimates, trips)
        proposal = Proposal(need_id=need_id, intervenant_id=person_id, estimated_cost=amount)
        proposal.reason = _reason(*why)
        rows.append(proposal)
    Proposal.objects.bulk_create(rows, batch_size=1000)


def _reason(loaded, found, need_id, person_id, amount, chosen, estimates, trips):
    """Why this person, and how the amount is part of a trip when it is (trips)."""
    person = loaded.people[person_id]
    estimate = estimates(person_id, need_id)
    parts = [f"Compétent et disponible, réside à {person.home_commune.name}."]
    trip = trips.cost(need_id, person_id, amount)
    if trip is not None:
        parts.append(trip)
    elif estimate is not None:
        parts.append(f"Coût estimé {money(amount)} : {estimate.summary.rstrip('.')}.")
    if need_id in found.off_island:
        parts.append("Personne de l'île du centre n'est disponible : déplacement entre îles.")
    runner_up = next(
        ((other, cost) for other, cost in found.by_need.get(need_id, []) if other not in chosen),
        None,
    )
    if runner_up is None:
        parts.append("Aucun autre candidat possible.")
    else:
        other = loaded.people[runner_up[0]]
        saving = runner_up[1] - amount
        why = "pour un seul billet sur le séjour" if trip else "pour répartir la charge"
        parts.append(
            f"Candidat suivant : {other.full_name} ({other.home_commune.name}), "
            + (f"{money(runner_up[1])} : économie de {money(saving)}." if saving > 0 else "")
            + ("" if saving > 0 else f"même coût ; choisi {why}.")
        )
    return " ".join(parts)


# Actions of the DEC


def _check_pin(need, intervenant):
    loaded = load(need.session, only=[intervenant.pk])
    spec = loaded.problem.person(intervenant.pk)
    need_spec = next(n for n in loaded.problem.needs if n.id == need.pk)
    if not spec.is_competent(need_spec):
        raise AssignmentError(f"{intervenant.full_name} n'a pas la compétence pour ce besoin.")
    if not spec.is_free(need_spec):
        raise AssignmentError(
            f"{intervenant.full_name} est indisponible ou déjà en mission à ce moment-là."
        )
    if spec.school_id == need.centre_id:
        raise AssignmentError(
            f"{intervenant.full_name} exerce dans cet établissement : pas sur ses propres élèves."
        )
    if spec.capacity is not None and spec.capacity <= 0:
        raise AssignmentError(f"{intervenant.full_name} a atteint son maximum de missions.")
    if need_spec.slots <= 0:
        raise AssignmentError(
            "Ce besoin est déjà couvert par des affectations épinglées ou acceptées."
        )


@transaction.atomic
def pin(need, intervenant) -> Proposal:
    """Fix a person on a need: a later solve keeps them and works around them."""
    existing = Proposal.objects.filter(need=need, intervenant=intervenant).first()
    if existing is not None and existing.is_fixed:
        return existing
    if existing is not None:
        existing.delete()  # an open proposal: re-checked like a new pin
    _check_pin(need, intervenant)
    estimate = Estimator().estimate(
        Intervenant.objects.select_related("home_commune", "work_commune").get(pk=intervenant.pk),
        need,
        need.centre,
    )
    return Proposal.objects.create(
        need=need,
        intervenant=intervenant,
        pinned=True,
        estimated_cost=estimate.amount,
        reason=f"Épinglé par la DEC. Coût estimé {money(estimate.amount)} : "
        f"{estimate.summary.rstrip('.')}.",
    )


def unpin(proposal):
    if proposal.status == ProposalStatus.ACCEPTED:
        raise AssignmentError("Cette proposition est déjà une mission : elle ne se désépingle pas.")
    Proposal.objects.filter(pk=proposal.pk).update(pinned=False)


@transaction.atomic
def swap(proposal, intervenant) -> Proposal:
    """Give an open proposal's place to someone else (pinned, so a re-solve keeps it)."""
    if proposal.status == ProposalStatus.ACCEPTED:
        raise AssignmentError(
            "Cette proposition est déjà une mission : annulez la mission d'abord."
        )
    need = proposal.need
    proposal.delete()
    return pin(need, intervenant)


@transaction.atomic
def accept(proposal, user=None) -> Mission:
    """Turn a proposal into a mission, not yet convoked: the convocation run issues it."""
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("need__session", "need")
        .get(pk=proposal.pk)
    )
    if proposal.status == ProposalStatus.ACCEPTED:
        return proposal.mission
    need = proposal.need
    start, end = PERIOD_HOURS[need.period]
    mission, _ = Mission.objects.get_or_create(
        intervenant_id=proposal.intervenant_id,
        session_id=need.session_id,
        activity_id=need.activity_id,
        centre_id=need.centre_id,
        start_date=need.date,
        epreuve=need.epreuve,
        defaults={
            "end_date": need.date,
            "start_time": start,
            "end_time": end,
            "expected_quantity": need.share(need.people_needed),
        },
    )
    proposal.status = ProposalStatus.ACCEPTED
    proposal.mission = mission
    proposal.save(update_fields=["status", "mission"])
    return mission


def accept_all(session, user=None) -> int:
    open_ones = Proposal.objects.filter(
        need__session=session, status=ProposalStatus.PROPOSED
    ).order_by("pk")
    count = 0
    for proposal in open_ones:
        accept(proposal, user)
        count += 1
    return count


def uncovered_needs(session):
    """Needs with fewer proposals than people needed, with the count proposed."""
    needs = Need.objects.for_session(session).annotate(proposed=Count("proposals"))
    return [need for need in needs if need.proposed < need.people_needed]
