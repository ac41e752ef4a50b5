"""The proposed assignment: a linear relaxation (OR-Tools GLOP) first, then OR-Tools CP-SAT
on what the relaxation leaves open.

Objective, in order: cover as many places as possible, then spend the least estimated cost,
then spread the load (a convex penalty on each person's number of missions breaks ties of
a few CP_UNIT francs). The hard rules are in the candidate lists (problem.candidates) and
in the constraints below (one need per person at a time, the per-person maximum).

Why a relaxation first: apart from the whole-day needs (which take both half-days of a
person), the problem is a transportation problem, whose linear relaxation has integral
optima. On the benchmark session the relaxation's optimum is integral, so it is the proven
best proposal, found in seconds where CP-SAT alone ran out of time on 80,000 variables.
When it is not integral, its bound makes the optimality gap real, its reduced costs remove
every pair that cannot belong to a better proposal than the rounded relaxation (classic
reduced-cost fixing), and CP-SAT solves the much smaller rest, started from that rounding.
"""

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from assignment.services.problem import (
    AFTERNOON,
    DAY,
    MORNING,
    Candidates,
    Problem,
    Solution,
    greedy,
)

CP_UNIT = 100  # francs per cost unit in the model: ties closer than this are "the same"
COVER_REWARD = 100_000  # units: more than any single cost, so coverage comes first
DEFAULT_TIME_LIMIT = 50.0
# Past this many possible assignments CP-SAT's presolve alone can take the whole time limit
# on this machine (measured: 25 s for 90,000): start from the hint and search instead.
PRESOLVE_MAX_PAIRS = 20_000
INTEGRAL = 1e-6  # a relaxed value this close to 0 or 1 counts as a whole one
# Loads past which each further mission costs one more unit: a convex, piecewise-linear
# penalty (1 mission: 0; 2: 1; 3: 3; 4: 5; 5: 8...) that is cheap for the solver, unlike a
# tangent per possible load.
FAIRNESS_STEPS = (1, 2, 4)


def _units(amount: int) -> int:
    return -(-amount // CP_UNIT)  # round up: a small cost never counts as free


@dataclass
class Structure:
    """The problem as index lists, shared by the relaxation, CP-SAT and the tests: pair i
    is pairs[i] = (need id, person id, cost in francs)."""

    pairs: list
    by_need: dict = field(default_factory=lambda: defaultdict(list))  # need id -> [i]
    clashes: list = field(default_factory=list)  # [[i, ...]] one person, one half-day
    clashes_of: dict = field(default_factory=lambda: defaultdict(list))  # i -> [clash index]
    by_person: dict = field(default_factory=lambda: defaultdict(list))  # person id -> [i]
    slots: dict = field(default_factory=dict)  # need id -> places
    capacity: dict = field(default_factory=dict)  # person id -> maximum, when it binds
    # (person id, step, largest excess): the load steps a person can pass
    fairness: list = field(default_factory=list)
    held: dict = field(default_factory=dict)  # person id -> missions already held

    def weight(self, i) -> int:
        return _units(self.pairs[i][2]) - COVER_REWARD

    def objective(self, chosen) -> int:
        """The model's objective (in units) of a set of pair indexes."""
        load = defaultdict(int)
        for i in chosen:
            load[self.pairs[i][1]] += 1
        return sum(self.weight(i) for i in chosen) + sum(
            max(0, load[person_id] + self.held[person_id] - step)
            for person_id, step, _ in self.fairness
        )


def structure(problem: Problem, found: Candidates) -> Structure:
    needs = {need.id: need for need in problem.needs}
    pairs = [
        (need_id, person_id, amount)
        for need_id, listed in found.by_need.items()
        for person_id, amount in listed
    ]
    result = Structure(pairs)
    by_person_slot = defaultdict(list)  # (person, date, half) -> [i]
    for i, (need_id, person_id, _) in enumerate(pairs):
        need = needs[need_id]
        result.by_need[need_id].append(i)
        result.by_person[person_id].append(i)
        for half in (MORNING, AFTERNOON) if need.period == DAY else (need.period,):
            by_person_slot[person_id, need.date, half].append(i)
    result.slots = {need_id: needs[need_id].slots for need_id in result.by_need}
    result.clashes = [listed for listed in by_person_slot.values() if len(listed) > 1]
    for index, listed in enumerate(result.clashes):
        for i in listed:
            result.clashes_of[i].append(index)
    # A person holds at most one need per half-day: their load cannot exceed that count.
    halves = defaultdict(int)
    for person_id, _, _ in by_person_slot:
        halves[person_id] += 1
    for person_id, listed in result.by_person.items():
        person = problem.person(person_id)
        result.held[person_id] = person.load
        top = min(len(listed), halves[person_id])
        if person.capacity is not None:
            if len(listed) > person.capacity:
                result.capacity[person_id] = person.capacity
            top = min(top, person.capacity)
        for step in FAIRNESS_STEPS:
            if person.load + top > step:  # else this step can never be passed
                result.fairness.append((person_id, step, person.load + top - step))
    return result


def solve(
    problem: Problem,
    found: Candidates,
    time_limit: float = DEFAULT_TIME_LIMIT,
    workers: int = 2,
    progress=None,
    relaxation: bool = True,
) -> Solution:
    """The best proposal found in `time_limit` seconds; `relaxation=False` runs CP-SAT alone
    on every pair (the tests compare both)."""
    started = time.perf_counter()
    model = structure(problem, found)
    if progress:
        progress(f"Modèle prêt : {len(model.pairs)} affectations possibles, résolution…")
    greedy_pairs = set(greedy(problem, found).assignments)
    baseline = {i for i, pair in enumerate(model.pairs) if pair in greedy_pairs}
    relaxed = relax(model, time_limit) if relaxation else None
    if relaxed is None:
        # No relaxation, or it did not finish (a loaded machine): CP-SAT alone, from the
        # baseline.
        chosen, bound, status = _cp_sat(
            model, range(len(model.pairs)), baseline, time_limit - _since(started), workers
        )
    else:
        values, reduced, lp_bound = relaxed
        rounded = {i for i, value in enumerate(values) if value > 1 - INTEGRAL}
        if all(value < INTEGRAL or value > 1 - INTEGRAL for value in values):
            chosen, bound, status = rounded, lp_bound, "OPTIMAL"
        else:
            incumbent = min(complete(model, rounded), baseline, key=model.objective)
            # Reduced-cost fixing: a pair whose reduced cost exceeds the slack would make
            # any proposal worse than the incumbent, so it is left out of the search. The
            # bound is rounded up: one unit more of slack covers the rounding.
            slack = model.objective(incumbent) - lp_bound + 1
            kept = [
                i for i, cost in enumerate(reduced) if cost <= slack + INTEGRAL or i in incumbent
            ]
            if progress:
                progress(f"Relaxation fractionnaire : recherche sur {len(kept)} affectations…")
            chosen, cp_bound, status = _cp_sat(
                model, kept, incumbent, time_limit - _since(started), workers
            )
            if chosen is None or model.objective(chosen) > model.objective(incumbent):
                chosen, status = incumbent, "FEASIBLE"
            # The search only proves its bound for proposals better than the incumbent.
            bound = max(lp_bound, min(cp_bound, model.objective(incumbent)))
    if chosen is None:
        # Nothing found in time: the baseline is still a valid proposal.
        fallback = greedy(problem, found)
        fallback.status = f"{status}, proposition au plus proche"
        fallback.seconds = _since(started)
        return fallback
    return _solution(problem, model, chosen, bound, status, _since(started))


def complete(model: Structure, chosen) -> set:
    """`chosen` (a valid proposal, e.g. the whole values of a fractional relaxation) with
    the places still open filled cheapest pair first, keeping every hard rule: a close
    incumbent, so that reduced-cost fixing leaves little to search."""
    chosen = set(chosen)
    filled, load, busy = defaultdict(int), defaultdict(int), set()
    for i in chosen:
        need_id, person_id, _ = model.pairs[i]
        filled[need_id] += 1
        load[person_id] += 1
        busy.update(model.clashes_of[i])
    for i in sorted(range(len(model.pairs)), key=lambda i: model.pairs[i][2]):
        need_id, person_id, _ = model.pairs[i]
        limit = model.capacity.get(person_id)
        if (
            i in chosen
            or filled[need_id] >= model.slots[need_id]
            or busy.intersection(model.clashes_of[i])
            or (limit is not None and load[person_id] >= limit)
        ):
            continue
        chosen.add(i)
        filled[need_id] += 1
        load[person_id] += 1
        busy.update(model.clashes_of[i])
    return chosen


def _since(started):
    return time.perf_counter() - started


def _solution(problem, model, chosen, bound, status, seconds):
    assignments = [model.pairs[i] for i in sorted(chosen)]
    filled = defaultdict(int)
    for need_id, _, _ in assignments:
        filled[need_id] += 1
    uncovered = {
        need.id: need.slots - filled[need.id]
        for need in problem.needs
        if filled[need.id] < need.slots
    }
    solution = Solution(assignments, uncovered, status, seconds)
    # How far, in francs of the objective (cost plus the fairness penalty), the proposal
    # may be from the best one: its objective less the proven bound.
    solution.gap_francs = max(0.0, (model.objective(chosen) - bound) * CP_UNIT)
    return solution


def _linear(model: Structure, time_limit: float, weight, fairness: bool):
    """GLOP with every hard rule of `model` as rows, each pair costing weight(i)."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    lp.SetTimeLimit(int(time_limit * 1000))
    chosen = [lp.NumVar(0, 1, "") for _ in model.pairs]
    objective = lp.Objective()
    for i, var in enumerate(chosen):
        objective.SetCoefficient(var, weight(i))

    def at_most(indexes, limit, extra=()):
        row = lp.Constraint(-lp.infinity(), limit)
        for i in indexes:
            row.SetCoefficient(chosen[i], 1)
        for var, coefficient in extra:
            row.SetCoefficient(var, coefficient)

    for need_id, indexes in model.by_need.items():
        at_most(indexes, model.slots[need_id])
    for indexes in model.clashes:
        at_most(indexes, 1)
    for person_id, limit in model.capacity.items():
        at_most(model.by_person[person_id], limit)
    for person_id, step, top in model.fairness if fairness else ():
        excess = lp.NumVar(0, top, "")
        objective.SetCoefficient(excess, 1)
        # load - excess <= step, i.e. excess >= load - step
        at_most(model.by_person[person_id], step - model.held[person_id], [(excess, -1)])
    objective.SetMinimization()
    return lp, chosen, at_most


def relax(model: Structure, time_limit: float):
    """The linear relaxation with GLOP: (values of the pairs, their reduced costs, the
    bound rounded up to a whole unit), or None when it does not finish in time."""
    lp, chosen, _ = _linear(model, time_limit, model.weight, fairness=True)
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    # Every coefficient is a whole unit, so no integer proposal does better than the ceiling.
    bound = math.ceil(lp.Objective().Value() - INTEGRAL)
    return (
        [var.solution_value() for var in chosen],
        [var.reduced_cost() for var in chosen],
        bound,
    )


def cost_bound(model: Structure, places: int, time_limit: float = 30.0) -> int | None:
    """A proven lower bound, in francs, on the cost of any proposal that covers at least
    `places` places (the relaxation with the cost alone): how close a proposal covering
    that many places, e.g. the baseline's, is to the cheapest possible. None: not found in
    time or no proposal covers that many."""
    lp, chosen, _ = _linear(model, time_limit, lambda i: model.pairs[i][2], fairness=False)
    row = lp.Constraint(places, lp.infinity())
    for var in chosen:
        row.SetCoefficient(var, 1)
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return math.ceil(lp.Objective().Value() - INTEGRAL)


def _cp_sat(model: Structure, kept, hint, time_limit, workers):
    """CP-SAT on the pairs `kept`, started from `hint` (pair indexes): (chosen pair indexes
    or None, proven bound in units, status name)."""
    if time_limit <= 0:
        return None, -math.inf, "temps écoulé"
    cp = cp_model.CpModel()
    variables = {i: cp.new_bool_var(f"x{i}") for i in kept}

    def present(indexes):
        return [variables[i] for i in indexes if i in variables]

    for need_id, indexes in model.by_need.items():
        listed = present(indexes)
        if len(listed) > model.slots[need_id]:
            cp.add(sum(listed) <= model.slots[need_id])
    for indexes in model.clashes:
        listed = present(indexes)
        if len(listed) > 1:
            cp.add_at_most_one(listed)
    for person_id, limit in model.capacity.items():
        listed = present(model.by_person[person_id])
        if len(listed) > limit:
            cp.add(sum(listed) <= limit)
    excesses = []
    load = defaultdict(int)
    for i in hint:
        load[model.pairs[i][1]] += 1
    for person_id, step, top in model.fairness:
        excess = cp.new_int_var(0, top, f"e{person_id}_{step}")
        cp.add(excess >= sum(present(model.by_person[person_id])) + model.held[person_id] - step)
        excesses.append(excess)
        # Start from the hint, every variable hinted (a partial hint is often lost on
        # large models): CP-SAT then only has to improve on it.
        cp.add_hint(excess, max(0, load[person_id] + model.held[person_id] - step))
    for i, var in variables.items():
        cp.add_hint(var, i in hint)
    cp.minimize(sum(model.weight(i) * var for i, var in variables.items()) + sum(excesses))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.cp_model_presolve = len(variables) <= PRESOLVE_MAX_PAIRS
    status = solver.solve(cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, -math.inf, solver.status_name(status)
    chosen = {i for i, var in variables.items() if solver.value(var)}
    return chosen, math.ceil(solver.best_objective_bound - INTEGRAL), solver.status_name(status)
