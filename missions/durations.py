"""Durations in hours and minutes (oral examiners, help with running exams).

Nothing in the regulations rounds hours to the half hour: a duration is kept to the minute.
It is stored as hours with two decimals (12 h 15 -> 12.25; 12 h 10 -> 12.17), which is always
within 0.3 minute of the exact value, so the number of whole minutes is recovered exactly
from the stored value and amounts are computed from the minutes (12 h 10 is paid 730/60 of
the hourly rate, not 12.17 hours).
"""

import re
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")
# 12 h 15, 12h15, 12 h, 12H15, 12:15, 12 h 15 min
HOURS_MINUTES = re.compile(r"^(\d{1,3})\s*(?:h|:)\s*(?:(\d{1,2})\s*(?:min|mn)?)?$", re.IGNORECASE)
MINUTES_ONLY = re.compile(r"^(\d{1,4})\s*(?:min|mn)$", re.IGNORECASE)
# 12,25 or 12.25 or 12,25 h (decimal hours)
DECIMAL_HOURS = re.compile(r"^(-?\d{1,3}(?:[.,]\d+)?)\s*(?:h|heures?)?$", re.IGNORECASE)


def hours_from_minutes(minutes):
    """The stored form of a number of minutes: hours to the hundredth."""
    return (Decimal(minutes) / 60).quantize(HUNDREDTH, ROUND_HALF_UP)


def minutes_of(hours):
    """The whole number of minutes a stored duration stands for."""
    return int((Decimal(hours) * 60).quantize(Decimal(1), ROUND_HALF_UP))


def parse_duration(text):
    """Hours (Decimal, two decimals) from what a person types: "12 h 15", "12:15", "45 min",
    "12,25" or "12.25" (decimal hours). Raises ValueError with a French message."""
    text = " ".join(str(text).split())
    if not text:
        raise ValueError("Indiquez la durée réalisée.")
    match = HOURS_MINUTES.match(text)
    if match:
        hours, minutes = int(match[1]), int(match[2] or 0)
        if minutes >= 60:
            raise ValueError("Les minutes vont de 0 à 59 (ex. 12 h 15).")
        return hours_from_minutes(hours * 60 + minutes)
    match = MINUTES_ONLY.match(text)
    if match:
        return hours_from_minutes(int(match[1]))
    match = DECIMAL_HOURS.match(text)
    if not match:
        raise ValueError(
            "Saisissez une durée en heures et minutes (ex. 12 h 15) ou en heures (ex. 12,25)."
        )
    hours = Decimal(match[1].replace(",", "."))
    if hours < 0:
        raise ValueError("La durée ne peut pas être négative.")
    # Decimal hours are taken to the minute, as the hours and minutes above.
    return hours_from_minutes((hours * 60).quantize(Decimal(1), ROUND_HALF_UP))


def format_duration(hours):
    """ "12 h 15", "6 h 30", "3 h" for a stored duration."""
    minutes = minutes_of(hours)
    whole, rest = divmod(minutes, 60)
    return f"{whole}\u00a0h\u00a0{rest:02d}" if rest else f"{whole}\u00a0h"
