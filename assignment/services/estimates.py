"""The estimated travel cost of sending a person to a need, priced by the fee engine of the
états de frais (missions.services.fees.compute_travel) on the legs, meals and nights such a
trip would declare. Remuneration is left out: it is the same whoever does the work.

Trips assumed: on the same island, a car return trip of the island's indicative length on
the day; between islands, the indicative economy fare, leaving the afternoon before and
coming back the morning after (one night before, one after), except for a short crossing
(under SAME_DAY_FARE, the Moorea ferry) made on the day.

A stay between islands of several consecutive days is one trip: one fare, the night before
and a night after each day, a dinner the evening before, then a lunch and a dinner each day
(N days: N + 1 nights, 2N + 1 meals). The fee engine prices a one-day and a two-day stay;
their difference is the price of one more day, and the rest the start of a trip (fare, the
night and the dinner before), so that a stay of N days costs start + N × day, as the fee
engine would compute it (Estimator.trip_price).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from assignment.models import PERIOD_HOURS, TravelEstimate
from assignment.services.problem import TripPrice
from missions.enums import MealKind, TravelMode
from missions.models import MealLine, Mission, NightLine, TravelLeg
from missions.services.fees import TravelContext, compute_travel, neighbour_map
from missions.services.rulebook import RateBook

HUB = "Tahiti"  # inter-island flights go through Papeete
SAME_DAY_FARE = 10_000
UNKNOWN_FARE = 150_000  # no indicative fare: priced high so that it is a last resort
DEFAULT_HORSEPOWER = 5


@dataclass(frozen=True)
class Fare:
    mode: str
    fare: int | None
    km: int | None
    label: str


class FareTable:
    """Indicative prices between islands, both directions; a missing pair goes through
    Tahiti (the sum of both fares)."""

    def __init__(self, rows):
        self.rows = {}
        self.hub_id = None
        for row in rows:
            self.rows[row.from_island_id, row.to_island_id] = row
            self.rows[row.to_island_id, row.from_island_id] = row
            if row.from_island.name == HUB:
                self.hub_id = row.from_island_id

    @classmethod
    def load(cls):
        return cls(TravelEstimate.objects.select_related("from_island"))

    def between(self, first, second) -> Fare:
        row = self.rows.get((first, second))
        if row is not None:
            return Fare(row.mode, row.round_trip_fare, row.round_trip_km, row.source)
        legs = [self.rows.get((first, self.hub_id)), self.rows.get((self.hub_id, second))]
        if all(leg is not None and leg.round_trip_fare for leg in legs):
            total = sum(leg.round_trip_fare for leg in legs)
            return Fare(TravelMode.PLANE, total, None, "via Papeete")
        return Fare(TravelMode.PLANE, UNKNOWN_FARE, None, "tarif indicatif inconnu")


@dataclass(frozen=True)
class Estimate:
    amount: int
    summary: str


class Estimator:
    """Prices (person, need) pairs; pairs that look alike to the fee engine share one
    computation, so a session of thousands of needs costs a few thousand computations."""

    def __init__(self, fares=None, book=None, neighbours=None):
        self.fares = fares or FareTable.load()
        self.book = book or RateBook.load()
        self.neighbours = neighbours if neighbours is not None else neighbour_map()
        self._memo = {}

    def estimate(self, intervenant, need, centre) -> Estimate:
        """`intervenant` needs home/work commune and island ids and objects; `centre` its
        commune and island. The day is left out of the memo: within a session the rates in
        force on the first day priced stand for the others (an estimate, not a payment)."""
        key = self._key(intervenant, need, centre)
        if key not in self._memo:
            self._memo[key] = self._compute(intervenant, need, centre)
        return self._memo[key]

    def trip_price(self, intervenant, need, centre) -> TripPrice | None:
        """How a stay on the centre's island splits into a start (once per trip) and a
        price per day, or None when the need is not priced by trip (same island, or a
        crossing made on the day)."""
        key = ("trip", *self._key(intervenant, need, centre))
        if key not in self._memo:
            self._memo[key] = None
            if self._is_stay(intervenant, centre):
                one = self.stay(intervenant, need, centre, 1).amount
                two = self.stay(intervenant, need, centre, 2).amount
                self._memo[key] = TripPrice(start=2 * one - two, day=two - one)
        return self._memo[key]

    def stay(self, intervenant, need, centre, days) -> Estimate:
        """The fee engine's estimate of `days` consecutive days on the centre's island from
        the need's date, one trip (the same as estimate() for one day)."""
        return self._compute(intervenant, need, centre, days)

    def _key(self, intervenant, need, centre):
        return (
            intervenant.home_commune_id,
            intervenant.home_island_id,
            intervenant.work_commune_id,
            intervenant.work_island_id,
            centre.pk,
            need.period,
        )

    def _is_stay(self, intervenant, centre):
        if centre.island_id in {intervenant.home_island_id, intervenant.work_island_id}:
            return False
        fare = self.fares.between(intervenant.home_island_id, centre.island_id)
        return (fare.fare or 0) >= SAME_DAY_FARE

    def _compute(self, intervenant, need, centre, days=1):
        start, end = PERIOD_HOURS[need.period]
        last = need.date + datetime.timedelta(days=days - 1)
        mission = Mission(
            centre=centre, start_date=need.date, end_date=last, start_time=start, end_time=end
        )
        local = centre.island_id in {intervenant.home_island_id, intervenant.work_island_id}
        base_island = centre.island_id if local else intervenant.home_island_id
        fare = self.fares.between(base_island, centre.island_id)
        home = intervenant.home_commune
        legs, meals, nights = self._trip(mission, home, fare, local)
        context = TravelContext(
            mission=mission,
            intervenant=intervenant,
            horsepower=DEFAULT_HORSEPOWER,
            neighbour_ids=self.neighbours,
        )
        result = compute_travel(context, legs, meals, nights, self.book)
        if not any(line.amount for line in result.lines):
            note = result.notes[0] if result.notes else "Aucun frais."
            # The engine speaks to the intervenant; this estimate is read by the DEC.
            return Estimate(0, note.replace("votre commune", "sa commune"))
        parts = [
            f"{line.label} : {line.amount:,} XPF".replace(",", " ")
            for line in result.lines
            if line.amount
        ]
        return Estimate(result.total, " ; ".join(parts))

    @staticmethod
    def _trip(mission, home, fare, local):
        """The legs, meals and nights an état de frais would declare for `mission` (one
        day, or several consecutive days between islands)."""
        day, centre_commune = mission.start_date, mission.centre.commune
        start, end = mission.start_time, mission.end_time
        hour = datetime.timedelta(hours=1)

        def at(time, delta):
            return (datetime.datetime.combine(day, time) + delta).time()

        def leg(date, dep, arr, source, target, **price):
            return TravelLeg(
                date=date,
                departure_time=dep,
                arrival_time=arr,
                from_commune=source,
                to_commune=target,
                **price,
            )

        if local or (fare.fare or 0) < SAME_DAY_FARE:
            if local:
                half = {"mode": TravelMode.CAR, "km": Decimal(fare.km or 0) / 2}
                back = half
            else:
                half = {"mode": fare.mode, "fare": fare.fare // 2}
                back = {"mode": fare.mode, "fare": fare.fare - fare.fare // 2}
            legs = [
                leg(day, at(start, -hour), start, home, centre_commune, **half),
                leg(day, end, at(end, hour), centre_commune, home, **back),
            ]
            return legs, [MealLine(date=day, kind=MealKind.LUNCH)], []
        before = day - datetime.timedelta(days=1)
        after = mission.end_date + datetime.timedelta(days=1)
        legs = [
            leg(
                before,
                datetime.time(15),
                datetime.time(16, 30),
                home,
                centre_commune,
                mode=fare.mode,
                fare=fare.fare // 2,
            ),
            leg(
                after,
                datetime.time(9),
                datetime.time(10, 30),
                centre_commune,
                home,
                mode=fare.mode,
                fare=fare.fare - fare.fare // 2,
            ),
        ]
        days = list(mission.days)
        meals = [MealLine(date=before, kind=MealKind.DINNER)]
        for date in days:
            meals += [
                MealLine(date=date, kind=MealKind.LUNCH),
                MealLine(date=date, kind=MealKind.DINNER),
            ]
        return legs, meals, [NightLine(date=before), *(NightLine(date=date) for date in days)]
