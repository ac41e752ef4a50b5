"""The public fee simulator (regulations/simulator.py, missions/services/simulation.py).

For each worked example of DOMAIN.md §4, the same facts are entered as an état de frais
through the portal and typed into the simulator: the two computations must agree line by
line (label, rule and rate, amount) and in total.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from missions.enums import PartNature
from missions.models import (
    Activity,
    Exam,
    FeePart,
    MealLine,
    NightLine,
    RateGroup,
    TravelLeg,
    WorkLine,
)
from missions.services.fees import compute_part
from missions.services.simulation import reference, simulate
from regulations.simulator import FeeSimulatorForm
from tests.factories import CentreFactory, IntervenantFactory, SessionFactory, commune
from tests.missions.portal.conftest import issued_mission
from tests.regulations.factories import (
    regulation_index,
    regulation_page,
    simulator_block,
    simulator_page,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def today(monkeypatch):
    """The portal's 'today': inside the session's entry window."""
    day = D(2026, 7, 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
    return day


@pytest.fixture
def page(db):
    return simulator_page()


def facts_of(mission, **fields):
    """The simulator's query for this mission (exam, activity, days, hours, communes)."""
    query = {
        "examen": mission.session.exam_id,
        "activite": mission.activity_id,
        "date": mission.start_date.isoformat(),
        "dernier_jour": mission.end_date.isoformat(),
        "debut": mission.start_time.strftime("%H:%M"),
        "fin": mission.end_time.strftime("%H:%M"),
        "commune": mission.intervenant.home_commune_id,
        "centre": mission.centre_id,
    }
    query.update({key: str(value) for key, value in fields.items()})
    return query


def simulated(query):
    form = FeeSimulatorForm(query, reference=reference())
    assert form.is_valid(), form.errors
    return simulate(form.facts())


def enter(client, mission, kind, data):
    """One line of the état de frais, entered through the portal's form."""
    url = reverse("portal:add_line", args=[mission.pk, kind])
    response = client.post(url, {f"{kind}-{key}": value for key, value in data.items()})
    assert response.status_code == 200, response.content.decode()[:2000]


def stored(mission):
    parts = FeePart.objects.filter(etat__mission=mission)
    by_nature = {part.nature: compute_part(part) for part in parts}
    return by_nature[PartNature.REMUNERATION], by_nature[PartNature.TRAVEL]


def rows(result):
    return [(line.label, line.explanation, line.amount, line.problem) for line in result.lines]


def assert_same_computation(simulation, mission):
    remuneration, travel = stored(mission)
    assert rows(simulation.remuneration) == rows(remuneration)
    assert rows(simulation.travel) == rows(travel)
    assert simulation.travel.notes == travel.notes
    assert simulation.total == remuneration.total + travel.total
    return remuneration, travel


def test_worked_example__bac_corrector_37_copies__same_as_the_portal(client, today):
    mission = issued_mission()
    client.force_login(mission.intervenant.user)
    enter(client, mission, "travail", {"date": "2026-06-16", "quantity": "37"})

    simulation = simulated(facts_of(mission, quantite=37))

    remuneration, _ = assert_same_computation(simulation, mission)
    assert remuneration.lines and simulation.total == remuneration.total


def test_worked_example__oral_examiner_6_h_30__same_as_the_portal(client, today):
    mission = issued_mission(activity=Activity.objects.get(code="oral"))
    client.force_login(mission.intervenant.user)
    enter(client, mission, "travail", {"date": "2026-06-16", "quantity": "6.5"})

    simulation = simulated(facts_of(mission, heures=6, minutes=30))

    assert_same_computation(simulation, mission)
    assert "6\xa0h\xa030 ×" in simulation.remuneration.lines[0].explanation


def raiatea_teacher_in_papeete(client, mission):
    """Flights by réquisition, one night, two lunches of which one at the canteen."""
    client.force_login(mission.intervenant.user)
    home, centre = mission.intervenant.home_commune_id, mission.centre.commune_id
    leg = {"mode": "avion", "requisition_number": "R-2026-0042"}
    enter(client, mission, "trajet", {
        **leg, "date": "2026-06-16", "departure_time": "06:00", "arrival_time": "06:45",
        "from_commune": home, "to_commune": centre,
    })  # fmt: skip
    enter(client, mission, "trajet", {
        **leg, "date": "2026-06-17", "departure_time": "17:00", "arrival_time": "17:45",
        "from_commune": centre, "to_commune": home,
    })  # fmt: skip
    enter(client, mission, "nuitee", {"date": "2026-06-16"})
    enter(client, mission, "repas", {"date": "2026-06-16", "kind": "dejeuner"})
    enter(client, mission, "repas", {"date": "2026-06-17", "kind": "dejeuner_administratif"})
    return facts_of(
        mission, transport="avion", requisition="R-2026-0042", depart_heure="06:00",
        retour_heure="17:45", dejeuners=1, dejeuners_admin=1, nuitees=1,
    )  # fmt: skip


def test_worked_example__raiatea_teacher_two_days_in_papeete__same_as_the_portal(client, today):
    mission = issued_mission(
        start_date=D(2026, 6, 16), end_date=D(2026, 6, 17),
        start_time=datetime.time(8, 0), end_time=datetime.time(16, 0),
    )  # fmt: skip
    query = raiatea_teacher_in_papeete(client, mission)

    simulation = simulated(query)

    _, travel = assert_same_computation(simulation, mission)
    assert simulation.travel.total == travel.total and travel.total > 0
    assert any("Déplacement entre îles" in rule for rule in simulation.rules)
    assert any("Nuitée — nouveau taux" in rule for rule in simulation.rules)


def test_meals_and_night_before_22_september_2023__old_rates_as_in_the_portal(client, today):
    session = SessionFactory(
        year=2023, start_date=D(2023, 9, 18), end_date=D(2023, 9, 29),
        entry_deadline=D(2026, 7, 31),
    )  # fmt: skip
    mission = issued_mission(
        session=session, start_date=D(2023, 9, 21), end_date=D(2023, 9, 22),
        start_time=datetime.time(8, 0), end_time=datetime.time(16, 0),
    )  # fmt: skip
    client.force_login(mission.intervenant.user)
    for day in ("2023-09-21", "2023-09-22"):
        enter(client, mission, "repas", {"date": day, "kind": "dejeuner"})
    enter(client, mission, "nuitee", {"date": "2023-09-21"})

    simulation = simulated(facts_of(mission, dejeuners=2, nuitees=1))

    assert_same_computation(simulation, mission)
    assert any("Repas — ancien taux" in rule for rule in simulation.rules)
    assert any("Repas — nouveau taux" in rule for rule in simulation.rules)


def test_car_on_tahiti__same_as_the_portal(client, today):
    intervenant = IntervenantFactory(home_commune=commune("Taiarapu-Est"))
    mission = issued_mission(intervenant, start_time=datetime.time(7, 0))
    client.force_login(intervenant.user)
    home, centre = intervenant.home_commune_id, mission.centre.commune_id
    car = {"mode": "voiture", "km": "58.5", "date": "2026-06-16"}
    enter(client, mission, "trajet", {
        **car, "departure_time": "06:00", "arrival_time": "06:50",
        "from_commune": home, "to_commune": centre,
    })  # fmt: skip
    enter(client, mission, "trajet", {
        **car, "departure_time": "12:30", "arrival_time": "12:30",
        "from_commune": centre, "to_commune": home,
    })  # fmt: skip

    horsepower = intervenant.dossier.vehicle_horsepower
    simulation = simulated(
        facts_of(mission, transport="voiture", cv=horsepower, km="58.5", depart_heure="06:00")
    )

    assert_same_computation(simulation, mission)
    assert simulation.travel.total > 0


@pytest.mark.parametrize(
    ("home", "rule"),
    [
        ("Papeete", "Le centre est dans votre commune de résidence"),
        ("Faa'a", "commune limitrophe de votre commune de résidence"),
        ("Uturoa", "Déplacement entre îles"),
        ("Taiarapu-Est", "hors de votre commune et des communes limitrophes"),
    ],
)
def test_home_commune_rule__stated_in_the_result(page, home, rule):
    centre = CentreFactory(commune=commune("Papeete"))
    query = {
        "examen": Exam.objects.get(code="bac-general").pk,
        "activite": Activity.objects.get(code="correction").pk,
        "date": "2026-06-16", "debut": "07:30", "fin": "16:00", "quantite": "10",
        "commune": commune(home).pk, "centre": centre.pk,
        "transport": "voiture", "cv": "5", "km": "20", "dejeuners": "1",
    }  # fmt: skip
    simulation = simulated(query)
    assert rule in simulation.rules[0]
    if "pas de frais" in simulation.rules[0]:
        assert simulation.travel.total == 0
    else:
        assert simulation.travel.total > 0


def test_simulation__reads_nothing_from_the_database_once_reference_data_is_loaded(
    page, django_assert_num_queries
):
    mission_like = {
        "examen": Exam.objects.get(code="bac-general").pk,
        "activite": Activity.objects.get(code="correction").pk,
        "date": "2026-06-16", "dernier_jour": "2026-06-17", "debut": "08:00", "fin": "16:00",
        "quantite": "37", "commune": commune("Uturoa").pk,
        "centre": CentreFactory(commune=commune("Papeete")).pk,
        "transport": "avion", "billet_aller": "18000", "billet_retour": "18000",
        "dejeuners": "2", "diners": "1", "nuitees": "1",
    }  # fmt: skip
    simulated(mission_like)  # loads the memoised reference data
    writes_before = (WorkLine.objects.count(), TravelLeg.objects.count())
    with django_assert_num_queries(0):
        simulation = simulated(mission_like)
    assert simulation.total > 0
    assert (WorkLine.objects.count(), TravelLeg.objects.count()) == writes_before
    assert not MealLine.objects.exists() and not NightLine.objects.exists()


def query_for_page():
    return {
        "examen": Exam.objects.get(code="bac-general").pk,
        "activite": Activity.objects.get(code="correction").pk,
        "date": "2026-06-16", "debut": "07:30", "fin": "12:30", "quantite": "37",
        "commune": commune("Uturoa").pk,
        "centre": CentreFactory(commune=commune("Papeete")).pk,
    }  # fmt: skip


def test_page__get_form_shows_the_itemised_result_and_the_euro_equivalent(
    client, page, django_assert_max_num_queries
):
    query = query_for_page()
    client.get(page.url, query)  # warm the reference data
    with django_assert_max_num_queries(12):
        response = client.get(page.url, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'method="get"' in html
    assert "37 copies × 596,66\u00a0XPF (taux 5, Baccalauréats) = 22\u202f076\u00a0XPF" in html
    assert "185,00\u00a0€" in html  # 22,076 XPF × 8.38 / 1,000
    assert "Règles appliquées" in html


def test_page__bad_values_give_a_french_error_summary_and_400(client, page):
    query = {**query_for_page(), "quantite": "-3", "date": "2026-02-30", "centre": "999999"}
    response = client.get(page.url, query)
    html = response.content.decode()
    assert response.status_code == 400
    assert "La simulation n'a pas pu être faite" in html
    assert 'href="#id_date"' in html and 'href="#id_quantite"' in html
    assert "Saisissez une date valide." in html
    assert "Résultat de la simulation" not in html


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"quantite": "5000"}, "quantite", "au plus pour 1 jour"),
        ({"dernier_jour": "2026-06-01"}, "dernier_jour", "Le dernier jour précède le premier."),
        ({"dernier_jour": "2026-07-30"}, "dernier_jour", "au plus 15 jours"),
        ({"fin": "07:00"}, "fin", "L'heure de fin doit suivre l'heure de début."),
        ({"transport": "voiture"}, "km", "Indiquez la distance d'un trajet aller."),
        ({"transport": "voiture", "km": "900"}, "km", "inférieure ou égale à 400"),
        ({"transport": "avion"}, "billet_aller", "le numéro de réquisition"),
        ({"transport": "avion", "requisition": "<script>"}, "requisition", "lettres, chiffres"),
        ({"dejeuners": "2"}, "dejeuners", "Au plus 1 déjeuner en 1 jours."),
        ({"nuitees": "1"}, "nuitees", "Au plus 0 nuitée entre le départ et le retour."),
        ({"heures": "3"}, "heures", "ne se paie pas à l'heure"),
        ({"date": "1999-01-01"}, "date", "Indiquez une date entre le 01/01/2015"),
        ({"corps": "bac"}, "corps", "Sélectionnez un choix valide."),
    ],
)
def test_form__each_bad_value_has_its_french_message(page, fields, field, message):
    form = FeeSimulatorForm({**query_for_page(), **fields}, reference=reference())
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_form__corps_only_for_a_competition(page):
    group = RateGroup.objects.get(code="concours-b")
    form = FeeSimulatorForm({**query_for_page(), "corps": group.pk}, reference=reference())
    assert form.errors["corps"] == ["Le corps ne s'indique que pour un concours."]
    competition = Exam.objects.get(code="concours")
    query = {**query_for_page(), "examen": competition.pk, "corps": group.pk}
    simulation = simulated(query)
    assert "Concours — examinateur de catégorie B" in simulation.remuneration.lines[0].explanation


def test_rate_limit__per_client_with_429_and_a_french_message(client, page, settings):
    settings.FEE_SIMULATOR_RATE_LIMIT = 2
    query = query_for_page()
    for _ in range(2):
        assert client.get(page.url, query).status_code == 200
    assert client.get(page.url).status_code == 200  # the empty form does not count
    refused = client.get(page.url, query)
    assert refused.status_code == 429
    assert "Trop de simulations ont été demandées" in refused.content.decode()
    other = client.get(page.url, query, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_page_cache__a_query_string_is_never_served_the_cached_empty_form(client, page):
    blank = client.get(page.url)
    assert client.get(page.url).content == blank.content  # the blank form may be cached
    query = query_for_page()
    first = client.get(page.url, query).content.decode()
    second = client.get(page.url, {**query, "quantite": "10"}).content.decode()
    assert "22\u202f076\u00a0XPF" in first
    assert "5\u202f967\u00a0XPF" in second and "22\u202f076\u00a0XPF" not in second


def test_block__form_and_result_inside_a_regulation_page(client):
    index = regulation_index()
    simulator_page(parent=index)
    regulation = regulation_page(parent=index, body=[simulator_block()])
    blank = client.get(regulation.url).content.decode()
    assert 'id="simuler-mes-indemnites"' in blank and 'method="get"' in blank
    assert f'action="{regulation.url}#simuler-mes-indemnites"' in blank
    html = client.get(regulation.url, query_for_page()).content.decode()
    assert "Résultat de la simulation : 22\u202f076\u00a0XPF" in html


def test_block__link_to_the_simulator_page(client):
    index = regulation_index()
    target = simulator_page(parent=index)
    regulation = regulation_page(parent=index, body=[simulator_block(display="lien")])
    html = client.get(regulation.url).content.decode()
    assert f'href="{target.url}"' in html and "Simuler mes indemnités" in html
    assert "<form" not in html.split('id="simuler-mes-indemnites"')[1].split("</main>")[0]


def test_demo__simulator_page_linked_from_home_and_both_regulation_pages(client, public_site):
    home = client.get("/").content.decode()
    assert 'href="/reglementation/simulateur/"' in home
    for slug in ("frais-de-remuneration", "frais-de-deplacement"):
        html = client.get(f"/reglementation/{slug}/").content.decode()
        assert 'href="/reglementation/simulateur/"' in html, slug
    assert client.get("/reglementation/simulateur/").status_code == 200


def test_quantity_in_hours_and_minutes(page):
    query = {
        **query_for_page(), "activite": Activity.objects.get(code="oral").pk,
        "quantite": "", "heures": "2", "minutes": "15",
    }  # fmt: skip
    simulation = simulated(query)
    assert simulation.facts.quantity == Decimal("2.25")
    assert "2\xa0h\xa015 ×" in simulation.remuneration.lines[0].explanation
