"""Hostile and random input over every field of the fee simulator: never a 500, either a
result or a French error summary, and an invalid form never reaches the engine."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missions.models import Activity, Centre, Commune, Exam, RateGroup
from missions.services.simulation import reference, simulate
from regulations.simulator import FIELDSETS, FeeSimulatorForm
from tests.factories import CentreFactory, commune
from tests.regulations.factories import simulator_page

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ENGLISH = ("Enter", "This field", "Select a valid", "Ensure", "Invalid", "Null characters")
FIELDS = [name for _, names in FIELDSETS for name in names]

junk = st.one_of(
    st.just(""),
    st.text(max_size=30),
    st.sampled_from(["NaN", "Infinity", "-1", "1e999", "0x10", "99999999999999999999", "0,5"]),
    st.sampled_from(["2026-02-30", "0001-01-01", "9999-12-31", "25:00", "12:60", "\x00"]),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)
days = st.dates(min_value=datetime.date(2014, 12, 1), max_value=datetime.date(2029, 1, 1))
times = st.times().map(lambda t: t.strftime("%H:%M"))
small = st.integers(min_value=-2, max_value=30).map(str)


def mostly(valid, other):
    return st.one_of(valid, valid, valid, other)


def plausible(ids, first_day):
    """Values of the right shape for each field, mostly valid, sometimes out of bounds."""
    near = st.integers(-4, 20).map(lambda n: str(first_day + datetime.timedelta(days=n)))
    count = mostly(st.sampled_from(["", "0", "1", "2"]), small)
    return {
        "examen": st.sampled_from(ids["exams"]),
        "corps": mostly(st.just(""), st.sampled_from(ids["groups"])),
        "activite": st.sampled_from(ids["activities"]),
        "date": st.just(str(first_day)),
        "dernier_jour": mostly(st.just(""), near),
        "debut": mostly(st.sampled_from(["06:00", "07:30", "08:00"]), times),
        "fin": mostly(st.sampled_from(["12:30", "16:00", "20:00"]), times),
        "quantite": mostly(st.decimals(0, 20, places=1).map(str), st.decimals(-5, 20000).map(str)),
        "heures": mostly(st.just(""), small),
        "minutes": mostly(st.just(""), st.integers(-5, 90).map(str)),
        "commune": st.sampled_from(ids["communes"]),
        "commune_travail": mostly(st.just(""), st.sampled_from(ids["communes"])),
        "centre": st.sampled_from(ids["centres"]),
        "transport": st.sampled_from(
            ["", "voiture", "moto", "cyclomoteur", "avion", "bateau", "bus", "taxi", "fusée"]
        ),
        "cv": mostly(st.integers(1, 12).map(str), st.integers(-1, 80).map(str)),
        "km": mostly(st.decimals(1, 100, places=1).map(str), st.decimals(-10, 600).map(str)),
        "km_annee": mostly(st.just(""), st.decimals(0, 200000, places=1).map(str)),
        "billet_aller": mostly(st.integers(0, 40000).map(str), st.integers(-10, 400000).map(str)),
        "billet_retour": mostly(st.just(""), st.integers(-10, 400000).map(str)),
        "requisition": mostly(st.just(""), st.text(max_size=45)),
        "depart_date": mostly(st.just(""), near),
        "depart_heure": mostly(st.just(""), times),
        "retour_date": mostly(st.just(""), near),
        "retour_heure": mostly(st.just(""), times),
        "dejeuners": count,
        "dejeuners_admin": count,
        "diners": count,
        "nuitees": count,
    }


@pytest.fixture
def ids(db):
    CentreFactory(commune=commune("Papeete"))
    CentreFactory(commune=commune("Uturoa"))
    as_text = lambda model: [str(pk) for pk in model.objects.values_list("pk", flat=True)]  # noqa: E731
    return {
        "exams": as_text(Exam),
        "groups": as_text(RateGroup),
        "activities": as_text(Activity),
        "communes": as_text(Commune),
        "centres": as_text(Centre),
    }


@st.composite
def queries(draw, ids):
    """Every field plausible, then some fields replaced by junk or left out."""
    strategies = plausible(ids, draw(days))
    query = {name: draw(strategies[name]) for name in FIELDS}
    for name in draw(st.sets(st.sampled_from(FIELDS), max_size=3)):
        query[name] = draw(junk)
    for name in draw(st.sets(st.sampled_from(FIELDS), max_size=2)):
        query.pop(name, None)
    return query


def test_form__any_input_is_either_a_simulation_or_french_errors(ids):
    outcomes = {"valid": 0, "invalid": 0}

    @FUZZ
    @given(query=queries(ids))
    def check(query):
        form = FeeSimulatorForm(query, reference=reference())
        outcomes["valid" if form.is_valid() else "invalid"] += 1
        if form.is_valid():
            simulation = simulate(form.facts())
            assert simulation.total >= 0
            assert all(line.amount >= 0 for part in simulation.parts for line in part.lines)
        else:
            messages = [message for errors in form.errors.values() for message in errors]
            assert messages
            for message in messages:
                assert not message.startswith(ENGLISH), message

    check()
    assert outcomes["valid"] and outcomes["invalid"], outcomes  # both paths were exercised


def test_page__any_query_string_answers_200_or_400_never_500(client, ids, settings):
    settings.FEE_SIMULATOR_RATE_LIMIT = 10**6
    page = simulator_page()
    seen = set()

    @settings_for_pages
    @given(query=queries(ids))
    def check(query):
        query.setdefault("examen", "")  # a submitted simulation
        response = client.get(page.url, query)
        assert response.status_code in (200, 400)
        seen.add(response.status_code)
        html = response.content.decode()
        if response.status_code == 400 and any("\x00" in str(v) for v in query.values()):
            # Refused before the view (imagin_site.middleware.request_guard), in French too.
            assert "caractère interdit" in html
        elif response.status_code == 400:
            assert "La simulation n'a pas pu être faite" in html
            assert "Corrigez les champs suivants" in html
        else:
            assert "Résultat de la simulation" in html

    check()
    assert seen == {200, 400}


settings_for_pages = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
