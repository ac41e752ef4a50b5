"""Portal pages run a bounded number of queries whatever the number of missions."""

import pytest
from django.urls import reverse

from missions.enums import PartNature
from missions.models import MealLine, WorkLine
from tests.factories import CentreFactory, SessionFactory
from tests.missions.portal.conftest import issued_mission

pytestmark = pytest.mark.django_db


def missions_for(person, count):
    session, centre = SessionFactory(), CentreFactory()
    return [
        issued_mission(person, session=session, centre=centre, epreuve=f"Épreuve {index}")
        for index in range(count)
    ]


@pytest.mark.parametrize("count", [1, 200])
def test_mission_list__bounded_queries(client, alice, count, django_assert_max_num_queries):
    missions_for(alice, count)
    client.force_login(alice.user)
    with django_assert_max_num_queries(20):  # first page: menu, contact, rates still to load
        client.get(reverse("portal:missions"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("portal:missions"))
    assert response.status_code == 200
    assert response.content.decode().count('class="imagin-row"') == count


@pytest.mark.parametrize("lines", [1, 40])
def test_mission_page__bounded_queries(client, alice, today, lines,
                                       django_assert_max_num_queries):  # fmt: skip
    mission = missions_for(alice, 1)[0]
    parts = {p.nature: p for p in mission.etat.parts.all()}
    for index in range(lines):
        WorkLine.objects.create(part=parts[PartNature.REMUNERATION], date=mission.start_date,
                                quantity=index)  # fmt: skip
    MealLine.objects.create(part=parts[PartNature.TRAVEL], date=mission.start_date)
    client.force_login(alice.user)
    with django_assert_max_num_queries(30):  # first page: menu, contact, rates still to load
        client.get(reverse("portal:mission", args=[mission.pk]))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("portal:mission", args=[mission.pk]))
    assert response.status_code == 200
