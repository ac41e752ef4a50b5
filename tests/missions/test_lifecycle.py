import datetime
import threading

import pytest
from django.db import connection

from missions.enums import Actor, PartStatus
from missions.models import FeePart, StatusChange
from missions.services.lifecycle import RULES, TransitionError, allowed_actions, transition
from tests.factories import (
    CentreFactory,
    MissionFactory,
    chef_de_centre,
    gestionnaire,
    parts_for,
)

S = PartStatus
BEFORE_DEADLINE = datetime.date(2026, 7, 1)
AFTER_DEADLINE = datetime.date(2026, 9, 1)


@pytest.fixture
def mission(db):
    return MissionFactory()


def part_in(mission, status):
    remuneration, _ = parts_for(mission, status=status)
    return remuneration


def actor_user(actor, mission):
    if actor == Actor.INTERVENANT:
        return mission.intervenant.user
    if actor == Actor.CHEF_DE_CENTRE:
        return chef_de_centre(mission.centre)
    if actor == Actor.GESTIONNAIRE:
        return gestionnaire()
    return None


ALLOWED = [
    ("open_entry", Actor.SYSTEM, S.OPEN, S.TO_ENTER),
    ("open_entry", Actor.GESTIONNAIRE, S.OPEN, S.TO_ENTER),
    ("submit", Actor.INTERVENANT, S.TO_ENTER, S.VALIDATED_BY_INTERVENANT),
    ("submit", Actor.INTERVENANT, S.TO_CORRECT, S.VALIDATED_BY_INTERVENANT),
    ("declare_no_fees", Actor.SYSTEM, S.OPEN, S.NO_FEES),
    ("require_fees", Actor.GESTIONNAIRE, S.NO_FEES, S.TO_ENTER),
    ("attest", Actor.CHEF_DE_CENTRE, S.VALIDATED_BY_INTERVENANT, S.SERVICE_FAIT),
    ("attest", Actor.GESTIONNAIRE, S.VALIDATED_BY_INTERVENANT, S.SERVICE_FAIT),
    ("send_back", Actor.CHEF_DE_CENTRE, S.VALIDATED_BY_INTERVENANT, S.TO_CORRECT),
    ("send_back", Actor.GESTIONNAIRE, S.SERVICE_FAIT, S.TO_CORRECT),
    ("send_back", Actor.GESTIONNAIRE, S.CONTROLLED, S.TO_CORRECT),
    ("control", Actor.GESTIONNAIRE, S.SERVICE_FAIT, S.CONTROLLED),
    ("add_to_batch", Actor.GESTIONNAIRE, S.CONTROLLED, S.IN_PAYMENT),
    ("remove_from_batch", Actor.GESTIONNAIRE, S.IN_PAYMENT, S.CONTROLLED),
    ("mark_paid", Actor.GESTIONNAIRE, S.IN_PAYMENT, S.PAID),
    ("reject", Actor.GESTIONNAIRE, S.SERVICE_FAIT, S.REJECTED),
    ("cancel", Actor.GESTIONNAIRE, S.TO_ENTER, S.CANCELLED),
]


@pytest.mark.parametrize(("name", "actor", "source", "target"), ALLOWED)
def test_allowed_transition__moves_and_records_history(mission, name, actor, source, target):
    part = part_in(mission, source)
    user = actor_user(actor, mission)
    transition(part, name, actor=actor, user=user, reason="Motif de test", today=BEFORE_DEADLINE)
    part.refresh_from_db()
    assert part.status == target
    change = StatusChange.objects.get(part=part)
    assert (change.from_status, change.to_status, change.actor_role) == (source, target, actor)
    assert change.actor == user


def test_every_rule_is_covered_by_an_allowed_case():
    covered = {(name, actor) for name, actor, _, _ in ALLOWED}
    covered.add(("restore", Actor.GESTIONNAIRE))  # needs a prior cancel: tested below
    for rule in RULES:
        assert any((rule.name, actor) in covered for actor in rule.actors), rule.name


REFUSED_STATUS = [
    ("submit", Actor.INTERVENANT, S.OPEN),  # mission not held yet
    ("submit", Actor.INTERVENANT, S.VALIDATED_BY_INTERVENANT),  # already validated
    ("attest", Actor.CHEF_DE_CENTRE, S.TO_ENTER),  # nothing validated to attest
    ("control", Actor.GESTIONNAIRE, S.VALIDATED_BY_INTERVENANT),  # no service fait yet
    ("send_back", Actor.CHEF_DE_CENTRE, S.SERVICE_FAIT),  # only the DEC after attestation
    ("mark_paid", Actor.GESTIONNAIRE, S.CONTROLLED),  # not in a batch
    ("reject", Actor.GESTIONNAIRE, S.PAID),  # final
    ("cancel", Actor.GESTIONNAIRE, S.REJECTED),  # final
    ("cancel", Actor.GESTIONNAIRE, S.IN_PAYMENT),  # remove it from the batch first
    ("restore", Actor.GESTIONNAIRE, S.TO_ENTER),  # not cancelled
]


@pytest.mark.parametrize(("name", "actor", "source"), REFUSED_STATUS)
def test_illegal_source_status__refused_and_nothing_changes(mission, name, actor, source):
    part = part_in(mission, source)
    with pytest.raises(TransitionError, match="impossible"):
        transition(part, name, actor=actor, user=actor_user(actor, mission), reason="motif",
                   today=BEFORE_DEADLINE)  # fmt: skip
    part.refresh_from_db()
    assert part.status == source
    assert not StatusChange.objects.exists()


REFUSED_ACTOR = [
    ("attest", Actor.INTERVENANT, S.VALIDATED_BY_INTERVENANT),  # can't attest oneself
    ("control", Actor.CHEF_DE_CENTRE, S.SERVICE_FAIT),
    ("submit", Actor.GESTIONNAIRE, S.TO_ENTER),
    ("add_to_batch", Actor.CHEF_DE_CENTRE, S.CONTROLLED),
]


@pytest.mark.parametrize(("name", "actor", "source"), REFUSED_ACTOR)
def test_wrong_role__refused(mission, name, actor, source):
    part = part_in(mission, source)
    with pytest.raises(TransitionError):
        transition(part, name, actor=actor, user=actor_user(actor, mission), reason="motif")
    part.refresh_from_db()
    assert part.status == source


def test_another_intervenant_cannot_submit(mission):
    other = MissionFactory()
    part = part_in(mission, S.TO_ENTER)
    with pytest.raises(TransitionError, match="pas le droit"):
        transition(part, "submit", actor=Actor.INTERVENANT, user=other.intervenant.user)


def test_chef_of_another_centre_cannot_attest(mission):
    part = part_in(mission, S.VALIDATED_BY_INTERVENANT)
    outsider = chef_de_centre(CentreFactory())
    with pytest.raises(TransitionError, match="pas le droit"):
        transition(part, "attest", actor=Actor.CHEF_DE_CENTRE, user=outsider)
    part.refresh_from_db()
    assert part.status == S.VALIDATED_BY_INTERVENANT


@pytest.mark.parametrize("name", ["send_back", "reject", "cancel"])
def test_reason_is_mandatory(mission, name):
    part = part_in(mission, S.SERVICE_FAIT)
    with pytest.raises(TransitionError, match="motif est obligatoire"):
        transition(part, name, actor=Actor.GESTIONNAIRE, user=gestionnaire(), reason="  ")
    part.refresh_from_db()
    assert part.status == S.SERVICE_FAIT


def test_submit__after_deadline_is_refused(mission):
    part = part_in(mission, S.TO_ENTER)
    with pytest.raises(TransitionError, match=r"date limite de saisie \(31/08/2026\) est dépassée"):
        transition(part, "submit", actor=Actor.INTERVENANT, user=mission.intervenant.user,
                   today=AFTER_DEADLINE)  # fmt: skip
    part.refresh_from_db()
    assert part.status == S.TO_ENTER


def test_submit__after_deadline_allowed_when_the_dec_reopened_the_file(mission):
    part = part_in(mission, S.TO_ENTER)
    part.etat.deadline_override = datetime.date(2026, 9, 15)
    part.etat.save()
    transition(part, "submit", actor=Actor.INTERVENANT, user=mission.intervenant.user,
               today=AFTER_DEADLINE)  # fmt: skip
    assert part.status == S.VALIDATED_BY_INTERVENANT


def test_cancel_then_restore__returns_to_the_previous_status(mission):
    part = part_in(mission, S.SERVICE_FAIT)
    dec = gestionnaire()
    transition(part, "cancel", actor=Actor.GESTIONNAIRE, user=dec, reason="Doublon supposé")
    transition(part, "restore", actor=Actor.GESTIONNAIRE, user=dec, reason="Pas un doublon")
    part.refresh_from_db()
    assert part.status == S.SERVICE_FAIT
    assert list(part.history.values_list("to_status", flat=True)) == [S.CANCELLED, S.SERVICE_FAIT]


def test_allowed_actions__lists_the_buttons_for_a_role(mission):
    part = part_in(mission, S.SERVICE_FAIT)
    names = {rule.name for rule in allowed_actions(part, Actor.GESTIONNAIRE)}
    assert names == {"send_back", "control", "reject", "cancel"}
    assert allowed_actions(part, Actor.INTERVENANT) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_transitions__exactly_one_succeeds():
    mission = MissionFactory()
    part = part_in(mission, S.SERVICE_FAIT)
    users = [gestionnaire(), gestionnaire()]
    barrier = threading.Barrier(2)
    outcomes = []

    def control(user):
        try:
            barrier.wait()
            transition(FeePart.objects.get(pk=part.pk), "control", actor=Actor.GESTIONNAIRE,
                       user=user)  # fmt: skip
            outcomes.append("ok")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=control, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert StatusChange.objects.filter(part=part).count() == 1
