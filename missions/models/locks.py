"""Locked records: a mission whose état de frais has a part validated by the intervenant or
beyond (enums.LOCKED_STATUSES) is what people validated, attested, controlled or were paid
for. Neither it, its parts nor their lines change through an admin form, an import row or a
service; corrections go through the lifecycle's actions (send back, cancel, reopen), which
record who, when and why.

`lock_reason` says why in French; `check_unlocked` raises `LockedError` with it."""

from django.apps import apps

from missions.enums import LOCKED_STATUSES

CORRECTION_HINT = (
    "Pour corriger, renvoyez le dossier pour correction, annulez-le ou rouvrez la saisie "
    "depuis le contrôle DEC : chaque action est datée et motivée."
)


class LockedError(Exception):
    """A change refused because the record is locked; the message is shown as is."""


def _reason(mission_label, parts):
    statuses = ", ".join(
        f"{part.get_nature_display().lower()} « {part.get_status_display()} »" for part in parts
    )
    return (
        f"La mission « {mission_label} » est verrouillée : état de frais {statuses}. "
        f"{CORRECTION_HINT}"
    )


def locked_parts(mission_ids):
    """{mission id: [locked parts]} for the given missions, in one query."""
    found = {}
    # By name: Mission.save() calls this module, so it cannot import the models.
    parts = (
        apps.get_model("missions", "FeePart")
        .objects.filter(etat__mission_id__in=list(mission_ids), status__in=LOCKED_STATUSES)
        .select_related("etat__mission__intervenant", "etat__mission__activity")
    )
    for part in parts.order_by("-nature"):
        found.setdefault(part.etat.mission_id, []).append(part)
    return found


def lock_reason(mission):
    """Why `mission` may not be changed, in French; "" when it may."""
    if mission is None or mission.pk is None:
        return ""
    parts = locked_parts([mission.pk]).get(mission.pk)
    return _reason(str(mission), parts) if parts else ""


def lock_reasons(mission_ids):
    """{mission id: reason} of the locked missions among `mission_ids`, in one query."""
    return {
        pk: _reason(str(parts[0].etat.mission), parts)
        for pk, parts in locked_parts(mission_ids).items()
    }


def part_lock_reason(part):
    """Why a part (and its lines) may not be changed by hand: its mission is locked."""
    return lock_reason(part.etat.mission) if part.pk else ""


def check_unlocked(mission):
    if reason := lock_reason(mission):
        raise LockedError(reason)
