"""The assignment problem as plain data, and the hard rules that decide who may take a need.

Pure functions over dataclasses (no database): the solver, the greedy baseline, the tests and
the benchmark all read the same rules from here.

Hard rules: competence, availability, no two missions at the same time, the per-person
maximum, never at one's own school, and travel between islands only when nobody who lives or
works on the centre's island is able to take the need.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

MORNING, AFTERNOON, DAY = "matin", "apres_midi", "journee"


def periods_overlap(first: str, second: str) -> bool:
    return first == second or DAY in (first, second)


@dataclass(frozen=True)
class NeedSpec:
    id: int
    centre_id: int
    island_id: int
    activity_id: int
    epreuve: str
    date: datetime.date
    period: str
    slots: int  # people still to find


@dataclass(frozen=True)
class PersonSpec:
    id: int
    islands: frozenset  # where they live or work
    school_id: int | None
    # (activity id, épreuve casefolded or "" for every épreuve)
    competences: frozenset
    # (date, period) when unavailable or already on a mission
    blocked: frozenset = frozenset()
    capacity: int | None = None  # missions still allowed this session; None: no limit
    load: int = 0  # missions already held this session
    # (island id, date) where pinned or accepted proposals already send them from another
    # island: a trip there those days is paid, the days after continue it.
    trips: frozenset = frozenset()

    def is_competent(self, need: NeedSpec) -> bool:
        return (need.activity_id, "") in self.competences or (
            need.activity_id,
            need.epreuve.casefold(),
        ) in self.competences

    def is_free(self, need: NeedSpec) -> bool:
        halves = (MORNING, AFTERNOON) if need.period == DAY else (need.period,)
        return not any((need.date, period) in self.blocked for period in (*halves, DAY))

    def is_able(self, need: NeedSpec) -> bool:
        """Every rule but travel: competent, free, not at their own school, room left."""
        return (
            self.is_competent(need)
            and self.is_free(need)
            and self.school_id != need.centre_id
            and (self.capacity is None or self.capacity > 0)
        )


@dataclass
class Problem:
    needs: list
    people: list

    def person(self, person_id):
        return self._people_by_id()[person_id]

    def _people_by_id(self):
        if not hasattr(self, "_by_id"):
            self._by_id = {person.id: person for person in self.people}
        return self._by_id


CostFunction = Callable[[PersonSpec, NeedSpec], int]


@dataclass(frozen=True)
class TripPrice:
    """A need staffed from another island, as part of a stay: `start` once per trip (the
    fare, the night and the dinner before), `day` once per day there (lunch, dinner, the
    night after). A need alone costs start + day; N consecutive days, start + N × day."""

    start: int
    day: int


TripFunction = Callable[[PersonSpec, NeedSpec], TripPrice | None]


@dataclass
class Candidates:
    """Who may take each need, cheapest first, and whether the island rule applied."""

    by_need: dict = field(default_factory=dict)  # need id -> [(person id, cost)]
    off_island: set = field(default_factory=set)  # need ids staffed from another island
    # (need id, person id) -> TripPrice, for the candidates priced by trip: the cost listed
    # in by_need is then that of the need alone (start + day).
    trips: dict = field(default_factory=dict)
    island_of: dict = field(default_factory=dict)  # need id -> island id
    paid: set = field(default_factory=set)  # (person id, island id, date): see PersonSpec.trips
    date_of: dict = field(default_factory=dict)  # need id -> date

    def stay_of(self, need_id, person_id):
        """(person id, island id, date) of a pair priced by trip, else None."""
        if (need_id, person_id) not in self.trips:
            return None
        return person_id, self.island_of[need_id], self.date_of[need_id]


def candidates(
    problem: Problem,
    cost: CostFunction,
    limit: int | None = None,
    trip: TripFunction | None = None,
) -> Candidates:
    """The people able to take each need. When someone of the centre's island is able, only
    the island's people are candidates. `limit` keeps the cheapest few per need (ties: the
    least loaded, then a per-need shuffle so equals take turns) to keep large sessions small
    enough to solve quickly. `cost` is the price of the need alone; `trip`, when given,
    tells which candidates are priced by trip (consecutive days at one island share it).

    The same rules as PersonSpec.is_able, applied by sets: who is competent per (activity,
    épreuve), who is taken per (date, period), who has no room left (a session has
    thousands of needs and people)."""
    result = Candidates()
    result.paid = {(p.id, island, day) for p in problem.people for island, day in p.trips}
    competent = defaultdict(set)  # (activity, épreuve or "") -> person ids
    taken = defaultdict(set)  # (date, period of a need) -> ids of people not free then
    full = set()  # ids of people at their maximum
    people = {person.id: person for person in problem.people}
    for person in problem.people:
        for key in person.competences:
            competent[key].add(person.id)
        for day, period in person.blocked:
            # A blocked half-day takes that half and the whole day; a blocked day, all three.
            for need_period in (MORNING, AFTERNOON, DAY):
                if periods_overlap(period, need_period):
                    taken[day, need_period].add(person.id)
        if person.capacity is not None and person.capacity <= 0:
            full.add(person.id)
    for need in problem.needs:
        pool = competent.get((need.activity_id, ""), set()) | competent.get(
            (need.activity_id, need.epreuve.casefold()), set()
        )
        able = [
            people[person_id]
            for person_id in pool - taken.get((need.date, need.period), set()) - full
            if people[person_id].school_id != need.centre_id
        ]
        local = [person for person in able if need.island_id in person.islands]
        if not local and able:
            result.off_island.add(need.id)
        priced = sorted(
            ((person.id, cost(person, need), person.load) for person in local or able),
            key=lambda item, salt=need.id: (item[1], item[2], (item[0] * 2654435761 + salt) % 4093),
        )
        if limit is not None:
            priced = priced[:limit]
        result.by_need[need.id] = [(person_id, amount) for person_id, amount, _ in priced]
        result.island_of[need.id], result.date_of[need.id] = need.island_id, need.date
        if trip is not None and need.id in result.off_island:
            for person_id, _, _ in priced:
                price = trip(people[person_id], need)
                if price is not None:
                    result.trips[need.id, person_id] = price
    return result


def stays(found: Candidates, pairs) -> dict:
    """(person id, island id) -> the sorted dates they are there, of the pairs
    [(need id, person id, ...)] priced by trip and of the trips already paid."""
    days = defaultdict(set)
    for person_id, island_id, day in found.paid:
        days[person_id, island_id].add(day)
    for need_id, person_id, *_ in pairs:
        stay = found.stay_of(need_id, person_id)
        if stay is not None:
            days[stay[:2]].add(stay[2])
    return {key: sorted(dates) for key, dates in days.items()}


def run_of(dates, day) -> list:
    """The consecutive dates of `dates` (sorted) around `day`: one trip."""
    index = dates.index(day)
    first = last = index
    while first and (dates[first] - dates[first - 1]).days == 1:
        first -= 1
    while last + 1 < len(dates) and (dates[last + 1] - dates[last]).days == 1:
        last += 1
    return dates[first : last + 1]


def bundle(problem: Problem, found: Candidates, pairs) -> list:
    """The pairs [(need id, person id, cost alone)] priced by trip: of a person's needs at
    one island on consecutive days, the first of each day carries that day's part, and the
    first of the trip also its start; the others cost nothing more. Pairs not priced by trip
    keep their cost. The sum is what the états de frais of those trips would show. A day
    already paid by a pinned or accepted proposal (Candidates.paid) costs nothing more, and
    the day after it continues its trip."""
    order = {need.id: (need.date, need.period != MORNING, need.id) for need in problem.needs}
    by_stay = stays(found, pairs)
    charged = set(found.paid)  # (person, island, date) whose day is already carried
    amounts = {}
    for need_id, person_id, amount in sorted(pairs, key=lambda pair: order[pair[0]]):
        stay = found.stay_of(need_id, person_id)
        if stay is not None:
            price = found.trips[need_id, person_id]
            amount = 0
            if stay not in charged:
                charged.add(stay)
                amount = price.day
                if run_of(by_stay[stay[:2]], stay[2])[0] == stay[2]:
                    amount += price.start
        amounts[need_id, person_id] = amount
    return [(need_id, person_id, amounts[need_id, person_id]) for need_id, person_id, _ in pairs]


@dataclass
class Solution:
    assignments: list  # [(need id, person id, cost)]
    uncovered: dict  # need id -> places left empty
    status: str = ""
    seconds: float = 0.0
    # Proven distance to the best proposal, in francs (None: not proven, e.g. the baseline).
    gap_francs: float | None = None

    @property
    def cost(self) -> int:
        return sum(amount for _, _, amount in self.assignments)

    @property
    def covered(self) -> int:
        return len(self.assignments)

    def gap(self) -> float | None:
        """The optimality gap as a share of the estimated cost (0: proven optimal)."""
        if self.gap_francs is None:
            return None
        return self.gap_francs / self.cost if self.cost else 0.0


def greedy(problem: Problem, found: Candidates) -> Solution:
    """The baseline: needs in date order, each place to the cheapest (nearest) candidate
    still free at that time and under their maximum, each need priced alone when chosen;
    the proposal is then priced by trip like any other (bundle)."""
    taken = {}  # person id -> [(date, period)]
    used = {}  # person id -> missions given
    assignments, uncovered = [], {}
    for need in sorted(problem.needs, key=lambda n: (n.date, n.period, n.id)):
        missing = need.slots
        for person_id, amount in found.by_need.get(need.id, []):
            if not missing:
                break
            person = problem.person(person_id)
            busy = taken.get(person_id, [])
            if any(d == need.date and periods_overlap(p, need.period) for d, p in busy):
                continue
            if person.capacity is not None and used.get(person_id, 0) >= person.capacity:
                continue
            taken.setdefault(person_id, []).append((need.date, need.period))
            used[person_id] = used.get(person_id, 0) + 1
            assignments.append((need.id, person_id, amount))
            missing -= 1
        if missing:
            uncovered[need.id] = missing
    return Solution(bundle(problem, found, assignments), uncovered, status="glouton")
