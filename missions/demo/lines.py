"""What a generated intervenant declares for a mission: work, travel legs, meals and nights."""

import datetime
from decimal import Decimal

from missions.demo.timeline import S, T
from missions.enums import (
    TravelMode,
)
from missions.models import (
    MealLine,
    NightLine,
    TravelLeg,
    WorkLine,
)


def work_lines(part, mission, rng):
    quantity = mission.expected_quantity
    if part.status == S.TO_CORRECT:
        # Sent back because the count differs from the centre's (REASONS).
        quantity += 4
    elif rng.random() < 0.2:
        quantity = max(Decimal(0), quantity + rng.choice([-3, -1, 1, 2]))
    return [WorkLine(part=part, date=mission.end_date, quantity=quantity)]


def travel_lines(part, mission, intervenant, rng, dossier):
    """Legs, meals and nights a real intervenant would declare for this mission."""
    home = intervenant.home_commune
    centre_commune = mission.centre.commune
    inter_island = intervenant.home_island_id != mission.centre.island_id
    legs, meals, nights = [], [], []
    first, last = mission.start_date, mission.end_date
    if inter_island:
        requisition = rng.random() < 0.7
        fare = None if requisition else rng.randrange(8_000, 26_000, 100)
        number = f"R{first:%y}-{rng.randint(1000, 9999)}" if requisition else ""
        # Most tickets come with their receipt; one in five is missing, for the control.
        receipt = "demo/billet-avion.pdf" if fare and mission.pk % 5 else ""
        legs.append(
            TravelLeg(
                part=part,
                date=first,
                departure_time=T(5, 50),
                arrival_time=T(6, 40),
                from_commune=home,
                to_commune=centre_commune,
                mode=TravelMode.PLANE,
                fare=fare,
                requisition_number=number,
                receipt=receipt,
            )
        )
        legs.append(
            TravelLeg(
                part=part,
                date=last,
                departure_time=T(17, 30),
                arrival_time=T(18, 20),
                from_commune=centre_commune,
                to_commune=home,
                mode=TravelMode.PLANE,
                fare=fare,
                requisition_number=number,
                receipt=receipt,
            )
        )
        day = first
        while day <= last:
            kind = "dejeuner_administratif" if rng.random() < 0.3 else "dejeuner"
            meals.append(MealLine(part=part, date=day, kind=kind))
            if day < last:
                nights.append(NightLine(part=part, date=day))
            day += datetime.timedelta(days=1)
    else:
        km = Decimal(rng.randint(12, 55))
        for day in mission.days:
            legs.append(
                TravelLeg(
                    part=part,
                    date=day,
                    departure_time=T(6, 30),
                    arrival_time=T(7, 15),
                    from_commune=home,
                    to_commune=centre_commune,
                    mode=TravelMode.CAR,
                    km=km,
                )
            )
            legs.append(
                TravelLeg(
                    part=part,
                    date=day,
                    departure_time=mission.end_time,
                    arrival_time=(
                        datetime.datetime.combine(day, mission.end_time)
                        + datetime.timedelta(minutes=45)
                    ).time(),
                    from_commune=centre_commune,
                    to_commune=home,
                    mode=TravelMode.CAR,
                    km=km,
                )
            )
            if mission.end_time >= T(14, 0):
                meals.append(MealLine(part=part, date=day, kind="dejeuner"))
    return legs, meals, nights
