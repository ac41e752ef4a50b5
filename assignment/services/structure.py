"""The assignment problem as index lists for the solvers (services/solver.py, linear.py).

Objective, in order: cover as many places as possible (COVER_REWARD per place), then spend
the least estimated cost, then spread the load (a convex penalty on each person's number of
missions breaks ties of a few CP_UNIT francs).

Needs staffed from another island are priced by trip (problem.TripPrice): a variable
present[p, i, d] says that person p is on island i on day d (one of their needs there that
day), and a trip starts on the days present that follow a day absent; each day present
costs the day's part (meals, the night after), each start the trip's (fare, the night
before, its dinner). Such a pair costs nothing itself. A person on a trip a day has no
need on another island that day (one island a day: the trip is priced as a stay there).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from assignment.services.problem import (
    AFTERNOON,
    DAY,
    MORNING,
    Candidates,
    Problem,
    TripPrice,
)

CP_UNIT = 100  # francs per cost unit in the model: ties closer than this are "the same"
COVER_REWARD = 100_000  # units: more than any single cost, so coverage comes first
# Loads past which each further mission costs one more unit: a convex, piecewise-linear
# penalty (1 mission: 0; 2: 1; 3: 3; 4: 5; 5: 8...) that is cheap for the solver, unlike a
# tangent per possible load.
FAIRNESS_STEPS = (1, 2, 4)


def units(amount: int) -> int:
    return -(-amount // CP_UNIT)  # round up: a small cost never counts as free


@dataclass
class Structure:
    """The problem as index lists, shared by the relaxation, the searches and the tests:
    pair i is pairs[i] = (need id, person id, cost in francs alone)."""

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
    # Trips: pair i -> its stay (person id, island id, date), stay -> [i], stay -> price.
    stay_of: dict = field(default_factory=dict)
    stays: dict = field(default_factory=lambda: defaultdict(list))
    stay_price: dict = field(default_factory=dict)
    # (stay, half-day) -> [i]: a person present takes at most one need per half-day, so
    # these pairs sum to at most present (tighter than each pair <= present).
    stay_halves: dict = field(default_factory=lambda: defaultdict(list))
    # [(stays, [i])] per person and half-day: a person on a trip that day is nowhere else
    # (their stays and other pairs then sum to at most 1).
    one_island: list = field(default_factory=list)
    place: list = field(default_factory=list)  # i -> (island id, date) of its need

    def weight(self, i) -> int:
        if i in self.stay_of:
            return -COVER_REWARD  # its cost is its stay's
        return units(self.pairs[i][2]) - COVER_REWARD

    @staticmethod
    def previous(stay):
        person_id, island_id, day = stay
        return person_id, island_id, day - datetime.timedelta(days=1)

    def stay_costs(self, francs=False):
        """stay -> (its day's cost, its start's cost), in units or in francs."""
        scale = (lambda amount: amount) if francs else units
        return {
            stay: (scale(price.day), scale(price.start)) for stay, price in self.stay_price.items()
        }

    def objective(self, chosen) -> int:
        """The model's objective (in units) of a set of pair indexes."""
        load = defaultdict(int)
        for i in chosen:
            load[self.pairs[i][1]] += 1
        present = {self.stay_of[i] for i in chosen if i in self.stay_of}
        costs = self.stay_costs()
        trips = sum(
            costs[stay][0] + (costs[stay][1] if self.previous(stay) not in present else 0)
            for stay in present
        )
        return (
            sum(self.weight(i) for i in chosen)
            + trips
            + sum(
                max(0, load[person_id] + self.held[person_id] - step)
                for person_id, step, _ in self.fairness
            )
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
    _trips(result, needs, found, by_person_slot)
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


def _trips(result, needs, found, by_person_slot):
    """The trips' part of the structure: stays, their prices and rows."""
    pairs = result.pairs
    for i, (need_id, person_id, _) in enumerate(pairs):
        stay = found.stay_of(need_id, person_id)
        if stay is not None:
            result.stay_of[i] = stay
            result.stays[stay].append(i)
            need = needs[need_id]
            for half in (MORNING, AFTERNOON) if need.period == DAY else (need.period,):
                result.stay_halves[stay, half].append(i)
            price = found.trips[need_id, person_id]
            known = result.stay_price.get(stay, price)
            # One price per stay (the same for every centre of an island): the highest;
            # nothing for a day already paid, no start the day after one.
            result.stay_price[stay] = (
                TripPrice(0, 0)
                if stay in found.paid
                else TripPrice(
                    0 if result.previous(stay) in found.paid else max(known.start, price.start),
                    max(known.day, price.day),
                )
            )
    result.place = [(needs[need_id].island_id, needs[need_id].date) for need_id, _, _ in pairs]
    # One island a day for a person on a trip: their stays that day and their other needs
    # (on other islands: a person of the stay's island is never sent there by trip).
    stays_on = defaultdict(set)  # (person, date) -> stays
    for stay in result.stays:
        stays_on[stay[0], stay[2]].add(stay)
    for (person_id, date, _), listed in by_person_slot.items():
        here = sorted(stays_on.get((person_id, date), ()))
        others = [i for i in listed if i not in result.stay_of]
        if here and len(here) + len(others) > 1:
            result.one_island.append((here, others))
