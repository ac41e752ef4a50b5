import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from missions.enums import IntervenantCategory, PartNature, PartStatus
from missions.models import FeePart, Intervenant, Mission
from missions.services.convocations import issue_mission, issue_missions, open_due_parts
from missions.services.intervenants import create_intervenant_from_request, ensure_portal_account
from tests.factories import IntervenantFactory, MissionFactory, commune

pytestmark = pytest.mark.django_db


def test_issue_mission__creates_both_parts_and_history():
    mission = MissionFactory(intervenant=IntervenantFactory(home_commune=commune("Uturoa")))
    etat = issue_mission(mission, today=datetime.date(2026, 6, 1))
    parts = {p.nature: p for p in etat.parts.all()}
    assert parts[PartNature.REMUNERATION].status == PartStatus.OPEN
    assert parts[PartNature.TRAVEL].status == PartStatus.OPEN
    mission.refresh_from_db()
    assert mission.is_issued and mission.convocation_number.startswith("2026-")
    assert all(p.history.count() == 1 for p in parts.values())


def test_issue_mission__travel_part_starts_sans_frais_under_the_home_commune_rule():
    mission = MissionFactory(intervenant=IntervenantFactory(home_commune=commune("Faa'a")))
    etat = issue_mission(mission, today=datetime.date(2026, 6, 1))
    travel = etat.parts.get(nature=PartNature.TRAVEL)
    assert travel.status == PartStatus.NO_FEES
    assert "limitrophe" in travel.history.get().reason


def test_issue_mission__twice_creates_nothing_more():
    mission = MissionFactory()
    issue_mission(mission)
    issue_mission(mission)
    assert FeePart.objects.filter(etat__mission=mission).count() == 2


def test_issue_missions__a_batch_costs_the_same_queries_as_two_missions():
    def issue(count):
        missions = [MissionFactory(epreuve=f"Épreuve {n}") for n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            issued = issue_missions(missions, today=datetime.date(2026, 6, 1))
        return missions, issued, len(queries)

    issue(1)  # loads the rates this process then keeps (missions.reference_data)
    _, _, for_two = issue(2)
    missions, issued, for_eight = issue(8)
    assert for_eight == for_two
    assert [m.pk for m in issued] == [m.pk for m in missions]  # the order given
    for mission in issued:
        assert mission.convocation_number == f"2026-{mission.pk:07d}"
        assert mission.etat.parts.count() == 2
        assert Mission.history.filter(id=mission.pk, history_type="~").count() == 1
    assert issue_missions(missions) == issued  # idempotent: already issued, unchanged
    assert FeePart.objects.filter(etat__mission__in=missions).count() == 16


def test_open_due_parts__opens_entry_once_the_mission_started():
    mission = MissionFactory(start_date=datetime.date(2026, 6, 16))
    issue_mission(mission, today=datetime.date(2026, 6, 1))
    assert open_due_parts(today=datetime.date(2026, 6, 15)) == 0
    assert open_due_parts(today=datetime.date(2026, 6, 16)) == 2
    assert set(FeePart.objects.values_list("status", flat=True)) == {PartStatus.TO_ENTER}


def test_ensure_portal_account__username_is_the_identifier_and_no_usable_password():
    person = IntervenantFactory(user=None)
    user = ensure_portal_account(person)
    assert user.username == person.identifier
    assert not user.has_usable_password()
    assert ensure_portal_account(person) == user


class Request:
    civility = "Mme"
    last_name = "Tetuanui"
    usage_name = ""
    first_name = "Heiata"
    birth_date = datetime.date(1979, 4, 2)
    email = "heiata@example.pf"
    phone = "87 00 00 00"
    address = "BP 12"
    postal_code = "98735"
    employer = "Cabinet comptable"
    grade = "Expert-comptable"
    discipline = "Gestion"
    category = IntervenantCategory.PRIVATE_OR_RETIRED

    @property
    def home_commune(self):
        return commune("Uturoa")


def test_create_intervenant_from_request__external_with_account_and_dossier():
    person = create_intervenant_from_request(Request())
    assert isinstance(person, Intervenant)
    assert person.is_external
    assert person.home_island.name == "Raiatea"
    assert person.user.username == person.identifier
    assert person.dossier.missing_items()
