"""Issuing a mission's convocation creates its état de frais. (The batch run with PDFs and
first passwords builds on `issue_missions`.)"""

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from missions.enums import Actor, PartNature, PartStatus
from missions.models import EtatDeFrais, FeePart, Mission, StatusChange
from missions.services import portal_versions
from missions.services.fees import neighbour_map
from missions.services.travel_rules import travel_eligibility


def new_convocation_number(mission):
    return f"{mission.session.year}-{mission.pk:07d}"


@transaction.atomic
def issue_mission(mission, *, user=None, neighbours=None, today=None):
    """Create the état de frais of a mission: a remuneration part, and a travel part that
    starts `sans_frais` when the home-commune rule excludes travel. Idempotent."""
    issued = issue_missions([mission], user=user, neighbours=neighbours, today=today)
    if not issued:
        raise Mission.DoesNotExist(f"Mission {mission.pk} introuvable.")
    return issued[0].etat


@transaction.atomic
def issue_missions(missions, *, user=None, neighbours=None, today=None):
    """`issue_mission` for many missions in a constant number of queries. Returns the
    missions re-read under lock (related objects loaded, convocation numbers set) in the
    given order; those already issued come back unchanged, deleted ones are left out."""
    wanted = [mission.pk for mission in missions]
    locked = Mission.objects.select_for_update(of=("self",)).with_related().filter(pk__in=wanted)
    # Always lock in primary-key order, so that two runs never wait on each other in a cycle.
    by_pk = {mission.pk: mission for mission in locked.order_by("pk")}
    fresh = [by_pk[pk] for pk in wanted if pk in by_pk]
    pending = [mission for mission in fresh if not mission.is_issued]
    if not pending:
        return fresh
    today = today or timezone.localdate()
    neighbours = neighbours if neighbours is not None else neighbour_map()
    actor = Actor.GESTIONNAIRE if user else Actor.SYSTEM
    now = timezone.now()

    etats = EtatDeFrais.objects.bulk_create(EtatDeFrais(mission=mission) for mission in pending)
    parts = []  # (part, reason of its first status)
    for mission, etat in zip(pending, etats, strict=True):
        rule = travel_eligibility(mission, mission.intervenant, neighbours)
        initial = PartStatus.TO_ENTER if mission.start_date <= today else PartStatus.OPEN
        travel = initial if rule.eligible else PartStatus.NO_FEES
        remuneration = FeePart(etat=etat, nature=PartNature.REMUNERATION, status=initial)
        travel_part = FeePart(etat=etat, nature=PartNature.TRAVEL, status=travel)
        parts += [
            (remuneration.copy_mission_keys(mission), ""),
            (travel_part.copy_mission_keys(mission), "" if rule.eligible else rule.reason),
        ]
        mission.etat = etat
        mission.issued_at = now
        mission.issued_by = user
        mission.convocation_number = mission.convocation_number or new_convocation_number(mission)
    FeePart.objects.bulk_create(part for part, _ in parts)
    StatusChange.objects.bulk_create(
        StatusChange(
            part=part,
            from_status="",
            to_status=part.status,
            actor=user,
            actor_role=actor,
            reason=reason,
        )
        for part, reason in parts
    )
    bulk_update_with_history(pending, Mission, ["issued_at", "issued_by", "convocation_number"])
    # bulk_create/bulk_update send no signal: the new missions' portal pages by hand.
    portal_versions.bump_intervenants({mission.intervenant_id for mission in pending})
    return fresh


def open_due_parts(today=None):
    """`ouvert` → `a_saisir` for every part whose mission has started. Returns the count."""
    from missions.services.lifecycle import transition

    today = today or timezone.localdate()
    due = FeePart.objects.filter(status=PartStatus.OPEN, etat__mission__start_date__lte=today).only(
        "pk", "status"
    )
    count = 0
    for part in due.iterator():
        transition(part, "open_entry", actor=Actor.SYSTEM)
        count += 1
    return count
