"""The proposed assignment, solved with OR-Tools CP-SAT.

Objective, in order: cover as many places as possible, then spend the least estimated cost,
then spread the load (a convex penalty on each person's number of missions breaks ties of
about CP_UNIT×2 francs). The hard rules are in the candidate lists (problem.candidates) and
in the constraints below (one need per person at a time, the per-person maximum).
"""

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from .problem import AFTERNOON, DAY, MORNING, Candidates, Problem, Solution, greedy

CP_UNIT = 100  # francs per cost unit in the model: ties closer than this are "the same"
COVER_REWARD = 100_000  # units: more than any single cost, so coverage comes first
DEFAULT_TIME_LIMIT = 50.0


def _units(amount: int) -> int:
    return -(-amount // CP_UNIT)  # round up: a small cost never counts as free


def solve(
    problem: Problem,
    found: Candidates,
    time_limit: float = DEFAULT_TIME_LIMIT,
    workers: int = 2,
    progress=None,
) -> Solution:
    started = time.perf_counter()
    model = cp_model.CpModel()
    needs = {need.id: need for need in problem.needs}
    choice = {}  # (need id, person id) -> (var, cost)
    for need_id, listed in found.by_need.items():
        for person_id, amount in listed:
            choice[need_id, person_id] = (model.new_bool_var(f"x{need_id}_{person_id}"), amount)

    by_need = defaultdict(list)
    by_person_slot = defaultdict(lambda: defaultdict(list))  # person -> (date, half) -> vars
    by_person = defaultdict(list)
    for (need_id, person_id), (var, _) in choice.items():
        need = needs[need_id]
        by_need[need_id].append(var)
        by_person[person_id].append(var)
        halves = (MORNING, AFTERNOON) if need.period == DAY else (need.period,)
        for half in halves:
            by_person_slot[person_id][need.date, half].append(var)

    for need_id, variables in by_need.items():
        model.add(sum(variables) <= needs[need_id].slots)
    for slots in by_person_slot.values():
        for variables in slots.values():
            if len(variables) > 1:
                model.add_at_most_one(variables)

    # A person holds at most one need per half-day: their load cannot exceed that count.
    max_load = {person_id: len(slots) for person_id, slots in by_person_slot.items()}
    fairness = _limit_and_spread_load(model, problem, by_person, max_load)
    model.minimize(
        sum((_units(amount) - COVER_REWARD) * var for var, amount in choice.values())
        + sum(fairness)
    )
    _hint_with_greedy(model, choice, problem, found)
    if progress:
        progress(f"Modèle prêt : {len(choice)} affectations possibles, résolution…")

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    seconds = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution([], {n.id: n.slots for n in problem.needs}, solver.status_name(status))

    assignments = [
        (need_id, person_id, amount)
        for (need_id, person_id), (var, amount) in choice.items()
        if solver.value(var)
    ]
    filled = defaultdict(int)
    for need_id, _, _ in assignments:
        filled[need_id] += 1
    uncovered = {
        need.id: need.slots - filled[need.id]
        for need in problem.needs
        if filled[need.id] < need.slots
    }
    solution = Solution(assignments, uncovered, solver.status_name(status), seconds)
    solution.gap_francs = _gap_francs(solver)
    return solution


def _limit_and_spread_load(model, problem, by_person, max_load):
    """The per-person maximum, and for each person a variable equal to the square of their
    load at the optimum (the fairness penalty)."""
    fairness = []
    for person_id, variables in by_person.items():
        person = problem.person(person_id)
        if person.capacity is not None and len(variables) > person.capacity:
            model.add(sum(variables) <= person.capacity)
        if len(variables) < 2 and not person.load:
            continue  # one place and nothing held: the same penalty for everyone
        # square ≥ each tangent of load², so at the optimum square = load².
        top = min(len(variables), max_load[person_id])
        if person.capacity is not None:
            top = min(top, person.capacity)
        load = sum(variables) + person.load
        square = model.new_int_var(0, (top + person.load) ** 2, f"sq{person_id}")
        for k in range(person.load, person.load + top):
            model.add(square >= (2 * k + 1) * load - k * (k + 1))
        fairness.append(square)

    return fairness


def _hint_with_greedy(model, choice, problem, found):
    """Start the search from the baseline: CP-SAT then only has to improve on it."""
    chosen = {(need_id, person_id) for need_id, person_id, _ in greedy(problem, found).assignments}
    for key, (var, _) in choice.items():
        model.add_hint(var, key in chosen)


def _gap_francs(solver):
    """How far, in francs of the objective (cost plus the fairness penalty), the proposal
    may be from the best one: the solver's objective less its proven bound."""
    return max(0.0, (solver.objective_value - solver.best_objective_bound) * CP_UNIT)
