"""What the DEC's control should look at twice before validating a part."""

from collections import defaultdict
from statistics import median

from django.core.cache import cache
from django.utils import timezone

from missions.enums import KM_MODES, PartNature, PartStatus
from missions.models import FeePart
from missions.money import format_xpf
from missions.services.fees import current_drift, neighbour_map

MEDIAN_FACTOR = 3
# One-way road distances: Tahiti's coast road is about 120 km round; other islands are small.
MAX_KM = {"Tahiti": 150}
MAX_KM_ELSEWHERE = 60
COMPARED_STATUSES = [PartStatus.SERVICE_FAIT, PartStatus.CONTROLLED, PartStatus.IN_PAYMENT,
                     PartStatus.PAID]  # fmt: skip
# The medians read every attested part of the sessions (a few hundred ms at 200,000
# missions): the control queue reuses them this long. A reference for "3 times the median"
# barely moves in minutes; the amounts compared with it are always today's.
MEDIANS_SECONDS = 5 * 60


def activity_medians(sessions):
    """{(activity id, nature): median amount} over the sessions' parts past attestation."""
    amounts = defaultdict(list)
    rows = FeePart.objects.filter(
        etat__mission__session__in=sessions, status__in=COMPARED_STATUSES, amount__gt=0
    ).values_list("etat__mission__activity_id", "nature", "amount")
    for activity_id, nature, amount in rows:
        amounts[(activity_id, nature)].append(amount)
    return {key: median(values) for key, values in amounts.items() if len(values) >= 5}


def kept_activity_medians(sessions):
    """activity_medians(sessions), from the shared cache when computed in the last
    MEDIANS_SECONDS."""
    ids = sorted({getattr(session, "pk", session) for session in sessions})
    key = "missions:activity-medians:" + ",".join(map(str, ids))
    medians = cache.get(key)
    if medians is None:
        medians = activity_medians(ids)
        cache.set(key, medians, MEDIANS_SECONDS)
    return medians


def _leg_anomalies(leg):
    found = []
    if leg.mode in KM_MODES:
        if leg.from_commune.island_id != leg.to_commune.island_id:
            found.append(f"Trajet routier entre deux îles ({leg.from_commune} → {leg.to_commune}).")
        limit = MAX_KM.get(leg.from_commune.island.name, MAX_KM_ELSEWHERE)
        if leg.km and leg.km > limit:
            found.append(f"{leg.km} km sur {leg.from_commune.island} : distance improbable.")
    elif leg.fare and not leg.receipt:
        found.append(f"Billet du {leg.date:%d/%m/%Y} sans justificatif.")
    return found


def anomalies(parts, medians, book=None):
    """{part id: [French warnings]} for parts loaded with their mission, intervenant's
    dossier and their lines (legs with communes and islands). With a rate `book`, a
    validated amount that today's computation would change is flagged (never changed)."""
    found = {}
    neighbours = neighbour_map() if book is not None else None
    for part in parts:
        mission = part.etat.mission
        warnings = []
        reference = medians.get((mission.activity_id, part.nature))
        if reference and part.amount > MEDIAN_FACTOR * reference:
            warnings.append(
                f"Montant plus de {MEDIAN_FACTOR} fois supérieur à la médiane de l'activité "
                f"({reference:,.0f} XPF).".replace(",", "\u202f")
            )
        dossier = getattr(mission.intervenant, "dossier", None)
        if dossier is None or not dossier.is_complete:
            warnings.append("Dossier financier incomplet.")
        elif dossier.needs_check:
            changed = ", ".join(dict.fromkeys(c["champ"] for c in dossier.pending_changes))
            warnings.append(
                f"Dossier financier modifié par l'intervenant le "
                f"{timezone.localtime(dossier.check_reset_at):%d/%m/%Y} ({changed}) : à vérifier."
            )
        elif dossier.is_expired():
            warnings.append("Coordonnées bancaires modifiées ou dossier expiré : à vérifier.")
        if part.nature == PartNature.TRAVEL:
            for leg in part.travellegs.all():
                warnings += _leg_anomalies(leg)
        if book is not None and (current := current_drift(part, book, neighbours)) is not None:
            warnings.append(
                f"Le calcul actuel donnerait {format_xpf(current)} (montant validé : "
                f"{format_xpf(part.amount)}) : renvoyez le dossier pour le recalculer."
            )
        if warnings:
            found[part.pk] = warnings
    return found
