"""Durations typed by oral examiners: hours and minutes, to the minute (issue 14)."""

from decimal import Decimal

import pytest

from missions.durations import format_duration, minutes_of, parse_duration


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("12 h 15", "12.25"),
        ("12h15", "12.25"),
        ("12H15", "12.25"),
        ("12:15", "12.25"),
        ("12 h 15 min", "12.25"),
        ("12 h", "12"),
        ("12,25", "12.25"),
        ("12.25", "12.25"),
        ("12,25 h", "12.25"),
        ("6,5", "6.5"),
        ("45 min", "0.75"),
        ("12 h 10", "12.17"),
        ("0", "0"),
    ],
)
def test_parse_duration__hours_and_minutes_or_decimal_hours(typed, hours):
    assert parse_duration(typed) == Decimal(hours)


@pytest.mark.parametrize("typed", ["", "douze heures", "12 h 75", "-2", "12,5,5", "1e3"])
def test_parse_duration__refuses_with_a_french_message(typed):
    with pytest.raises(ValueError, match=r"[Dd]urée|minutes"):
        parse_duration(typed)


def test_every_minute_of_a_day_survives_the_two_decimal_storage():
    for minutes in range(24 * 60 + 1):
        stored = parse_duration(f"{minutes // 60} h {minutes % 60}")
        assert stored == stored.quantize(Decimal("0.01"))
        assert minutes_of(stored) == minutes, minutes


def test_format_duration():
    assert format_duration(Decimal("12.25")) == "12\u00a0h\u00a015"
    assert format_duration(Decimal("3")) == "3\u00a0h"


def test_quantity_filter__hours_to_the_minute_and_french_plurals():
    from missions.enums import Unit
    from missions.templatetags.missions_tags import quantity

    assert quantity(Decimal("6.50"), Unit.HOUR) == "6\u00a0h\u00a030"
    assert quantity(Decimal("8"), Unit.HOUR) == "8\u00a0h"
    assert quantity(Decimal("60"), Unit.COPY) == "60\u00a0copies"
    assert quantity(Decimal("1"), Unit.COPY) == "1\u00a0copie"
    assert quantity(Decimal("1.5"), Unit.HALF_DAY) == "1,5\u00a0demi-journée"
    assert quantity(Decimal("2"), Unit.HALF_DAY) == "2\u00a0demi-journées"
    assert quantity(None, Unit.COPY) == ""
