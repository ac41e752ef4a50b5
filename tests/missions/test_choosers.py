"""Choosers search by name, identifier, email, commune and island (issue 14)."""

import pytest
from django.urls import reverse

from missions.models import Centre, Intervenant, Mission, Session
from tests.factories import (
    CentreFactory,
    IntervenantFactory,
    MissionFactory,
    UserFactory,
    chef_de_centre,
    commune,
    gestionnaire,
)

pytestmark = pytest.mark.django_db


def results(client, model, query):
    client.force_login(gestionnaire(username="dec"))
    name = model.snippet_viewset.chooser_viewset.get_url_name("choose_results")
    response = client.get(reverse(name), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["TEHEIURA", "teheiura", "PF123456", "vaite@example", "Taputapuatea", "Raiatea", "Vaite teh"],
)
def test_intervenant_chooser__searches_name_identifier_email_commune_island(client, query):
    IntervenantFactory(
        last_name="TEHEIURA", first_name="Vaite", identifier="PF123456",
        email="vaite@example.pf", home_commune=commune("Taputapuatea"),
    )  # fmt: skip
    IntervenantFactory(last_name="AUTRE", first_name="Marc", identifier="PF654321")
    html = results(client, Intervenant, query)
    assert "TEHEIURA" in html
    assert "AUTRE" not in html


def test_intervenant_chooser__offers_a_search_field(client):
    client.force_login(gestionnaire())
    url = reverse(Intervenant.snippet_viewset.chooser_viewset.get_url_name("choose"))
    html = client.get(url).json()["html"]
    assert 'name="q"' in html and "Nom, identifiant, courriel, commune, île" in html


@pytest.mark.parametrize("query", ["Uturoa", "uturoa", "9840099", "Raiatea"])
def test_centre_chooser__searches_name_uai_commune_island_archipelago(client, query):
    CentreFactory(name="Lycée d'Uturoa", uai="9840099Z", commune=commune("Uturoa"))
    CentreFactory(name="Lycée de Papeete", uai="9840098Y", commune=commune("Papeete"))
    html = results(client, Centre, query)
    assert "Uturoa" in html and "Papeete" not in html


def test_mission_and_session_choosers_search(client):
    mission = MissionFactory(epreuve="Philosophie", convocation_number="2026-004242")
    MissionFactory(epreuve="Mathématiques")
    assert "Philosophie" in results(client, Mission, "004242")
    assert "Mathématiques" not in results(client, Mission, mission.intervenant.identifier)
    assert mission.session.name in results(client, Session, mission.session.name.split()[-1])


def test_centre_chefs__only_chefs_de_centre_are_offered(client):
    chef_de_centre(username="chef.offert")
    UserFactory(username="intervenant.pas.offert")
    centre = CentreFactory()
    client.force_login(gestionnaire(username="dec"))
    url = reverse("wagtailsnippets_missions_centre:edit", args=[centre.pk])
    html = client.get(url).content.decode()
    assert "chef.offert" in html
    assert "intervenant.pas.offert" not in html
