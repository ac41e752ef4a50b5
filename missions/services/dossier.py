"""Saving the dossier financier: a change of bank details is dated and flagged for the DEC;
any change of a field or document the DEC checked withdraws the check (the dossier is "à
vérifier" again, dated) and keeps what changed, masked, for the DEC to review."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from missions.money import mask_iban

BANK_FIELDS = ("iban", "bic", "account_holder")
# What the DEC checks: a change of any of them needs a new check.
CHECKED_FIELDS = (*BANK_FIELDS, "social_security_number", "vehicle_horsepower",
                  "rib_document", "id_document")  # fmt: skip
DOCUMENT_FIELDS = ("rib_document", "id_document")


def _shown(name, value):
    """A value as the DEC's review shows it: bank and social-security numbers masked."""
    if value in (None, ""):
        return "—"
    if name == "iban":
        return mask_iban(value)
    if name == "social_security_number":
        return f"•••• {str(value)[-4:]}"
    if name in DOCUMENT_FIELDS:
        return "document déposé"
    return str(value)


def record_changes(dossier, previous, changed, now):
    """Withdraw the DEC's check of `dossier` and note each change (old → new, masked)."""
    notes = []
    for name in changed:
        old, new = getattr(previous, name), getattr(dossier, name)
        if name in DOCUMENT_FIELDS:
            old, new = bool(old), True
            shown_old = "document précédent" if old else "—"
            shown_new = "nouveau document déposé"
        else:
            shown_old, shown_new = _shown(name, old), _shown(name, new)
            if name == "iban" and shown_old == shown_new:
                shown_new += " (modifié)"
        notes.append({
            "champ": str(dossier._meta.get_field(name).verbose_name),
            "avant": shown_old,
            "apres": shown_new,
            "le": now.isoformat(),
        })  # fmt: skip
    dossier.pending_changes = [*dossier.pending_changes, *notes]
    dossier.checked_at = None
    dossier.checked_by = None
    dossier.check_reset_at = now


@dataclass(frozen=True)
class DossierOutcome:
    dossier: object
    bank_changed: bool


@transaction.atomic
def save_dossier(form, user):
    """Save a validated dossier form. Changing the IBAN, BIC or holder dates the change
    (`bank_changed_at`); changing any checked field or document of a dossier the DEC had
    checked puts it back to "à vérifier", which blocks payment until the DEC checks again."""
    dossier = form.instance
    bank_changed = any(name in form.changed_data for name in BANK_FIELDS) and bool(
        form.initial.get("iban")
    )
    previous = type(dossier).objects.filter(pk=dossier.pk).first() if dossier.pk else None
    changed = [name for name in CHECKED_FIELDS if name in form.changed_data]
    dossier = form.save(commit=False)
    now = timezone.now()
    if bank_changed:
        dossier.bank_changed_at = now
    if previous is not None and changed and (previous.checked_at or previous.check_reset_at):
        record_changes(dossier, previous, changed, now)
    dossier.save()
    return DossierOutcome(dossier, bank_changed)
