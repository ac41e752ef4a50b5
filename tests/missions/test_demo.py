import datetime

import pytest

from home.demo import seed_accounts
from missions import demo
from missions.enums import PartStatus
from missions.models import Centre, FeePart, Intervenant, Mission
from missions.services.fees import compute_part

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 26)


@pytest.fixture
def seeded():
    seed_accounts("demo-password-for-tests")
    return demo.seed_missions(today=TODAY, intervenants=40, missions=200)


def test_seed__spans_the_five_archipelagos_and_many_statuses(seeded):
    archipelagos = set(Centre.objects.values_list("island__archipelago__name", flat=True))
    assert archipelagos == {"Société", "Tuamotu", "Gambier", "Marquises", "Australes"}
    statuses = set(FeePart.objects.values_list("status", flat=True))
    assert {PartStatus.PAID, PartStatus.TO_ENTER, PartStatus.SERVICE_FAIT,
            PartStatus.NO_FEES} <= statuses  # fmt: skip


def test_seed__stored_amounts_match_a_fresh_computation(seeded):
    for part in FeePart.objects.exclude(amount=0).select_related(
        "etat__mission__intervenant__dossier", "etat__mission__centre"
    )[:40]:
        assert compute_part(part).total == part.amount, part


def test_seed__is_idempotent(seeded):
    missions = Mission.objects.count()
    assert demo.seed_missions(today=TODAY) == "données de démonstration déjà présentes"
    assert Mission.objects.count() == missions


def test_seed__demo_accounts_have_their_file(seeded):
    person = Intervenant.objects.get(user__username="intervenant")
    statuses = {part.status for m in person.missions.all() for part in m.etat.parts.all()}
    assert {PartStatus.PAID, PartStatus.TO_ENTER, PartStatus.TO_CORRECT} <= statuses
    chef_centres = Centre.objects.filter(chefs__username="chef.centre")
    assert chef_centres.count() == 1
