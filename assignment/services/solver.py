"""The proposed assignment, solved with OR-Tools CP-SAT.

Objective, in order: cover as many places as possible, then spend the least estimated cost,
then spread the load (a convex penalty on each person's number of missions breaks ties of
a few CP_UNIT francs). The hard rules are in the candidate lists (problem.candidates) and
in the constraints below (one need per person at a time, the per-person maximum).
"""

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from .problem import AFTERNOON, DAY, MORNING, Candidates, Problem, Solution, greedy

CP_UNIT = 100  # francs per cost unit in the model: ties closer than this are "the same"
COVER_REWARD = 100_000  # units: more than any single cost, so coverage comes first
DEFAULT_TIME_LIMIT = 50.0
# Past this many possible assignments CP-SAT's presolve alone can take the whole time limit
# on this machine (measured: 25 s for 90,000): start from the hint and search instead.
PRESOLVE_MAX_PAIRS = 20_000


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
        + sum(excess for _, _, excess in fairness)
    )
    _hint_with_greedy(model, choice, fairness, problem, found)
    if progress:
        progress(f"Modèle prêt : {len(choice)} affectations possibles, résolution…")

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.cp_model_presolve = len(choice) <= PRESOLVE_MAX_PAIRS
    status = solver.solve(model)
    seconds = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Nothing found in time (a loaded machine): the baseline is still a valid proposal.
        fallback = greedy(problem, found)
        fallback.status = f"{solver.status_name(status)}, proposition au plus proche"
        fallback.seconds = seconds
        return fallback

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


# Loads past which each further mission costs one more unit: a convex, piecewise-linear
# penalty (1 mission: 0; 2: 1; 3: 3; 4: 5; 5: 8...) that is cheap for the solver, unlike a
# tangent per possible load.
FAIRNESS_STEPS = (1, 2, 4)


def _limit_and_spread_load(model, problem, by_person, max_load):
    """The per-person maximum, and the fairness penalty of each person's load (missions
    already held this session included)."""
    fairness = []
    for person_id, variables in by_person.items():
        person = problem.person(person_id)
        if person.capacity is not None and len(variables) > person.capacity:
            model.add(sum(variables) <= person.capacity)
        top = min(len(variables), max_load[person_id])
        if person.capacity is not None:
            top = min(top, person.capacity)
        load = sum(variables) + person.load
        for step in FAIRNESS_STEPS:
            if person.load + top <= step:
                continue  # this step can never be passed
            excess = model.new_int_var(0, person.load + top - step, f"e{person_id}_{step}")
            model.add(excess >= load - step)
            fairness.append((person_id, step, excess))
    return fairness


def _hint_with_greedy(model, choice, fairness, problem, found):
    """Start the search from the baseline, every variable hinted (a partial hint is often
    lost on large models): CP-SAT then only has to improve on it."""
    chosen = {(need_id, person_id) for need_id, person_id, _ in greedy(problem, found).assignments}
    held = defaultdict(int)
    for _, person_id in chosen:
        held[person_id] += 1
    for key, (var, _) in choice.items():
        model.add_hint(var, key in chosen)
    for person_id, step, excess in fairness:
        load = held[person_id] + problem.person(person_id).load
        model.add_hint(excess, max(0, load - step))


def _gap_francs(solver):
    """How far, in francs of the objective (cost plus the fairness penalty), the proposal
    may be from the best one: the solver's objective less its proven bound."""
    return max(0.0, (solver.objective_value - solver.best_objective_bound) * CP_UNIT)
