"""Saving the dossier financier: a change of bank details is dated and flagged for the DEC."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

BANK_FIELDS = ("iban", "bic", "account_holder")


@dataclass(frozen=True)
class DossierOutcome:
    dossier: object
    bank_changed: bool


@transaction.atomic
def save_dossier(form, user):
    """Save a validated dossier form. Changing the IBAN, BIC or holder after the DEC's check
    dates the change (`bank_changed_at`), which blocks payment until the DEC checks again."""
    dossier = form.instance
    bank_changed = any(name in form.changed_data for name in BANK_FIELDS) and bool(
        form.initial.get("iban")
    )
    dossier = form.save(commit=False)
    if bank_changed:
        dossier.bank_changed_at = timezone.now()
    dossier.save()
    return DossierOutcome(dossier, bank_changed)
