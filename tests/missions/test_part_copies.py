"""Each part keeps a copy of its mission's session and centre, which the DEC control queue
counts on (issue 15). Every way a part is made, and every way a mission or a part moves,
leaves the copies equal to the mission's; the queue's two querysets (listed through the
missions, counted on the copies) then hold the same parts."""

import datetime
import itertools

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.backoffice.views.control import QueueFilters
from missions.enums import EDITABLE_STATUSES, PartNature, PartStatus
from missions.models import Archipelago, EtatDeFrais, FeePart, Mission
from missions.services.convocations import issue_missions
from tests.factories import (
    CentreFactory,
    MissionFactory,
    SessionFactory,
    commune,
    gestionnaire,
    parts_for,
)

pytestmark = pytest.mark.django_db


def stale_copies():
    """The parts whose copies differ from their mission's session or centre."""
    return FeePart.objects.filter(
        ~Q(session_id=F("etat__mission__session_id")) | ~Q(centre_id=F("etat__mission__centre_id"))
    )


def assert_copies_follow_missions():
    stale = list(stale_copies().values_list("pk", "session_id", "etat__mission__session_id"))
    assert not stale, f"copies de session ou de centre périmées : {stale}"


def test_made_one_by_one__the_part_copies_its_mission():
    mission = MissionFactory()
    remuneration, travel = parts_for(mission)
    for part in (remuneration, travel):
        part.refresh_from_db()
        assert (part.session_id, part.centre_id) == (mission.session_id, mission.centre_id)


def test_made_by_a_convocation_run__the_parts_copy_their_missions():
    missions = [MissionFactory(), MissionFactory(centre=CentreFactory(commune=commune("Uturoa")))]
    issue_missions(missions, today=datetime.date(2026, 6, 1))
    assert FeePart.objects.count() == 4
    assert_copies_follow_missions()


def test_made_in_bulk_without_the_copies__refused_by_the_database():
    """A bulk writer that forgets copy_mission_keys fails at once, it cannot store a part
    the control queue would miscount."""
    etat = EtatDeFrais.objects.create(mission=MissionFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        FeePart.objects.bulk_create([FeePart(etat=etat, nature=PartNature.REMUNERATION)])


def test_mission_moved__its_parts_follow_in_the_same_save():
    mission = MissionFactory()
    parts_for(mission)
    other_session, other_centre = SessionFactory(), CentreFactory(commune=commune("Nuku-Hiva"))
    mission = Mission.objects.get(pk=mission.pk)
    mission.session, mission.centre = other_session, other_centre
    mission.save()
    parts = FeePart.objects.filter(etat__mission=mission)
    assert {(p.session_id, p.centre_id) for p in parts} == {(other_session.pk, other_centre.pk)}
    assert_copies_follow_missions()


@pytest.mark.parametrize("update_fields", [["session"], ["centre_id"], None])
def test_mission_moved_with_update_fields__its_parts_follow(update_fields):
    mission = MissionFactory()
    parts_for(mission)
    mission.session, mission.centre = SessionFactory(), CentreFactory()
    mission.save(update_fields=update_fields)
    mission.refresh_from_db()
    assert_copies_follow_missions()


def test_mission_saved_without_moving__no_part_is_written():
    mission = MissionFactory()
    parts_for(mission)
    mission = Mission.objects.get(pk=mission.pk)
    mission.epreuve = "Philosophie (2e sujet)"
    with CaptureQueriesContext(connection) as captured:
        mission.save()
    written = [q["sql"] for q in captured if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert written and not [sql for sql in written if "missions_feepart" in sql]


def test_mission_moved_in_the_admin__its_parts_follow(client):
    mission = MissionFactory()
    parts_for(mission)
    other = SessionFactory(name="Session de remplacement")
    client.force_login(gestionnaire())
    url = reverse("wagtailsnippets_missions_mission:edit", args=[mission.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: value for key, value in data.items() if value is not None}
    data["session"] = other.pk
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert set(FeePart.objects.values_list("session_id", flat=True)) == {other.pk}
    assert_copies_follow_missions()


@pytest.mark.parametrize("update_fields", [None, ["etat"]])
def test_part_moved_to_another_etat__takes_that_mission_s_copies(update_fields):
    part, _ = parts_for(MissionFactory())
    elsewhere = MissionFactory(centre=CentreFactory(commune=commune("Uturoa")))
    etat = EtatDeFrais.objects.create(mission=elsewhere)
    part = FeePart.objects.get(pk=part.pk)
    part.etat = etat
    part.save(update_fields=update_fields)
    part.refresh_from_db()
    assert (part.session_id, part.centre_id) == (elsewhere.session_id, elsewhere.centre_id)


def test_part_saved_in_place__does_not_read_its_mission_again():
    part, _ = parts_for(MissionFactory())
    part = FeePart.objects.get(pk=part.pk)
    part.amount = 1200
    with CaptureQueriesContext(connection) as captured:
        part.save()
    # (The portal's version bump reads the mission's intervenant, not its session or centre.)
    assert not [q for q in captured if '"missions_mission"."centre_id"' in q["sql"]]


# The queue's two querysets


TODAY = datetime.date(2026, 9, 5)


@pytest.fixture
def queue_world():
    """Parts of every status in two sessions (one past its deadline on TODAY) and three
    centres in two archipelagos, a reopened file among the late ones."""
    past = SessionFactory(name="Passée", entry_deadline=datetime.date(2026, 7, 31))
    open_ = SessionFactory(name="Ouverte", entry_deadline=datetime.date(2026, 12, 31))
    centres = [
        CentreFactory(commune=commune("Papeete")),
        CentreFactory(commune=commune("Uturoa")),
        CentreFactory(commune=commune("Nuku-Hiva")),
    ]
    statuses = [PartStatus.TO_ENTER, PartStatus.TO_CORRECT, PartStatus.SERVICE_FAIT]
    made = {}
    for session, centre, status in itertools.product([past, open_], centres, statuses):
        mission = MissionFactory(session=session, centre=centre)
        made[session.name, centre.pk, status] = parts_for(mission, status=status)
    reopened = made["Passée", centres[0].pk, PartStatus.TO_ENTER][0].etat
    reopened.deadline_override = datetime.date(2026, 9, 30)
    reopened.save()
    return {"past": past, "open": open_, "centres": centres, "reopened": reopened}


def _choices(world):
    archipelagos = Archipelago.objects.filter(
        islands__communes__centres__in=world["centres"]
    ).distinct()
    return {
        "session": ["", str(world["past"].pk), str(world["open"].pk), "abc"],
        "centre": ["", *(str(c.pk) for c in world["centres"][:2])],
        "archipel": ["", *(str(a.pk) for a in archipelagos)],
        "nature": ["", PartNature.REMUNERATION, PartNature.TRAVEL],
    }


def test_queue__listed_and_counted_hold_the_same_parts_for_every_filter(queue_world):
    choices = _choices(queue_world)
    assert len(choices["archipel"]) == 3  # Société and Marquises
    for values in itertools.product(*choices.values()):
        params = dict(zip(choices, values, strict=True))
        for late_on in (None, TODAY):
            statuses = EDITABLE_STATUSES if late_on else [PartStatus.SERVICE_FAIT]
            queue = QueueFilters(params, statuses, late_on=late_on)
            listed = set(queue.listed.values_list("pk", flat=True))
            assert listed == set(queue.counted.values_list("pk", flat=True)), (params, late_on)


def test_queue__late_files_are_the_editable_parts_past_the_deadline_but_reopened_ones(
    queue_world,
):
    queue = QueueFilters({}, EDITABLE_STATUSES, late_on=TODAY)
    late = FeePart.objects.filter(pk__in=queue.counted.values("pk"))
    # Past session: 3 centres × 2 editable statuses × 2 parts, less the reopened file's 2.
    assert late.count() == 10
    assert set(late.values_list("session_id", flat=True)) == {queue_world["past"].pk}
    assert not late.filter(etat=queue_world["reopened"]).exists()
    # Once the reopened file's new deadline has passed, it is late again.
    later = QueueFilters({}, EDITABLE_STATUSES, late_on=datetime.date(2026, 10, 1))
    assert later.counted.count() == 12
    assert later.counted.filter(etat=queue_world["reopened"]).count() == 2
