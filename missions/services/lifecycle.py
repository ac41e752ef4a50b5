"""The lifecycle of an état de frais part (DOMAIN.md §3), as one state machine.

Every change goes through `transition()`: it locks the part's row, checks the rule (who, from
which status, reason, deadline), records the history row and returns the updated part. An
illegal move raises `TransitionError` with a French message and changes nothing.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from missions.enums import FINAL_STATUSES, Actor, PartStatus
from missions.models import FeePart, StatusChange
from missions.permissions import can_act_as
from missions.services import notifications

S = PartStatus


class TransitionError(Exception):
    """An illegal or refused transition; the message is shown to the user."""


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    actors: frozenset
    sources: frozenset
    target: str | None  # None: back to the status before cancellation
    reason_required: bool = False
    before_deadline: bool = False


NOT_FINAL = frozenset(set(S) - FINAL_STATUSES)

RULES = [
    Rule("open_entry", "Ouvrir la saisie", frozenset({Actor.SYSTEM, Actor.GESTIONNAIRE}),
         frozenset({S.OPEN}), S.TO_ENTER),
    Rule("submit", "Valider la saisie", frozenset({Actor.INTERVENANT}),
         frozenset({S.TO_ENTER, S.TO_CORRECT}), S.VALIDATED_BY_INTERVENANT,
         before_deadline=True),
    Rule("declare_no_fees", "Déclarer sans frais",
         frozenset({Actor.SYSTEM, Actor.GESTIONNAIRE, Actor.INTERVENANT}),
         frozenset({S.OPEN, S.TO_ENTER, S.TO_CORRECT}), S.NO_FEES),
    Rule("require_fees", "Rétablir la saisie des frais", frozenset({Actor.GESTIONNAIRE}),
         frozenset({S.NO_FEES}), S.TO_ENTER, reason_required=True),
    Rule("attest", "Attester le service fait",
         frozenset({Actor.CHEF_DE_CENTRE, Actor.GESTIONNAIRE}),
         frozenset({S.VALIDATED_BY_INTERVENANT}), S.SERVICE_FAIT),
    Rule("send_back", "Renvoyer pour correction", frozenset({Actor.CHEF_DE_CENTRE}),
         frozenset({S.VALIDATED_BY_INTERVENANT}), S.TO_CORRECT, reason_required=True),
    Rule("send_back", "Renvoyer pour correction", frozenset({Actor.GESTIONNAIRE}),
         frozenset({S.VALIDATED_BY_INTERVENANT, S.SERVICE_FAIT, S.CONTROLLED}), S.TO_CORRECT,
         reason_required=True),
    Rule("control", "Valider (contrôle DEC)", frozenset({Actor.GESTIONNAIRE}),
         frozenset({S.SERVICE_FAIT}), S.CONTROLLED),
    Rule("add_to_batch", "Mettre en paiement", frozenset({Actor.GESTIONNAIRE}),
         frozenset({S.CONTROLLED}), S.IN_PAYMENT),
    Rule("remove_from_batch", "Retirer du lot", frozenset({Actor.GESTIONNAIRE}),
         frozenset({S.IN_PAYMENT}), S.CONTROLLED),
    Rule("mark_paid", "Marquer payé", frozenset({Actor.GESTIONNAIRE}),
         frozenset({S.IN_PAYMENT}), S.PAID),
    Rule("reject", "Rejeter", frozenset({Actor.GESTIONNAIRE}),
         NOT_FINAL - {S.IN_PAYMENT, S.CANCELLED}, S.REJECTED, reason_required=True),
    Rule("cancel", "Annuler", frozenset({Actor.GESTIONNAIRE}),
         NOT_FINAL - {S.IN_PAYMENT, S.CANCELLED}, S.CANCELLED, reason_required=True),
    Rule("restore", "Rétablir", frozenset({Actor.GESTIONNAIRE}),
         frozenset({S.CANCELLED}), None, reason_required=True),
]  # fmt: skip

RULE_NAMES = {rule.name for rule in RULES}


def find_rule(name, actor, status):
    """The rule that lets `actor` apply `name` from `status`, or None."""
    for rule in RULES:
        if rule.name == name and actor in rule.actors and status in rule.sources:
            return rule
    return None


def allowed_actions(part, actor):
    """The rules `actor` may apply to this part now (for buttons)."""
    return [rule for rule in RULES if actor in rule.actors and part.status in rule.sources]


def _status_before_cancellation(part):
    last = part.history.filter(to_status=S.CANCELLED).order_by("-at", "-id").first()
    return last.from_status if last and last.from_status else S.OPEN


def check_deadline(part, today=None):
    today = today or timezone.localdate()
    deadline = part.etat.entry_deadline
    if today > deadline:
        raise TransitionError(
            f"La date limite de saisie ({deadline:%d/%m/%Y}) est dépassée : la saisie et la "
            "validation ne sont plus possibles. Contactez la DEC pour faire rouvrir votre dossier."
        )


def transition(part, name, *, actor, user=None, reason="", today=None):
    """Apply transition `name` to `part` as `actor` (an Actor) played by `user`."""
    if name not in RULE_NAMES:
        raise TransitionError(f"Action inconnue : {name}.")
    reason = (reason or "").strip()
    with transaction.atomic():
        # The row lock makes two concurrent transitions of the same part run one after
        # the other: the second sees the first one's status and is refused.
        locked = (
            FeePart.objects.select_for_update(of=("self",))
            .select_related("etat__mission__session", "etat__mission__intervenant")
            .get(pk=part.pk)
        )
        mission = locked.etat.mission
        if not can_act_as(user, actor, mission):
            raise TransitionError("Vous n'avez pas le droit d'agir sur ce dossier.")
        rule = find_rule(name, actor, locked.status)
        if rule is None:
            raise TransitionError(
                f"Action « {_label(name)} » impossible : la partie "
                f"{locked.get_nature_display().lower()} est au statut "
                f"« {locked.get_status_display()} »."
            )
        if rule.reason_required and not reason:
            raise TransitionError("Un motif est obligatoire pour cette action.")
        if rule.before_deadline:
            check_deadline(locked, today)
        target = rule.target or _status_before_cancellation(locked)
        StatusChange.objects.create(
            part=locked,
            from_status=locked.status,
            to_status=target,
            actor=user,
            actor_role=actor,
            reason=reason,
        )
        locked.status = target
        locked.save(update_fields=["status", "updated_at"])
        notifications.on_transition(locked, name, reason)
    part.status = locked.status
    return locked


def _label(name):
    return next(rule.label for rule in RULES if rule.name == name)
