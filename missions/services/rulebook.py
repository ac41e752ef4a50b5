"""Rates in force, loaded once per computation: the rate tables are small (tens of rows),
so one query each beats a query per line."""

from dataclasses import dataclass

from missions import reference_data
from missions.enums import DISTANCE_BAND_LIMITS, HorsepowerBand, TravelRateKind
from missions.models import Rate, TravelRate


@dataclass
class RateBook:
    rates: list
    travel_rates: list

    @classmethod
    def load(cls):
        """The rates, as this process last loaded them unless one changed since."""
        return reference_data.cached("rate-book", cls.from_database)

    @classmethod
    def from_database(cls):
        return cls(
            rates=list(Rate.objects.select_related("activity", "rate_group")),
            travel_rates=list(TravelRate.objects.all()),
        )

    def remuneration_rate(self, activity_id, rate_group_id, on):
        """The group's own rate in force on that day, else the all-groups rate."""
        candidates = [r for r in self.rates if r.activity_id == activity_id and r.covers(on)]
        for rate in candidates:
            if rate.rate_group_id == rate_group_id:
                return rate
        for rate in candidates:
            if rate.rate_group_id is None:
                return rate
        return None

    def travel_rate(self, kind, on, horsepower_band="", distance_band=""):
        for rate in self.travel_rates:
            if (
                rate.kind == kind
                and rate.horsepower_band == horsepower_band
                and rate.distance_band == distance_band
                and rate.covers(on)
            ):
                return rate
        return None

    def car_rates(self, horsepower, on):
        """[(band, upper limit, rate)] for the vehicle's horsepower band."""
        band = HorsepowerBand.for_horsepower(horsepower)
        return [
            (distance, limit, self.travel_rate(TravelRateKind.CAR_KM, on, band, distance))
            for distance, limit in DISTANCE_BAND_LIMITS
        ]
