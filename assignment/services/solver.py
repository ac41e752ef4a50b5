"""The proposed assignment: a linear relaxation (OR-Tools GLOP) first, then an integer
search (SCIP) on what the relaxation leaves open; OR-Tools CP-SAT alone when the relaxation
does not finish (and in the tests, as an independent check of the optimum).

The objective and the trips' variables are described in services/structure.py; the hard
rules are in the candidate lists (problem.candidates) and in the rows of the models (one
need per person at a time, the per-person maximum).

When the relaxation's optimum is integral, it is the proven best proposal. When it is not
(trips make it so), its bound makes the optimality gap real: the search first looks for the
best proposal among the pairs the relaxation uses (a few thousand), then, from that
incumbent, among every pair that reduced-cost fixing cannot rule out, or, when those are
too many for the time left, among the relaxation's pairs and every pair of a trip (the
bound is then the relaxation's).
"""

import math
import time
from collections import defaultdict

from ortools.sat.python import cp_model

from assignment.services.linear import INTEGRAL, cost_bound, relax, search
from assignment.services.problem import Candidates, Problem, Solution, bundle, greedy
from assignment.services.structure import CP_UNIT, Structure, structure

__all__ = ["complete", "cost_bound", "relax", "solve", "structure"]

DEFAULT_TIME_LIMIT = 50.0
# Past this many possible assignments CP-SAT's presolve alone can take the whole time limit
# on this machine (measured: 25 s for 90,000): start from the hint and search instead.
PRESOLVE_MAX_PAIRS = 20_000
# Share of the time left that the search on the relaxation's pairs may take.
SUPPORT_SHARE = 0.3
# Past this many pairs left by reduced-cost fixing, the integer search is not expected to
# finish: it searches the relaxation's pairs and the trips' instead.
SEARCH_MAX_PAIRS = 25_000


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
    greedy_pairs = {pair[:2] for pair in greedy(problem, found).assignments}
    baseline = {i for i, pair in enumerate(model.pairs) if pair[:2] in greedy_pairs}
    relaxed = relax(model, time_limit) if relaxation else None
    if relaxed is None:
        # No relaxation, or it did not finish (a loaded machine): CP-SAT alone, from the
        # baseline.
        chosen, bound, status = _cp_sat(
            model, range(len(model.pairs)), baseline, time_limit - _since(started), workers
        )
    else:
        values, _, lp_bound = relaxed
        rounded = {i for i, value in enumerate(values) if value > 1 - INTEGRAL}
        if all(value < INTEGRAL or value > 1 - INTEGRAL for value in values):
            chosen, bound, status = rounded, lp_bound, "OPTIMAL"
        else:
            chosen, bound, status = _search(
                model, relaxed, baseline, time_limit - _since(started), progress
            )
    if chosen is None:
        # Nothing found in time: the baseline, kept to the hard rules, is still a proposal.
        chosen, bound = complete(model, baseline), None
        status = f"{status}, proposition au plus proche"
    return _solution(problem, found, model, chosen, bound, status, _since(started))


def _search(model: Structure, relaxed, baseline, time_limit, progress):
    """The integer search after a fractional relaxation: (chosen, bound, status)."""
    started = time.perf_counter()
    values, reduced, lp_bound = relaxed
    rounded = {i for i, value in enumerate(values) if value > 1 - INTEGRAL}
    incumbent = min(complete(model, rounded), complete(model, baseline), key=model.objective)
    support = {i for i, value in enumerate(values) if value > INTEGRAL} | incumbent
    if progress:
        progress(f"Relaxation fractionnaire : recherche sur ses {len(support)} affectations…")
    chosen, _, _ = search(model, support, incumbent, time_limit * SUPPORT_SHARE)
    if chosen is not None:
        incumbent = min(complete(model, chosen), incumbent, key=model.objective)
    # Reduced-cost fixing: a pair whose reduced cost exceeds the slack would make any
    # proposal worse than the incumbent. The bound is rounded up: one unit more of slack
    # covers the rounding.
    slack = model.objective(incumbent) - lp_bound + 1
    kept = {i for i, cost in enumerate(reduced) if cost <= slack + INTEGRAL} | incumbent
    exact = len(kept) <= SEARCH_MAX_PAIRS
    if not exact:
        kept = support | incumbent | set(model.stay_of)
    if progress:
        progress(f"Recherche sur {len(kept)} affectations…")
    chosen, bound, status = search(model, kept, incumbent, time_limit - _since(started))
    if chosen is None or model.objective(chosen) >= model.objective(incumbent):
        chosen, status = incumbent, status if chosen is not None else "FEASIBLE"
    if not exact:
        return chosen, lp_bound, "FEASIBLE"
    # The search only proves its bound for proposals better than the incumbent.
    return chosen, max(lp_bound, min(bound, model.objective(incumbent))), status


def complete(model: Structure, chosen) -> set:
    """`chosen` (a proposal, e.g. the whole values of a fractional relaxation, or the
    baseline, which may break the one-island-a-day rule of trips) less what breaks a hard
    rule, then the places still open filled cheapest pair first, keeping every hard rule: a
    close incumbent, so that reduced-cost fixing leaves little to search."""
    result = set()
    filled, load, busy = defaultdict(int), defaultdict(int), set()
    islands, away = defaultdict(set), set()  # (person, date) -> islands; those on a trip
    order = sorted(range(len(model.pairs)), key=lambda i: model.pairs[i][2])
    for i in [*sorted(chosen), *order]:
        need_id, person_id, _ = model.pairs[i]
        limit = model.capacity.get(person_id)
        island, date = model.place[i]
        day = person_id, date
        trip = i in model.stay_of
        if (
            i in result
            or filled[need_id] >= model.slots[need_id]
            or busy.intersection(model.clashes_of[i])
            or (limit is not None and load[person_id] >= limit)
            or ((trip or day in away) and islands[day] - {island})
        ):
            continue
        result.add(i)
        filled[need_id] += 1
        load[person_id] += 1
        busy.update(model.clashes_of[i])
        islands[day].add(island)
        if trip:
            away.add(day)
    return result


def _since(started):
    return time.perf_counter() - started


def _solution(problem, found, model, chosen, bound, status, seconds):
    assignments = bundle(problem, found, [model.pairs[i] for i in sorted(chosen)])
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
    if bound is not None:
        solution.gap_francs = max(0.0, (model.objective(chosen) - bound) * CP_UNIT)
    return solution


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
    trips = _cp_trips(cp, model, variables, hint)
    cp.minimize(sum(model.weight(i) * var for i, var in variables.items()) + sum(excesses) + trips)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.cp_model_presolve = len(variables) <= PRESOLVE_MAX_PAIRS
    status = solver.solve(cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, -math.inf, solver.status_name(status)
    chosen = {i for i, var in variables.items() if solver.value(var)}
    return chosen, math.ceil(solver.best_objective_bound - INTEGRAL), solver.status_name(status)


def _cp_trips(cp, model: Structure, variables, hint):
    """The present and start variables of the stays that have a pair in `variables`, hinted
    from `hint`; returns their cost (a linear expression)."""
    costs = model.stay_costs()
    hinted = {model.stay_of[i] for i in hint if i in model.stay_of}
    present = {}
    for stay, indexes in model.stays.items():
        listed = [variables[i] for i in indexes if i in variables]
        if listed:
            var = present[stay] = cp.new_bool_var("")
            cp.add(var <= sum(listed))
            cp.add_hint(var, stay in hinted)
    for (stay, _), indexes in model.stay_halves.items():
        listed = [variables[i] for i in indexes if i in variables]
        if listed:
            cp.add(sum(listed) <= present[stay])
    for here, indexes in model.one_island:
        listed = [present[stay] for stay in here if stay in present]
        listed += [variables[i] for i in indexes if i in variables]
        if len(listed) > 1:
            cp.add_at_most_one(listed)
    terms = []
    for stay, var in present.items():
        day, start = costs[stay]
        begins = cp.new_bool_var("")
        before = present.get(model.previous(stay))
        if before is None:
            cp.add(begins == var)
        else:
            cp.add(begins >= var - before)
        cp.add_hint(begins, stay in hinted and model.previous(stay) not in hinted)
        terms += [day * var, start * begins]
    return sum(terms)
