import datetime

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from home.demo.site import seed_accounts
from missions.demo import seed as demo
from missions.enums import PartStatus
from missions.models import Activity, Centre, FeePart, Intervenant, Mission, PaymentBatch, Session
from missions.services.convocation_runs import mission_problems
from missions.services.entry import is_editable
from missions.services.fees import compute_part
from missions.services.rulebook import RateBook
from tests.factories import MissionFactory

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
    person = Intervenant.objects.get(user__username="PF000001")
    statuses = {part.status for m in person.missions.all() for part in m.etat.parts.all()}
    assert {PartStatus.PAID, PartStatus.TO_ENTER, PartStatus.TO_CORRECT} <= statuses
    chef_centres = Centre.objects.filter(chefs__username="chef.centre")
    assert chef_centres.count() == 1


# The demo tells the truth on any day (issue 14).

DAYS = [datetime.date(2026, 1, 15), datetime.date(2026, 7, 3), datetime.date(2026, 9, 1), TODAY]


def seed_on(day):
    seed_accounts("demo-password-for-tests")
    demo.seed_missions(today=day, intervenants=12, missions=60)


def demo_parts(status):
    return FeePart.objects.filter(
        etat__mission__intervenant__identifier="PF000001", status=status
    ).select_related("etat__mission__session")


def test_demo_intervenant__logs_in_with_the_identifier_of_the_readme(client):
    seed_on(TODAY)
    response = client.post(
        reverse("portal:login"), {"username": "PF000001", "password": "demo-password-for-tests"}
    )
    assert "<h1>Mes missions</h1>" in response.content.decode()  # the list answers the login
    assert client.get(reverse("portal:missions")).status_code == 200


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_demo__the_advertised_cases_work_on_any_day(day):
    seed_on(day)
    sent_back = demo_parts(PartStatus.TO_CORRECT)
    assert sent_back, "no sent-back mission"
    for part in sent_back:
        assert is_editable(part, today=day), "the sent-back mission can no longer be corrected"
    to_enter = demo_parts(PartStatus.TO_ENTER)
    assert to_enter and all(is_editable(part, today=day) for part in to_enter)
    paid = demo_parts(PartStatus.PAID).get(nature="remuneration")
    assert paid.paid_on < day and paid.etat.mission.end_date < paid.paid_on


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_demo__timestamps_are_in_order_and_in_the_past(day):
    seed_on(day)
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    for batch in PaymentBatch.objects.all():
        assert batch.created_at <= batch.exported_at <= now, batch
        if batch.paid_on:
            assert batch.exported_at.date() <= batch.paid_on <= day
    for part in FeePart.objects.select_related("etat__mission__session", "batch"):
        moments = [change.at for change in part.history.order_by("id")]
        assert moments == sorted(moments) and moments[-1] <= now, part
        mission = part.etat.mission
        assert mission.created_at <= mission.issued_at <= moments[0] + datetime.timedelta(1)
        validated = part.history.filter(to_status=PartStatus.VALIDATED_BY_INTERVENANT).first()
        if validated:
            assert timezone.localdate(validated.at) <= mission.session.entry_deadline
        if part.batch:
            paid = part.history.filter(to_status=PartStatus.PAID).first()
            assert paid is None or timezone.localdate(paid.at) == part.batch.paid_on


def test_demo__a_new_mission_can_be_convoked_at_every_centre_for_every_intervenant():
    """Nothing in the demo data itself blocks the convocation of a new mission."""
    seed_on(TODAY)
    assert not Centre.objects.filter(chefs=None).exists()
    assert not Intervenant.objects.filter(Q(address="") | Q(email="")).exists()
    session = Session.objects.filter(name__contains="BTS").get()
    book = RateBook.load()
    for centre in Centre.objects.all():
        mission = MissionFactory.build(
            intervenant=Intervenant.objects.order_by("?").first(),
            session=session,
            centre=centre,
            activity=Activity.objects.get(code="correction"),
            start_date=TODAY + datetime.timedelta(days=3),
            end_date=TODAY + datetime.timedelta(days=3),
        )
        assert mission_problems(mission, book, {}) == [], centre


def test_demo__reseeding_an_older_demo_links_pf000001_to_its_printed_account(client):
    """An older demo logged PF000001 in as 'intervenant'; a new seed_demo prints PF000001."""
    from django.contrib.auth import get_user_model

    seed_on(TODAY)
    person = Intervenant.objects.get(identifier="PF000001")
    old = get_user_model().objects.create_user("intervenant", password="ancien")
    person.user = old
    person.save(update_fields=["user"])
    Centre.objects.first().chefs.clear()

    seed_accounts("nouveau-mot-de-passe-demo")
    assert demo.seed_missions(today=TODAY) == "données de démonstration déjà présentes"
    person.refresh_from_db()
    assert person.user.username == "PF000001"
    assert not Centre.objects.filter(chefs=None).exists()
    response = client.post(
        reverse("portal:login"), {"username": "PF000001", "password": "nouveau-mot-de-passe-demo"}
    )
    assert "<h1>Mes missions</h1>" in response.content.decode()


def test_seed__parts_copy_their_mission_s_session_and_centre(seeded):
    from tests.missions.test_part_copies import assert_copies_follow_missions

    assert FeePart.objects.exists()
    assert_copies_follow_missions()
