"""Service fait: the chef de centre (or the DEC) attests what an intervenant validated,
possibly correcting the quantities, or sends the file back with a reason."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from missions.enums import Actor, PartNature, PartStatus
from missions.models import Attestation, FeePart, WorkLine
from missions.services.fees import recompute_part
from missions.services.lifecycle import TransitionError, transition


class AttestationError(Exception):
    """A refused attestation; the message is shown to the user."""


# Far above any real day's copies, candidates or hours, well within the column (9 digits).
MAX_ATTESTED_QUANTITY = Decimal(10_000)


def parse_quantity(text):
    """An attested quantity typed by a chef de centre ("12", "12,5"): a finite number from 0
    to MAX_ATTESTED_QUANTITY with at most two decimals, or AttestationError."""
    try:
        quantity = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise AttestationError(f"Quantité illisible : « {text} ».") from error
    if not quantity.is_finite() or not 0 <= quantity <= MAX_ATTESTED_QUANTITY:
        raise AttestationError(
            f"Quantité invalide : « {text} » (un nombre de 0 à {MAX_ATTESTED_QUANTITY} attendu)."
        )
    if quantity != quantity.quantize(Decimal("0.01")):
        raise AttestationError(f"Quantité invalide : « {text} » (deux décimales au plus).")
    return quantity


def _waiting_parts(mission):
    return list(
        FeePart.objects.filter(etat__mission=mission, status=PartStatus.VALIDATED_BY_INTERVENANT)
    )


@transaction.atomic
def attest(mission, user, actor=Actor.CHEF_DE_CENTRE, corrections=None, comment=""):
    """Attest the service fait of a mission's validated parts.

    `corrections` maps a work line id to the attested quantity; a correction needs a comment,
    which the intervenant sees in the computation of their remuneration.
    """
    corrections = corrections or {}
    parts = _waiting_parts(mission)
    if not parts:
        raise AttestationError(f"Rien à attester pour « {mission} » : aucune saisie validée.")
    corrected = False
    if corrections:
        if not comment.strip():
            raise AttestationError("Expliquez la correction de quantité dans le commentaire.")
        lines = WorkLine.objects.filter(part__etat__mission=mission, pk__in=corrections)
        for line in lines:
            quantity = parse_quantity(corrections[line.pk])
            if quantity != line.quantity:
                line.attested_quantity = quantity
                line.save(update_fields=["attested_quantity"])
                corrected = True
    try:
        for part in parts:
            if part.nature == PartNature.REMUNERATION and corrected:
                # An explicit correction, recorded with its comment in the status history.
                recompute_part(part, correction=True)
            transition(part, "attest", actor=actor, user=user, reason=comment.strip())
    except TransitionError as error:
        raise AttestationError(str(error)) from error
    Attestation.objects.update_or_create(
        etat=mission.etat,
        defaults={"attested_by": user, "comment": comment.strip(), "quantity_corrected": corrected},
    )
    return parts


@transaction.atomic
def send_back(mission, user, reason, actor=Actor.CHEF_DE_CENTRE):
    """Return the mission's validated parts to the intervenant, with the reason."""
    parts = _waiting_parts(mission)
    if not parts:
        raise AttestationError(f"Rien à renvoyer pour « {mission} » : aucune saisie validée.")
    try:
        for part in parts:
            transition(part, "send_back", actor=actor, user=user, reason=reason)
    except TransitionError as error:
        raise AttestationError(str(error)) from error
    return parts


def attest_many(missions, user, actor=Actor.CHEF_DE_CENTRE):
    """Attest several missions as they are; returns (attested, [(mission, error)])."""
    done, failed = [], []
    for mission in missions:
        try:
            attest(mission, user, actor)
        except AttestationError as error:
            failed.append((mission, str(error)))
        else:
            done.append(mission)
    return done, failed
