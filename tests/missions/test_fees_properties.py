"""Property-based tests (hypothesis) of the fee computation: amounts are non-negative whole
francs, grow with the quantity, and a part's total is the sum of its lines; split_km keeps
every kilometre.

The database is used once per test (factories, the rate book, the neighbour map); each
example then runs the PURE functions on unsaved line objects."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from missions.enums import MealKind, TravelMode
from missions.models import MealLine, NightLine, TravelLeg, WorkLine
from missions.services.fees import (
    TravelContext,
    compute_remuneration,
    compute_travel,
    neighbour_map,
    split_km,
)
from missions.services.rulebook import RateBook
from tests.factories import CentreFactory, IntervenantFactory, MissionFactory, commune

pytestmark = pytest.mark.django_db

PROPERTIES = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
START = datetime.date(2026, 6, 16)
END = datetime.date(2026, 6, 19)

quantities = st.decimals(min_value=0, max_value=1000, places=1, allow_nan=False)
days = st.integers(min_value=0, max_value=(END - START).days).map(
    lambda n: START + datetime.timedelta(days=n)
)
kms = st.decimals(min_value=Decimal("0.1"), max_value=400, places=1, allow_nan=False)


@pytest.fixture
def remuneration_setup():
    mission = MissionFactory(start_date=START, end_date=END)
    # The related objects once, so that no example queries the database.
    mission.activity, mission.session.exam.rate_group  # noqa: B018
    return mission, RateBook.load()


@pytest.fixture
def travel_setup():
    intervenant = IntervenantFactory(home_commune=commune("Taiarapu-Est"))
    mission = MissionFactory(
        intervenant=intervenant, centre=CentreFactory(commune=commune("Papeete")),
        start_date=START, end_date=END,
    )  # fmt: skip
    communes = {"home": commune("Taiarapu-Est"), "centre": commune("Papeete")}
    return mission, intervenant, communes, neighbour_map(), RateBook.load()


def work_lines(pairs):
    return [WorkLine(date=day, quantity=quantity) for day, quantity in pairs]


def assert_whole_francs(result):
    for line in result.lines:
        assert isinstance(line.amount, int) and not isinstance(line.amount, bool)
        assert line.amount >= 0, line
    assert result.total == sum(line.amount for line in result.lines)
    assert isinstance(result.total, int)


# Remuneration


@PROPERTIES
@given(st.lists(st.tuples(days, quantities), max_size=12))
def test_remuneration__whole_non_negative_francs_and_total_is_the_sum(remuneration_setup, pairs):
    mission, book = remuneration_setup
    result = compute_remuneration(mission, work_lines(pairs), book)
    assert len(result.lines) == len(pairs)
    assert_whole_francs(result)
    assert not result.problems  # a rate is in force on every day of the session


@PROPERTIES
@given(days, quantities, quantities)
def test_remuneration__monotonic_in_quantity(remuneration_setup, day, first, second):
    mission, book = remuneration_setup
    low, high = sorted((first, second))
    amount_low = compute_remuneration(mission, work_lines([(day, low)]), book).total
    amount_high = compute_remuneration(mission, work_lines([(day, high)]), book).total
    assert amount_low <= amount_high
    if low == 0:
        assert amount_low == 0


@PROPERTIES
@given(st.lists(st.tuples(days, quantities), min_size=1, max_size=8), st.data())
def test_remuneration__adding_a_line_never_lowers_the_total(remuneration_setup, pairs, data):
    mission, book = remuneration_setup
    extra = data.draw(st.tuples(days, quantities))
    before = compute_remuneration(mission, work_lines(pairs), book).total
    after = compute_remuneration(mission, work_lines([*pairs, extra]), book).total
    assert after >= before


@PROPERTIES
@given(days, quantities, quantities)
def test_remuneration__the_attested_quantity_is_the_one_paid(remuneration_setup, day,
                                                             declared, attested):  # fmt: skip
    mission, book = remuneration_setup
    line = WorkLine(date=day, quantity=declared, attested_quantity=attested)
    paid = compute_remuneration(mission, [line], book).total
    assert paid == compute_remuneration(mission, work_lines([(day, attested)]), book).total


# Travel


def car_leg(communes, day, km, outbound=True):
    origin, target = (communes["home"], communes["centre"])[:: 1 if outbound else -1]
    return TravelLeg(
        date=day, mode=TravelMode.CAR, km=km, from_commune=origin, to_commune=target,
        departure_time=datetime.time(5, 30) if outbound else datetime.time(13, 0),
        arrival_time=datetime.time(7, 0) if outbound else datetime.time(14, 30),
    )  # fmt: skip


def context(setup, horsepower=5, prior=Decimal(0)):
    mission, intervenant, _, neighbours, _ = setup
    return TravelContext(mission, intervenant, horsepower, neighbours, prior)


trips = st.lists(st.tuples(days, kms, st.booleans()), max_size=8)
meals = st.lists(
    st.tuples(days, st.sampled_from(list(MealKind)), st.booleans()), max_size=6,
    unique_by=lambda meal: (meal[0], meal[1]),
)  # fmt: skip
nights = st.lists(st.tuples(days, st.booleans()), max_size=4, unique_by=lambda n: n[0])


@PROPERTIES
@given(trips, meals, nights, st.integers(1, 12),
       st.decimals(min_value=0, max_value=20000, places=1))  # fmt: skip
def test_travel__whole_non_negative_francs_and_total_is_the_sum(travel_setup, legs, meal_rows,
                                                                night_rows, horsepower,
                                                                prior):  # fmt: skip
    communes, book = travel_setup[2], travel_setup[4]
    result = compute_travel(
        context(travel_setup, horsepower, prior),
        [car_leg(communes, day, km, outbound) for day, km, outbound in legs],
        [MealLine(date=day, kind=kind, provided_free=free) for day, kind, free in meal_rows],
        [NightLine(date=day, provided_free=free) for day, free in night_rows],
        book,
    )
    assert len(result.lines) == len(legs) + len(meal_rows) + len(night_rows)
    assert_whole_francs(result)


@PROPERTIES
@given(days, kms, kms, st.decimals(min_value=0, max_value=20000, places=1))
def test_travel__a_car_leg_is_monotonic_in_km(travel_setup, day, first, second, prior):
    communes, book = travel_setup[2], travel_setup[4]
    low, high = sorted((first, second))

    def amount(km):
        leg = car_leg(communes, day, km)
        return compute_travel(context(travel_setup, prior=prior), [leg], [], [], book).total

    assert 0 < amount(low) <= amount(high)


@PROPERTIES
@given(days, st.integers(min_value=1, max_value=300_000), st.integers(1, 300_000))
def test_travel__a_fare_is_repaid_as_is(travel_setup, day, first, second):
    communes, book = travel_setup[2], travel_setup[4]

    def amount(fare):
        leg = TravelLeg(date=day, mode=TravelMode.PLANE, fare=fare,
                        from_commune=communes["home"], to_commune=communes["centre"],
                        departure_time=datetime.time(6), arrival_time=datetime.time(7))  # fmt: skip
        return compute_travel(context(travel_setup), [leg], [], [], book).total

    assert amount(first) == first
    assert (amount(first) <= amount(second)) == (first <= second)


def test_travel__the_setup_is_eligible(travel_setup):
    """The properties above are not vacuous: this trip is paid."""
    communes, book = travel_setup[2], travel_setup[4]
    leg = car_leg(communes, START, Decimal(60))
    assert compute_travel(context(travel_setup), [leg], [], [], book).total > 0


# split_km

band_limits = st.lists(st.integers(1, 30_000), min_size=0, max_size=4, unique=True).map(
    lambda limits: (
        [(f"band{i}", limit) for i, limit in enumerate(sorted(limits))] + [("last", None)]
    )
)


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=0, max_value=50_000, places=1),
       st.decimals(min_value=0, max_value=2_000, places=1), band_limits)  # fmt: skip
def test_split_km__conserves_the_km_in_band_order(prior, km, limits):
    pieces = split_km(prior, km, limits)
    assert sum((piece for _, piece in pieces), Decimal(0)) == km
    assert all(piece > 0 for _, piece in pieces)
    order = [band for band, _ in limits]
    assert [order.index(band) for band, _ in pieces] == sorted(order.index(b) for b, _ in pieces)
    position = prior
    bounds = dict(limits)
    for band, piece in pieces[:-1]:  # every band but the last one used is filled up
        position += piece
        assert position == bounds[band]


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=0, max_value=50_000, places=1),
       st.decimals(min_value=0, max_value=2_000, places=1), band_limits)  # fmt: skip
def test_split_km__each_km_falls_in_the_band_of_its_position(prior, km, limits):
    """A km driven when the year's count is at d is paid in the first band whose limit
    exceeds d."""
    assume(km > 0)
    pieces = split_km(prior, km, limits)
    first_band = next(band for band, limit in limits if limit is None or prior < limit)
    assert pieces[0][0] == first_band
