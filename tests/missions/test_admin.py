"""The back-office snippets: menus, listings, inspect views and the chef de centre's scope."""

import pytest
from django.urls import reverse

from missions.enums import PartStatus
from tests.factories import (
    CentreFactory,
    MissionFactory,
    WorkLineFactory,
    chef_de_centre,
    gestionnaire,
    parts_for,
)

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"wagtailsnippets_missions_{model}:{view}", args=args)


def assert_denied(response):
    """Wagtail answers a refused admin view with a redirect to the dashboard."""
    assert (response.status_code, response.get("Location")) in {(403, None), (302, "/admin/")}


@pytest.fixture
def two_centres():
    mine, other = CentreFactory(name="Lycée Paul-Gauguin"), CentreFactory(name="Lycée d'Uturoa")
    return mine, other


def test_gestionnaire__lists_every_snippet(client):
    client.force_login(gestionnaire())
    for model in ["mission", "feepart", "intervenant", "centre", "rate", "travelrate", "commune",
                  "session", "dossierfinancier", "paymentbatch", "statuschange"]:  # fmt: skip
        response = client.get(url(model, "list"))
        assert response.status_code == 200, model


def test_chef_de_centre__sees_only_the_missions_of_their_centre(client, two_centres):
    mine, other = two_centres
    own = MissionFactory(centre=mine, epreuve="Mathématiques")
    foreign = MissionFactory(centre=other, epreuve="Histoire-géographie")
    client.force_login(chef_de_centre(mine))

    listing = client.get(url("mission", "list")).content.decode()
    assert "Mathématiques" in listing
    assert "Histoire-géographie" not in listing

    assert client.get(url("mission", "inspect", own.pk)).status_code == 200
    assert client.get(url("mission", "inspect", foreign.pk)).status_code == 404
    assert client.get(url("mission", "history", foreign.pk)).status_code == 404


def test_chef_de_centre__cannot_edit_or_create_missions(client, two_centres):
    mine, _ = two_centres
    own = MissionFactory(centre=mine)
    client.force_login(chef_de_centre(mine))
    assert_denied(client.get(url("mission", "edit", own.pk)))
    assert_denied(client.get(url("mission", "add")))
    assert_denied(client.get(url("rate", "list")))


def test_chef_de_centre__sees_only_the_fee_parts_of_their_centre(client, two_centres):
    mine, other = two_centres
    own_part, _ = parts_for(MissionFactory(centre=mine))
    foreign_part, _ = parts_for(MissionFactory(centre=other))
    client.force_login(chef_de_centre(mine))
    assert client.get(url("feepart", "inspect", own_part.pk)).status_code == 200
    assert client.get(url("feepart", "inspect", foreign_part.pk)).status_code == 404


def test_mission_inspect__shows_the_itemised_computation_and_history(client):
    mission = MissionFactory()
    part, _ = parts_for(mission, status=PartStatus.TO_ENTER)
    WorkLineFactory(part=part, date=mission.start_date, quantity=37)
    client.force_login(gestionnaire())
    html = client.get(url("mission", "inspect", mission.pk)).content.decode()
    assert "37 copies × 596,66" in html
    assert "22\u202f076\u00a0XPF" in html


def test_gestionnaire__cannot_edit_fee_parts_by_hand(client):
    part, _ = parts_for(MissionFactory())
    client.force_login(gestionnaire())
    assert_denied(client.get(url("feepart", "edit", part.pk)))


def test_mission_listing__bounded_queries(client, django_assert_max_num_queries):
    centre = CentreFactory()
    for index in range(30):
        MissionFactory(centre=centre, epreuve=f"Épreuve {index}")
    client.force_login(gestionnaire())
    with django_assert_max_num_queries(30):
        assert client.get(url("mission", "list")).status_code == 200
