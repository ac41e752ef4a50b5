"""The public fee simulator: the état de frais computation run on facts a reader typed in.

Invariant: the lines come from `fees.compute_remuneration` and `fees.compute_travel`, the very
functions that compute a stored état de frais; the facts become unsaved model instances, so
nothing is written, and only the memoised reference data (rates, neighbours, the choices
below) is read.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from missions import reference_data
from missions.enums import MealKind, TravelMode
from missions.models import (
    Activity,
    Centre,
    Commune,
    Exam,
    ExamKind,
    Intervenant,
    MealLine,
    Mission,
    NightLine,
    RateGroup,
    TravelLeg,
    WorkLine,
)
from missions.money import format_xpf, xpf_to_eur
from missions.services.fees import (
    TravelContext,
    compute_remuneration,
    compute_travel,
    neighbour_map,
)
from missions.services.rulebook import RateBook


@dataclass(frozen=True)
class Reference:
    """What the simulator's form offers, keyed by id (a few hundred rows in all)."""

    exams: dict
    activities: dict
    competition_groups: dict
    communes: dict
    centres: dict


def reference():
    return reference_data.cached("simulator-reference", _reference_from_database)


def _reference_from_database():
    exams = {e.pk: e for e in Exam.objects.select_related("rate_group").order_by("name")}
    exam_groups = {e.rate_group_id for e in exams.values() if e.kind != ExamKind.COMPETITION}
    return Reference(
        exams=exams,
        activities={a.pk: a for a in Activity.objects.order_by("order", "name")},
        competition_groups={
            g.pk: g for g in RateGroup.objects.order_by("name") if g.pk not in exam_groups
        },
        communes={
            c.pk: c for c in Commune.objects.select_related("island__archipelago").order_by("name")
        },
        centres={
            c.pk: c
            for c in Centre.objects.filter(active=True)
            .select_related("commune", "island")
            .order_by("name")
        },
    )


@dataclass(frozen=True)
class Facts:
    """One mission as a reader describes it; times are local (Pacific/Tahiti)."""

    exam: Exam
    activity: Activity
    first_day: datetime.date
    last_day: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    quantity: Decimal | None  # None: travel only
    home_commune: Commune
    centre: Centre
    work_commune: Commune | None = None
    rate_group: RateGroup | None = None  # a competition examiner's corps
    mode: str = ""  # no travel declared
    horsepower: int | None = None
    km: Decimal | None = None  # each way
    prior_km: Decimal = Decimal(0)  # driven on duty earlier in the year
    fare_out: int | None = None
    fare_back: int | None = None
    requisition_number: str = ""
    departure: datetime.datetime | None = None  # leaving home; default: the mission's start
    back_home: datetime.datetime | None = None  # arriving home; default: the mission's end
    lunches: int = 0
    admin_lunches: int = 0
    dinners: int = 0
    nights: int = 0

    @property
    def travel_first_day(self):
        return self.departure.date() if self.departure else self.first_day

    @property
    def travel_last_day(self):
        return self.back_home.date() if self.back_home else self.last_day

    @property
    def away_days(self):
        """The days between leaving and coming back, on which meals and nights are placed."""
        day, days = self.travel_first_day, []
        while day <= self.travel_last_day:
            days.append(day)
            day += datetime.timedelta(days=1)
        return days


@dataclass
class Simulation:
    facts: Facts
    remuneration: object
    travel: object
    rules: list = field(default_factory=list)

    @property
    def parts(self):
        return [self.remuneration, self.travel]

    @property
    def total(self):
        return self.remuneration.total + self.travel.total

    @property
    def total_eur(self):
        return xpf_to_eur(self.total)


def unsaved_mission(facts):
    """The mission, its intervenant and its lines, as the portal would store them."""
    mission = Mission(
        activity=facts.activity,
        centre=facts.centre,
        rate_group=facts.rate_group or facts.exam.rate_group,
        start_date=facts.first_day,
        end_date=facts.last_day,
        start_time=facts.start_time,
        end_time=facts.end_time,
        expected_quantity=facts.quantity or 0,
    )
    work = facts.work_commune
    intervenant = Intervenant(
        home_commune=facts.home_commune,
        home_island_id=facts.home_commune.island_id,
        work_commune=work,
        work_island_id=work.island_id if work else None,
    )
    return mission, intervenant


def travel_legs(facts):
    """The way out (home → centre) and back, when a means of travel is given."""
    if not facts.mode:
        return []
    home, centre = facts.home_commune, facts.centre.commune
    leave = facts.departure or datetime.datetime.combine(facts.first_day, facts.start_time)
    back = facts.back_home or datetime.datetime.combine(facts.last_day, facts.end_time)
    common = {"mode": facts.mode, "km": facts.km, "requisition_number": facts.requisition_number}
    return [
        TravelLeg(
            date=leave.date(),
            departure_time=leave.time(),
            from_commune=home,
            to_commune=centre,
            fare=facts.fare_out,
            **common,
        ),
        TravelLeg(
            date=back.date(),
            departure_time=back.time(),
            arrival_time=back.time(),
            from_commune=centre,
            to_commune=home,
            fare=facts.fare_back,
            **common,
        ),
    ]


def meal_lines(facts):
    """Lunches on the first days away (restaurant, then canteen), dinners likewise."""
    days = facts.away_days
    kinds = [MealKind.LUNCH] * facts.lunches + [MealKind.ADMIN_LUNCH] * facts.admin_lunches
    lunches = [MealLine(date=day, kind=kind) for day, kind in zip(days, kinds, strict=False)]
    dinners = [MealLine(date=day, kind=MealKind.DINNER) for day in days[: facts.dinners]]
    # The portal lists meals by date then kind.
    return sorted([*lunches, *dinners], key=lambda meal: (meal.date, meal.kind))


def night_lines(facts):
    return [NightLine(date=day) for day in facts.away_days[: facts.nights]]


def simulate(facts, book=None, neighbours=None):
    """The itemised computation of these facts, with the rules that applied."""
    book = book or RateBook.load()
    neighbours = neighbours if neighbours is not None else neighbour_map()
    mission, intervenant = unsaved_mission(facts)
    work = (
        [] if facts.quantity is None else [WorkLine(date=facts.first_day, quantity=facts.quantity)]
    )
    remuneration = compute_remuneration(mission, work, book)
    context = TravelContext(
        mission=mission,
        intervenant=intervenant,
        horsepower=facts.horsepower,
        neighbour_ids=neighbours,
        prior_car_km=facts.prior_km,
    )
    travel = compute_travel(
        context, travel_legs(facts), meal_lines(facts), night_lines(facts), book
    )
    simulation = Simulation(facts, remuneration, travel)
    simulation.rules = [*travel.notes, *rate_rules(simulation, book)]
    return simulation


def _validity(rate):
    if rate.valid_from and rate.valid_to:
        return f"en vigueur du {rate.valid_from:%d/%m/%Y} au {rate.valid_to:%d/%m/%Y}"
    if rate.valid_from:
        return f"en vigueur depuis le {rate.valid_from:%d/%m/%Y}"
    if rate.valid_to:
        return f"en vigueur jusqu'au {rate.valid_to:%d/%m/%Y}"
    return "sans limite de date"


def _rate_name(rate, book):
    if hasattr(rate, "activity_id"):
        group = rate.rate_group.name if rate.rate_group_id else "tous examens"
        label = f"{rate.label}, {group}" if rate.label else group
        return f"{rate.activity.name} ({label})"
    name = rate.get_kind_display()
    if rate.horsepower_band:
        name += f", {rate.get_horsepower_band_display()}, {rate.get_distance_band_display()}"
    siblings = [
        other
        for other in book.travel_rates
        if (other.kind, other.horsepower_band, other.distance_band)
        == (rate.kind, rate.horsepower_band, rate.distance_band)
        and other.pk != rate.pk
    ]
    if any(o.valid_from and rate.valid_to and o.valid_from > rate.valid_to for o in siblings):
        name += " — ancien taux"
    elif any(o.valid_to and rate.valid_from and o.valid_to < rate.valid_from for o in siblings):
        name += " — nouveau taux"
    return name


def rate_rules(simulation, book):
    """One sentence per rate row used: its amount and validity, old or new rate."""
    seen, rules = set(), []
    for part in simulation.parts:
        for line in part.lines:
            for rate in line.rates:
                key = (type(rate).__name__, rate.pk)
                if key in seen:
                    continue
                seen.add(key)
                rules.append(
                    f"{_rate_name(rate, book)} : {format_xpf(rate.amount, decimals=True)}, "
                    f"{_validity(rate)}."
                )
    return rules


TRAVEL_MODES = [
    ("", "Pas de trajet à déclarer"),
    (TravelMode.CAR, "Voiture personnelle"),
    (TravelMode.MOTORCYCLE, TravelMode.MOTORCYCLE.label),
    (TravelMode.MOPED, TravelMode.MOPED.label),
    (TravelMode.PLANE, TravelMode.PLANE.label),
    (TravelMode.BOAT, TravelMode.BOAT.label),
    (TravelMode.BUS, TravelMode.BUS.label),
    (TravelMode.TAXI, TravelMode.TAXI.label),
]
