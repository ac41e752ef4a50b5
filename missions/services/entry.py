"""What the intervenant enters on the portal: lines of work and travel, then validation.

Every change is refused with an `EntryError` (French message) when the part is not editable
(status or deadline), and recomputes the part's amounts when accepted.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from missions.enums import EDITABLE_STATUSES, Actor, PartNature
from missions.models import FeePart
from missions.services import portal_versions
from missions.services.fees import compute_part, recompute_part
from missions.services.lifecycle import TransitionError, transition

# Travel, meals and nights may fall a few days around the mission (remote islands: flights
# are not daily).
TRAVEL_MARGIN_DAYS = 3


class EntryError(Exception):
    """A refused entry; the message is shown to the intervenant."""


def deadline_passed(etat, today=None):
    return (today or timezone.localdate()) > etat.entry_deadline


def is_editable(part, today=None):
    return part.status in EDITABLE_STATUSES and not deadline_passed(part.etat, today)


def check_editable(part, today=None):
    if part.status not in EDITABLE_STATUSES:
        raise EntryError(
            f"La partie {part.get_nature_display().lower()} est au statut "
            f"« {part.get_status_display()} » : elle n'est plus modifiable."
        )
    if deadline_passed(part.etat, today):
        raise EntryError(
            f"La date limite de saisie ({part.etat.entry_deadline:%d/%m/%Y}) est dépassée : "
            "contactez la DEC pour faire rouvrir votre dossier."
        )


def allowed_dates(mission, nature):
    """The dates a line may carry: the mission's days, with a margin for travel."""
    if nature == PartNature.REMUNERATION:
        first, last = mission.start_date, mission.end_date
    else:
        margin = datetime.timedelta(days=TRAVEL_MARGIN_DAYS)
        first, last = mission.start_date - margin, mission.end_date + margin
    return first, last


@transaction.atomic
def save_line(part, line, today=None):
    """Store a new or edited line of `part` and recompute the part."""
    part = (
        FeePart.objects.select_for_update(of=("self",))
        .select_related("etat__mission__session")
        .get(pk=part.pk)
    )
    check_editable(part, today)
    line.part = part
    line.save()
    return recompute_part(part)


@transaction.atomic
def delete_line(part, line, today=None):
    part = (
        FeePart.objects.select_for_update(of=("self",))
        .select_related("etat__mission__session")
        .get(pk=part.pk)
    )
    check_editable(part, today)
    if line.part_id != part.pk:
        raise EntryError("Cette ligne n'appartient pas à ce dossier.")
    line.delete()
    return recompute_part(part)


def _has_lines(part):
    if part.nature == PartNature.REMUNERATION:
        return part.worklines.exists()
    return any(manager.exists() for manager in (part.travellegs, part.meallines, part.nightlines))


@transaction.atomic
def submit(etat, user, today=None):
    """ "Valider ma saisie": both editable parts move on together, or neither does.

    A travel part with nothing declared becomes `sans_frais`; any blocking problem in the
    computation (missing rate, horsepower, fare) refuses the validation.
    """
    parts = [p for p in etat.parts.all() if p.status in EDITABLE_STATUSES]
    if not parts:
        raise EntryError("Rien à valider : votre saisie a déjà été transmise.")
    problems = []
    for part in parts:
        check_editable(part, today)
        if part.nature == PartNature.REMUNERATION and not _has_lines(part):
            problems.append("Déclarez le travail effectué avant de valider.")
        problems += compute_part(part).problems
    if problems:
        raise EntryError(" ".join(dict.fromkeys(problems)))
    frozen_at = timezone.now()
    try:
        for part in parts:
            # The last computation while editable: from here on its amounts are a record.
            recompute_part(part)
            FeePart.objects.filter(pk=part.pk).update(amounts_frozen_at=frozen_at)
            part.amounts_frozen_at = frozen_at
            portal_versions.bump_owner_of(part)  # update() sends no signal
            if part.nature == PartNature.TRAVEL and not _has_lines(part):
                transition(
                    part,
                    "declare_no_fees",
                    actor=Actor.INTERVENANT,
                    user=user,
                    reason="Aucun frais de déplacement déclaré.",
                )
            else:
                transition(part, "submit", actor=Actor.INTERVENANT, user=user, today=today)
    except TransitionError as error:
        raise EntryError(str(error)) from error
    return parts


@transaction.atomic
def reopen_entry(etat, until, user):
    """The DEC reopens one file after the entry deadline, until `until`; the reopening is
    written in each open part's history."""
    from missions.models import StatusChange

    if until <= etat.mission.session.entry_deadline:
        raise EntryError("La nouvelle date doit suivre la date limite de la session.")
    etat.deadline_override = until
    etat.save(update_fields=["deadline_override"])
    for part in etat.parts.filter(status__in=EDITABLE_STATUSES):
        StatusChange.objects.create(
            part=part,
            from_status=part.status,
            to_status=part.status,
            actor=user,
            actor_role=Actor.GESTIONNAIRE,
            reason=f"Saisie rouverte jusqu'au {until:%d/%m/%Y}.",
        )
    return etat
