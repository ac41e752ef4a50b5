"""When is travel paid? The home-commune rule and the time windows of meals and nights."""

import datetime
from dataclasses import dataclass

from missions.enums import MealKind

LUNCH_WINDOW = (datetime.time(11, 0), datetime.time(14, 0))
DINNER_WINDOW = (datetime.time(18, 0), datetime.time(21, 0))
NIGHT_WINDOW = (datetime.time(0, 0), datetime.time(5, 0))


@dataclass(frozen=True)
class TravelEligibility:
    eligible: bool
    reason: str


def travel_eligibility(mission, intervenant, neighbour_ids):
    """DOMAIN §4: no travel part when the centre's commune is the home or work commune or a
    neighbour of either, on the same island. Travel between islands always qualifies.

    `neighbour_ids` maps a commune id to the set of its neighbours' ids.
    """
    centre = mission.centre
    bases = [
        ("de résidence", intervenant.home_commune_id, intervenant.home_island_id),
        ("de travail", intervenant.work_commune_id, intervenant.work_island_id),
    ]
    for label, commune_id, island_id in bases:
        if commune_id is None or island_id != centre.island_id:
            continue
        if centre.commune_id == commune_id:
            return TravelEligibility(
                False, f"Le centre est dans votre commune {label} : pas de frais de déplacement."
            )
        if centre.commune_id in neighbour_ids.get(commune_id, set()):
            return TravelEligibility(
                False,
                f"Le centre est dans une commune limitrophe de votre commune {label} : "
                "pas de frais de déplacement.",
            )
    if centre.island_id not in {island for _, _, island in bases if island}:
        return TravelEligibility(
            True, "Déplacement entre îles : frais de déplacement pris en charge."
        )
    return TravelEligibility(
        True, "Le centre est hors de votre commune et des communes limitrophes."
    )


def absence_intervals(mission, legs, base_commune_ids):
    """The periods spent away from home, as (start, end) datetimes.

    Without declared legs, only the mission's own hours count, day by day. With legs, an
    absence opens at the first departure and closes when a leg arrives back at a base
    (home or work commune); a leg without times is placed at the mission's hours.
    """
    combine = datetime.datetime.combine
    if not legs:
        return [
            (combine(day, mission.start_time), combine(day, mission.end_time))
            for day in mission.days
        ]
    intervals = []
    opened = None
    ordered = sorted(legs, key=lambda leg: (leg.date, leg.departure_time or mission.start_time))
    for leg in ordered:
        departure = combine(leg.date, leg.departure_time or mission.start_time)
        arrival = combine(leg.date, leg.arrival_time or leg.departure_time or mission.end_time)
        if opened is None:
            opened = departure
        if leg.to_commune_id in base_commune_ids:
            intervals.append((opened, max(arrival, opened)))
            opened = None
    if opened is not None:
        intervals.append((opened, combine(mission.end_date, mission.end_time)))
    # The mission's own hours always count as time away.
    intervals.extend(
        (combine(day, mission.start_time), combine(day, mission.end_time)) for day in mission.days
    )
    return intervals


def covers(intervals, start, end):
    """True when one continuous stretch of the merged intervals contains [start, end]."""
    merged = []
    for begin, finish in sorted(intervals):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return any(begin <= start and end <= finish for begin, finish in merged)


def meal_window(kind, day):
    window = DINNER_WINDOW if kind == MealKind.DINNER else LUNCH_WINDOW
    return (datetime.datetime.combine(day, window[0]), datetime.datetime.combine(day, window[1]))


def night_window(evening):
    morning = evening + datetime.timedelta(days=1)
    return (
        datetime.datetime.combine(morning, NIGHT_WINDOW[0]),
        datetime.datetime.combine(morning, NIGHT_WINDOW[1]),
    )
