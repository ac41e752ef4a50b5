"""The public rate tables, read at render time from the rows the fee computation uses.

The page cache keys pages by the local date and drops them when a rate changes
(regulations/apps.py): an edit of a rate in the admin shows at the next request.
"""

import re
from collections import OrderedDict

from django.apps import apps
from django.utils import timezone

from missions.enums import DistanceBand, HorsepowerBand, TravelRateKind
from missions.money import format_eur, format_xpf, xpf_to_eur

REMUNERATION = "remuneration"
TRAVEL = "deplacement"

# Flat travel allowances, shown in this order; kilometre rates for cars get their own grid.
FLAT_TRAVEL_KINDS = [
    TravelRateKind.MEAL,
    TravelRateKind.ADMIN_MEAL,
    TravelRateKind.NIGHT,
    TravelRateKind.MOTORCYCLE_KM,
    TravelRateKind.MOPED_KM,
]
PER_KM_KINDS = frozenset(
    {TravelRateKind.CAR_KM, TravelRateKind.MOTORCYCLE_KM, TravelRateKind.MOPED_KM}
)


def _money(amount, amount_eur=None):
    """XPF with two decimals, and its euro equivalent (the regulatory euro amount if known)."""
    eur = amount_eur if amount_eur is not None else xpf_to_eur(amount)
    return {"xpf": format_xpf(amount, decimals=True), "eur": format_eur(eur)}


def _validity(rate):
    # Public pages show each rate with its legal source; "à confirmer" is a note for the
    # DEC's editors, kept in the admin only.
    return {"valid_from": rate.valid_from, "valid_to": rate.valid_to, "source": rate.source}


def _rate_row(rate):
    return {
        "group": rate.rate_group.name if rate.rate_group else "Tous examens",
        "label": rate.label,
        **_money(rate.amount, rate.amount_eur),
        **_validity(rate),
    }


def remuneration_table(on=None, show_previous=False):
    """One section per activity: its rates in force (and optionally the former ones)."""
    Rate = apps.get_model("missions", "Rate")
    on = on or timezone.localdate()
    rates = Rate.objects.select_related("activity", "rate_group").order_by(
        "activity__order", "activity__name", "rate_group__name", "amount", "-valid_from"
    )
    sections = OrderedDict()
    for rate in rates.in_force(on):
        section = sections.setdefault(
            rate.activity_id,
            {"activity": rate.activity.name, "unit": rate.activity.get_unit_display()},
        )
        section.setdefault("rows", []).append(_rate_row(rate))
    previous = []
    if show_previous:
        previous = [
            {
                "activity": rate.activity.name,
                "unit": rate.activity.get_unit_display(),
                **_rate_row(rate),
            }
            for rate in rates.previous(on)
        ]
    return {"sections": list(sections.values()), "previous": previous}


def _no_break(text):
    """'2 000 km' must not wrap between its digits or before its unit."""
    return re.sub(r"(\d) (?=\d{3}|km)", "\\1\u00a0", text)


def _travel_label(rate):
    label = rate.get_kind_display()
    if rate.kind in PER_KM_KINDS:
        label = f"{label} (par km)"
    return label


def travel_table(on=None, show_previous=False):
    """Flat allowances (meals, nights, two-wheelers) and the car kilometre grid."""
    TravelRate = apps.get_model("missions", "TravelRate")
    on = on or timezone.localdate()
    rates = TravelRate.objects.order_by("kind", "horsepower_band", "distance_band", "-valid_from")
    flat, car = {}, {}
    for rate in rates.in_force(on):
        if rate.kind == TravelRateKind.CAR_KM:
            car[(rate.horsepower_band, rate.distance_band)] = rate
        else:
            flat.setdefault(rate.kind, rate)
    flat_rows = [
        {"label": _travel_label(flat[kind]), **_money(flat[kind].amount), **_validity(flat[kind])}
        for kind in FLAT_TRAVEL_KINDS
        if kind in flat
    ]
    car_grid = []
    if car:
        car_grid = [
            {
                "band": band.label,
                "cells": [
                    _money(car[(band, distance)].amount) if (band, distance) in car else None
                    for distance in DistanceBand
                ],
            }
            for band in HorsepowerBand
        ]
    car_since = max((r.valid_from for r in car.values() if r.valid_from), default=None)
    previous = []
    if show_previous:
        previous = [
            {
                "label": _travel_label(rate),
                "detail": " — ".join(
                    part
                    for part in (
                        rate.get_horsepower_band_display(),
                        rate.get_distance_band_display(),
                    )
                    if part
                ),
                **_money(rate.amount),
                **_validity(rate),
            }
            for rate in rates.previous(on)
        ]
    return {
        "flat": flat_rows,
        "car_grid": car_grid,
        "distance_bands": [_no_break(band.label) for band in DistanceBand],
        "car_since": car_since,
        "car_sources": sorted({r.source for r in car.values() if r.source}),
        "previous": previous,
    }
