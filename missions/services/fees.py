# Long module, one cohesive piece: the fee engine, every rule of DOMAIN.md §4 with
# its explanation, read together.
"""Fee computation in XPF (DOMAIN.md §4).

Each line gets an amount rounded half-up to the whole franc, a sentence saying which rule
and rate produced it and the facts it used; a part's total is the sum of its lines.
`compute_*` functions are pure (they read only what they are given); `recompute_part` loads
a part and stores the result.

Invariant: stored amounts move only while the part is editable (`a_saisir`, `a_corriger`).
From the intervenant's validation on, what they validated is a record: `part_result` shows
the stored lines, and a live computation is only ever a comparison (`current_drift`).
"""

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from missions import reference_data
from missions.durations import format_duration, minutes_of
from missions.enums import (
    EDITABLE_STATUSES,
    UNIT_PLURALS,
    HorsepowerBand,
    MealKind,
    PartNature,
    PartStatus,
    TravelMode,
    TravelRateKind,
    Unit,
)
from missions.models import Commune, FeePart, MealLine, NightLine, TravelLeg, WorkLine
from missions.money import format_xpf, round_franc
from missions.services import portal_versions
from missions.services.rulebook import RateBook
from missions.services.travel_rules import (
    absence_intervals,
    covers,
    meal_window,
    night_window,
    travel_eligibility,
)

KM_RATE_KINDS = {
    TravelMode.MOTORCYCLE: TravelRateKind.MOTORCYCLE_KM,
    TravelMode.MOPED: TravelRateKind.MOPED_KM,
}
# Statuses whose travel counts in the annual distance driven.
MISSING_KM_RATE = "Aucun taux kilométrique en vigueur : la DEC a été signalée."
MISSING_RATE = "Aucun taux en vigueur à cette date : la DEC a été signalée."
NOT_COUNTED_STATUSES = (PartStatus.REJECTED, PartStatus.CANCELLED, PartStatus.NO_FEES)


@dataclass(frozen=True)
class LineResult:
    line: object
    label: str
    amount: int
    explanation: str
    problem: str = ""  # blocks validation until fixed
    warning: str = ""  # shown to the DEC's control
    rates: tuple = ()  # the rate rows applied (the simulator shows their validity)
    facts: dict = field(default_factory=dict)  # what the amount used, stored at validation


@dataclass
class PartResult:
    nature: str
    lines: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def total(self):
        return sum(line.amount for line in self.lines)

    @property
    def problems(self):
        return [line.problem for line in self.lines if line.problem]

    @property
    def warnings(self):
        return [line.warning for line in self.lines if line.warning]


def format_quantity(quantity):
    text = f"{Decimal(quantity).normalize():f}"
    return text.replace(".", ",")


def format_rate(amount):
    return format_xpf(amount, decimals=True)


def _unit_label(unit, quantity):
    unit = Unit(unit)
    return UNIT_PLURALS[unit] if Decimal(quantity) > 1 else unit.label


# Remuneration


def compute_remuneration(mission, work_lines, book: RateBook):
    activity = mission.activity
    group = mission.effective_rate_group
    result = PartResult(PartNature.REMUNERATION)
    for line in work_lines:
        quantity = line.paid_quantity
        label = f"{activity.name} — {line.date:%d/%m/%Y}"
        rate = book.remuneration_rate(activity.pk, group.pk, line.date)
        if rate is None:
            result.lines.append(
                LineResult(
                    line,
                    label,
                    0,
                    "Aucun taux en vigueur pour cette activité à cette date.",
                    problem=(
                        f"Aucun taux de rémunération en vigueur le {line.date:%d/%m/%Y} pour "
                        f"« {activity.name} » ({group}) : la DEC a été signalée."
                    ),
                )
            )
            continue
        rate_label = f" ({rate.label}, {group.name})" if rate.label else f" ({group.name})"
        if activity.unit == Unit.HOUR:
            # To the minute (missions.durations): 12 h 10 is 730/60 of the hourly rate.
            amount = round_franc(rate.amount * minutes_of(quantity) / 60)
            shown = f"{format_duration(quantity)} × {format_rate(rate.amount)} de l'heure"
        else:
            amount = round_franc(quantity * rate.amount)
            shown = (
                f"{format_quantity(quantity)} {_unit_label(activity.unit, quantity)} × "
                f"{format_rate(rate.amount)}"
            )
        explanation = f"{shown}{rate_label} = {format_xpf(amount)}"
        if line.attested_quantity is not None and line.attested_quantity != line.quantity:
            explanation += (
                f" — quantité attestée par le centre ({format_quantity(line.attested_quantity)}"
                f" au lieu de {format_quantity(line.quantity)} déclarées)"
            )
        facts = {
            "regle": "remuneration",
            "quantite": str(quantity),
            "taux": str(rate.amount),
            "taux_id": rate.pk,
            "taux_libelle": rate.label,
            "groupe_de_taux": group.name,
        }
        result.lines.append(
            LineResult(line, label, amount, explanation, rates=(rate,), facts=facts)
        )
    return result


# Travel


@dataclass(frozen=True)
class TravelContext:
    """What the travel computation needs beyond the lines themselves."""

    mission: object
    intervenant: object
    horsepower: int | None
    neighbour_ids: dict
    prior_car_km: Decimal = Decimal(0)


def split_km(prior_km, km, band_limits):
    """Split a leg's km across annual-distance bands: each km is paid at the band where it
    falls in the year's cumulative count. Returns [(band, km in band)]."""
    pieces = []
    position, remaining = Decimal(prior_km), Decimal(km)
    for band, limit in band_limits:
        if remaining <= 0:
            break
        if limit is not None and position >= limit:
            continue
        room = remaining if limit is None else min(remaining, Decimal(limit) - position)
        pieces.append((band, room))
        position += room
        remaining -= room
    return pieces


def _car_leg(leg, context, book, prior_km):
    label = f"Trajet {leg.from_commune} → {leg.to_commune}, {leg.date:%d/%m/%Y}"
    if not context.horsepower:
        return LineResult(
            leg,
            label,
            0,
            "Puissance fiscale du véhicule inconnue.",
            problem="Indiquez la puissance fiscale de votre véhicule dans votre dossier financier.",
        )
    rates = book.car_rates(context.horsepower, leg.date)
    pieces = split_km(prior_km, leg.km, [(band, limit) for band, limit, _ in rates])
    by_band = {band: rate for band, _, rate in rates}
    if any(by_band[band] is None for band, _ in pieces):
        return LineResult(
            leg,
            label,
            0,
            "Aucun taux kilométrique en vigueur.",
            problem="Taux kilométrique manquant.",
        )
    raw = sum(km * by_band[band].amount for band, km in pieces)
    amount = round_franc(raw)
    details = " + ".join(
        f"{format_quantity(km)} km × {format_rate(by_band[band].amount)} "
        f"({by_band[band].get_distance_band_display()} dans l'année)"
        for band, km in pieces
    )
    band_label = by_band[pieces[0][0]].get_horsepower_band_display() if pieces else ""
    facts = {
        "regle": "voiture",
        "puissance_fiscale": context.horsepower,
        "tranche_puissance": HorsepowerBand.for_horsepower(context.horsepower).value,
        "km_deja_parcourus": str(prior_km),
        "tranches": [
            {"tranche_distance": band, "km": str(km), "taux": str(by_band[band].amount)}
            for band, km in pieces
        ],
    }
    return LineResult(
        leg,
        label,
        amount,
        f"Voiture {band_label} : {details} = {format_xpf(amount)}",
        rates=tuple(by_band[band] for band, _ in pieces),
        facts=facts,
    )


def _flat_km_leg(leg, book):
    label = f"Trajet {leg.from_commune} → {leg.to_commune}, {leg.date:%d/%m/%Y}"
    rate = book.travel_rate(KM_RATE_KINDS[leg.mode], leg.date)
    if rate is None:
        return LineResult(
            leg,
            label,
            0,
            "Aucun taux kilométrique en vigueur.",
            problem="Taux kilométrique manquant.",
        )
    amount = round_franc(leg.km * rate.amount)
    return LineResult(
        leg,
        label,
        amount,
        f"{leg.get_mode_display()} : {format_quantity(leg.km)} km × {format_rate(rate.amount)}"
        f" = {format_xpf(amount)}",
        rates=(rate,),
        facts={"regle": rate.kind, "km": str(leg.km), "taux": str(rate.amount)},
    )


def _fare_leg(leg):
    label = f"{leg.get_mode_display()} {leg.from_commune} → {leg.to_commune}, {leg.date:%d/%m/%Y}"
    if leg.requisition_number:
        return LineResult(
            leg,
            label,
            0,
            f"Billet pris en charge par l'administration (réquisition n° {leg.requisition_number})"
            " : rien à rembourser.",
        )
    if not leg.fare:
        return LineResult(
            leg,
            label,
            0,
            "Prix du billet non renseigné.",
            problem="Indiquez le prix du billet ou le numéro de réquisition.",
        )
    warning = "" if leg.receipt else f"Justificatif manquant pour le billet du {leg.date:%d/%m/%Y}."
    return LineResult(
        leg,
        label,
        leg.fare,
        f"Billet en classe économique remboursé sur justificatif : {format_xpf(leg.fare)}",
        warning=warning,
        facts={"regle": "billet", "prix": leg.fare},
    )


def _meal(meal, intervals, book):
    label = f"{meal.get_kind_display()}, {meal.date:%d/%m/%Y}"
    if meal.provided_free:
        return LineResult(meal, label, 0, "Repas fourni gratuitement : non indemnisé.")
    start, end = meal_window(meal.kind, meal.date)
    if not covers(intervals, start, end):
        return LineResult(
            meal,
            label,
            0,
            f"Non dû : la mission et le trajet ne couvrent pas toute la plage "
            f"{start:%H:%M}–{end:%H:%M}.",
        )
    if meal.kind == MealKind.ADMIN_LUNCH:
        rate = book.travel_rate(TravelRateKind.ADMIN_MEAL, meal.date)
        rule = "demi-taux, restaurant administratif"
    else:
        rate = book.travel_rate(TravelRateKind.MEAL, meal.date)
        rule = "taux du repas"
    if rate is None:
        return LineResult(
            meal, label, 0, "Aucun taux de repas en vigueur.", problem="Taux manquant."
        )
    amount = round_franc(rate.amount)
    return LineResult(
        meal,
        label,
        amount,
        f"Forfait repas ({rule}) : {format_xpf(amount)}",
        rates=(rate,),
        facts={"regle": rate.kind, "taux": str(rate.amount)},
    )


def _night(night, intervals, book):
    label = f"Nuitée du {night.date:%d/%m/%Y}"
    if night.provided_free:
        return LineResult(night, label, 0, "Hébergement fourni gratuitement : non indemnisé.")
    start, end = night_window(night.date)
    if not covers(intervals, start, end):
        return LineResult(
            night,
            label,
            0,
            "Non due : vous n'étiez pas en déplacement entre 0 h et 5 h cette nuit-là.",
        )
    rate = book.travel_rate(TravelRateKind.NIGHT, night.date)
    if rate is None:
        return LineResult(
            night, label, 0, "Aucun taux de nuitée en vigueur.", problem="Taux manquant."
        )
    amount = round_franc(rate.amount)
    return LineResult(
        night,
        label,
        amount,
        f"Forfait nuitée : {format_xpf(amount)}",
        rates=(rate,),
        facts={"regle": rate.kind, "taux": str(rate.amount)},
    )


def compute_travel(context: TravelContext, legs, meals, nights, book: RateBook):
    mission, intervenant = context.mission, context.intervenant
    result = PartResult(PartNature.TRAVEL)
    rule = travel_eligibility(mission, intervenant, context.neighbour_ids)
    result.notes.append(rule.reason)
    if not rule.eligible:
        decision = {"commune_de_residence": {"indemnisable": False, "motif": rule.reason}}
        for line in [*legs, *meals, *nights]:
            result.lines.append(
                LineResult(line, str(line._meta.verbose_name), 0, rule.reason, facts=decision)
            )
        return result

    prior_km = Decimal(context.prior_car_km)
    for leg in sorted(legs, key=lambda leg: (leg.date, leg.departure_time or mission.start_time)):
        if leg.mode == TravelMode.CAR:
            result.lines.append(_car_leg(leg, context, book, prior_km))
            prior_km += leg.km or 0
        elif leg.mode in KM_RATE_KINDS:
            result.lines.append(_flat_km_leg(leg, book))
        else:
            result.lines.append(_fare_leg(leg))

    bases = {intervenant.home_commune_id, intervenant.work_commune_id} - {None}
    intervals = absence_intervals(mission, legs, bases)
    result.lines.extend(_meal(meal, intervals, book) for meal in meals)
    result.lines.extend(_night(night, intervals, book) for night in nights)
    # The home-commune decision is a fact of every travel line.
    decision = {"commune_de_residence": {"indemnisable": True, "motif": rule.reason}}
    result.lines = [
        dataclasses.replace(line, facts={**line.facts, **decision}) for line in result.lines
    ]
    return result


# Loading and storing


def neighbour_map():
    """{commune id: frozenset of neighbour ids} (48 communes), kept between requests."""
    return reference_data.cached("neighbours", _neighbours_from_database)


def _neighbours_from_database():
    mapping = {}
    through = Commune.neighbours.through.objects.values_list("from_commune_id", "to_commune_id")
    for source, target in through:
        mapping.setdefault(source, set()).add(target)
    return {commune: frozenset(ids) for commune, ids in mapping.items()}


def prior_car_km(part):
    """Car km the intervenant already drove on duty this calendar year, before this part."""
    mission = part.etat.mission
    legs = (
        TravelLeg.objects.filter(
            part__etat__mission__intervenant_id=mission.intervenant_id,
            part__etat__mission__start_date__year=mission.start_date.year,
            mode=TravelMode.CAR,
            date__lt=mission.start_date,
        )
        .exclude(part=part)
        .exclude(part__status__in=NOT_COUNTED_STATUSES)
    )
    return legs.aggregate(total=Sum("km"))["total"] or Decimal(0)


def compute_part(part, book=None, neighbours=None):
    """The live computation of a stored part, with its lines loaded in a few queries (none
    when they were prefetched)."""
    book = book or RateBook.load()
    mission = part.etat.mission
    if part.nature == PartNature.REMUNERATION:
        return compute_remuneration(mission, list(part.worklines.all()), book)
    intervenant = mission.intervenant
    dossier = getattr(intervenant, "dossier", None)
    legs = part.travellegs.all()
    if "travellegs" not in getattr(part, "_prefetched_objects_cache", {}):
        legs = legs.select_related("from_commune", "to_commune")
    legs = list(legs)
    has_car = any(leg.mode == TravelMode.CAR for leg in legs)
    context = TravelContext(
        mission=mission,
        intervenant=intervenant,
        horsepower=dossier.vehicle_horsepower if dossier else None,
        neighbour_ids=neighbours if neighbours is not None else neighbour_map(),
        prior_car_km=prior_car_km(part) if has_car else Decimal(0),
    )
    return compute_travel(
        context, legs, list(part.meallines.all()), list(part.nightlines.all()), book
    )


LINE_MODELS = (WorkLine, TravelLeg, MealLine, NightLine)


def is_repriceable(part):
    """Only an editable part is priced again; from validation on its amounts are records."""
    return part.status in EDITABLE_STATUSES


@transaction.atomic
def recompute_part(part, book=None, *, correction=False):
    """Compute a part and store each line's amount, explanation and facts, and the part's
    total, while the part is editable. Otherwise the stored amounts stand and the stored
    result is returned, unless `correction` (an explicit, recorded action such as the
    attestation of a corrected quantity) asks for a new computation."""
    if not (correction or is_repriceable(part)):
        return stored_result(part)
    result = compute_part(part, book)
    for model in LINE_MODELS:
        changed = []
        for outcome in result.lines:
            if isinstance(outcome.line, model):
                outcome.line.amount = outcome.amount
                outcome.line.explanation = outcome.explanation[:300]
                outcome.line.facts = outcome.facts
                changed.append(outcome.line)
        if changed:
            model.objects.bulk_update(changed, ["amount", "explanation", "facts"])
    FeePart.objects.filter(pk=part.pk).update(amount=result.total)
    part.amount = result.total
    portal_versions.bump_owner_of(part)  # update() and bulk_update() send no signal
    return result


def line_label(line, mission):
    """The label of a stored line, as the computation names it."""
    if isinstance(line, WorkLine):
        return f"{mission.activity.name} — {line.date:%d/%m/%Y}"
    if isinstance(line, TravelLeg):
        prefix = (
            "Trajet" if line.mode in (TravelMode.CAR, *KM_RATE_KINDS) else line.get_mode_display()
        )
        return f"{prefix} {line.from_commune} → {line.to_commune}, {line.date:%d/%m/%Y}"
    if isinstance(line, MealLine):
        return f"{line.get_kind_display()}, {line.date:%d/%m/%Y}"
    return f"Nuitée du {line.date:%d/%m/%Y}"


def stored_result(part):
    """The part as it was validated: each line's stored amount, explanation and facts."""
    mission = part.etat.mission
    if part.nature == PartNature.REMUNERATION:
        lines = list(part.worklines.all())
    else:
        legs = part.travellegs.all()
        if "travellegs" not in getattr(part, "_prefetched_objects_cache", {}):
            legs = legs.select_related("from_commune", "to_commune")
        lines = [*legs, *part.meallines.all(), *part.nightlines.all()]
    result = PartResult(part.nature)
    for line in lines:
        result.lines.append(
            LineResult(
                line, line_label(line, mission), line.amount, line.explanation, facts=line.facts
            )
        )
    decision = next((line.facts.get("commune_de_residence") for line in lines), None)
    if decision:
        result.notes.append(decision["motif"])
    return result


def part_result(part, book=None, neighbours=None):
    """What a page shows of a part: the live computation while it is editable (or not yet
    entered), the stored record from validation on."""
    if is_repriceable(part) or part.status == PartStatus.OPEN:
        return compute_part(part, book, neighbours)
    return stored_result(part)


def current_drift(part, book=None, neighbours=None):
    """The amount a computation today would give, when it differs from the stored (validated)
    amount of a non-editable part; None otherwise. For the DEC's control, never stored."""
    if is_repriceable(part):
        return None
    total = compute_part(part, book, neighbours).total
    return total if total != part.amount else None
