"""The linear models of the assignment (services/structure.py): its relaxation, solved by
OR-Tools GLOP, and the integer program on a subset of the pairs, solved by SCIP (shipped
with OR-Tools).

Why both: apart from the whole-day needs and the trips, the problem is a transportation
problem, whose linear relaxation has integral optima. Trips (a fare shared by consecutive
days) make it a fixed-charge problem: the relaxation is nearly integral (a few hundred
fractional pairs out of 80,000 on the benchmark session) but not quite, and its bound
proves how far any proposal can be from the best. An LP-based branch and bound (SCIP) then
finds the best proposal among the pairs the relaxation uses in seconds, where a search
without the relaxation's bound (CP-SAT) ran out of time.
"""

import math

from ortools.linear_solver import pywraplp

INTEGRAL = 1e-6  # a relaxed value this close to 0 or 1 counts as a whole one


def _linear(model, time_limit, weight, stay_costs, fairness, kept=None, integer=False):
    """GLOP (or SCIP, `integer`) on the pairs `kept` (default: all) with every hard rule
    of `model` as rows, each pair costing weight(i), each stay and each trip start as in
    stay_costs. Returns (solver, {pair index: variable})."""
    lp = pywraplp.Solver.CreateSolver("SCIP" if integer else "GLOP")
    lp.SetTimeLimit(int(time_limit * 1000))
    new = lp.IntVar if integer else lp.NumVar
    kept = range(len(model.pairs)) if kept is None else kept
    chosen = {i: new(0, 1, "") for i in kept}
    objective = lp.Objective()
    for i, var in chosen.items():
        objective.SetCoefficient(var, weight(i))

    def at_most(indexes, limit, extra=()):
        listed = [chosen[i] for i in indexes if i in chosen]
        if not extra and len(listed) <= limit:
            return  # always true
        row = lp.Constraint(-lp.infinity(), limit)
        for var in listed:
            row.SetCoefficient(var, 1)
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
    _trip_rows(lp, model, chosen, stay_costs, new, at_most)
    objective.SetMinimization()
    return lp, chosen


def _trip_rows(lp, model, chosen, stay_costs, new, at_most):
    """The stays (present) and trip starts of `model` as variables, their rows and costs."""
    objective = lp.Objective()
    present = {
        stay: new(0, 1, "")
        for stay, indexes in model.stays.items()
        if any(i in chosen for i in indexes)
    }
    for (stay, _), indexes in model.stay_halves.items():
        if stay in present:
            # At most one need a half-day, and only when there: chosen <= present.
            at_most(indexes, 0, [(present[stay], -1)])
    for here, indexes in model.one_island:
        at_most(indexes, 1, [(present[stay], 1) for stay in here if stay in present])
    for stay, var in present.items():
        # Present only for a need that day (no idle day on the island): present <= chosen.
        row = lp.Constraint(-lp.infinity(), 0)
        row.SetCoefficient(var, 1)
        for i in model.stays[stay]:
            if i in chosen:
                row.SetCoefficient(chosen[i], -1)
        day, start = stay_costs[stay]
        objective.SetCoefficient(var, day)
        begins = lp.NumVar(0, 1, "")
        objective.SetCoefficient(begins, start)
        # present - present the day before - start <= 0
        before = present.get(model.previous(stay))
        at_most([], 0, [(var, 1), (begins, -1), *([(before, -1)] if before else [])])


def relax(model, time_limit: float):
    """The linear relaxation with GLOP: (values of the pairs, their reduced costs, the
    bound rounded up to a whole unit), or None when it does not finish in time."""
    lp, chosen = _linear(model, time_limit, model.weight, model.stay_costs(), fairness=True)
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    # Every coefficient is a whole unit, so no integer proposal does better than the ceiling.
    bound = math.ceil(lp.Objective().Value() - INTEGRAL)
    variables = [chosen[i] for i in range(len(model.pairs))]
    return (
        [var.solution_value() for var in variables],
        [var.reduced_cost() for var in variables],
        bound,
    )


def search(model, kept, hint, time_limit: float):
    """The best proposal among the pairs `kept` (SCIP, started from `hint`, pair indexes):
    (chosen pair indexes or None, proven bound in units among those pairs, status)."""
    if time_limit <= 0:
        return None, -math.inf, "temps écoulé"
    lp, chosen = _linear(
        model, time_limit, model.weight, model.stay_costs(), fairness=True, kept=kept, integer=True
    )
    lp.SetHint(list(chosen.values()), [float(i in hint) for i in chosen])
    parameters = pywraplp.MPSolverParameters()
    # The objective counts a large reward per place: a relative gap would hide thousands of
    # francs; every coefficient is a whole unit, so less than one unit is optimal.
    parameters.SetDoubleParam(parameters.RELATIVE_MIP_GAP, 0.0)
    status = lp.Solve(parameters)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None, -math.inf, "aucune solution"
    found = {i for i, var in chosen.items() if var.solution_value() > 0.5}
    bound = math.ceil(lp.Objective().BestBound() - INTEGRAL)
    return found, bound, "OPTIMAL" if status == pywraplp.Solver.OPTIMAL else "FEASIBLE"


def cost_bound(model, places: int, time_limit: float = 30.0) -> int | None:
    """A proven lower bound, in francs, on the cost of any proposal that covers at least
    `places` places (the relaxation with the cost alone): how close a proposal covering
    that many places, e.g. the baseline's, is to the cheapest possible. None: not found in
    time or no proposal covers that many."""
    lp, chosen = _linear(
        model,
        time_limit,
        lambda i: 0 if i in model.stay_of else model.pairs[i][2],
        model.stay_costs(francs=True),
        fairness=False,
    )
    row = lp.Constraint(places, lp.infinity())
    for var in chosen.values():
        row.SetCoefficient(var, 1)
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return math.ceil(lp.Objective().Value() - INTEGRAL)
