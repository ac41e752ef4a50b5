"""Issuing a mission's convocation creates its état de frais. (The batch run with PDFs and
first passwords builds on `issue_mission`.)"""

from django.db import transaction
from django.utils import timezone

from ..enums import Actor, PartNature, PartStatus
from ..models import EtatDeFrais, FeePart, Mission, StatusChange
from .fees import neighbour_map
from .travel_rules import travel_eligibility


def new_convocation_number(mission):
    return f"{mission.session.year}-{mission.pk:07d}"


@transaction.atomic
def issue_mission(mission, *, user=None, neighbours=None, today=None):
    """Create the état de frais of a mission: a remuneration part, and a travel part that
    starts `sans_frais` when the home-commune rule excludes travel. Idempotent."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if mission.is_issued:
        return mission.etat
    today = today or timezone.localdate()
    neighbours = neighbours if neighbours is not None else neighbour_map()
    rule = travel_eligibility(mission, mission.intervenant, neighbours)
    initial = PartStatus.TO_ENTER if mission.start_date <= today else PartStatus.OPEN
    actor = Actor.GESTIONNAIRE if user else Actor.SYSTEM

    etat = EtatDeFrais.objects.create(mission=mission)
    parts = [
        FeePart(etat=etat, nature=PartNature.REMUNERATION, status=initial),
        FeePart(
            etat=etat,
            nature=PartNature.TRAVEL,
            status=initial if rule.eligible else PartStatus.NO_FEES,
        ),
    ]
    FeePart.objects.bulk_create(parts)
    StatusChange.objects.bulk_create(
        StatusChange(
            part=part,
            from_status="",
            to_status=part.status,
            actor=user,
            actor_role=actor,
            reason="" if part.status != PartStatus.NO_FEES else rule.reason,
        )
        for part in parts
    )
    mission.issued_at = timezone.now()
    mission.issued_by = user
    mission.convocation_number = mission.convocation_number or new_convocation_number(mission)
    mission.save(update_fields=["issued_at", "issued_by", "convocation_number"])
    return etat


def open_due_parts(today=None):
    """`ouvert` → `a_saisir` for every part whose mission has started. Returns the count."""
    from .lifecycle import transition

    today = today or timezone.localdate()
    due = FeePart.objects.filter(status=PartStatus.OPEN, etat__mission__start_date__lte=today).only(
        "pk", "status"
    )
    count = 0
    for part in due.iterator():
        transition(part, "open_entry", actor=Actor.SYSTEM)
        count += 1
    return count
