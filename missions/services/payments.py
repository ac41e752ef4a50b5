"""Payment batches (mises en paiement).

A batch gathers controlled parts of one nature, optionally of one session, and leaves out,
with the reason, those whose intervenant's dossier financier blocks payment. While it is a
draft, parts can be removed; exporting it records the expected payment date on its parts and
freezes it; marking it paid sets the payment date on every part and notifies the intervenants.

Concurrency: every change to a batch locks the batch row first, so an export and a removal
run one after the other. Adding a part locks the part row, checks that it belongs to no
batch, applies the lifecycle's `add_to_batch` (which refuses any part not `controle`), then
fills `batch` with an UPDATE that only matches an empty one: two gestionnaires putting the
same part in two batches at once end with one success and one refusal. Batch numbers
("2026-R003") are retried on the unique constraint of `PaymentBatch.number`.
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from missions.enums import Actor, BatchStatus, PartNature, PartStatus
from missions.models import FeePart, PaymentBatch
from missions.models.intervenants import DOSSIER_VALIDITY_MONTHS
from missions.money import xpf_to_eur
from missions.services import portal_versions
from missions.services.lifecycle import TransitionError, transition

NATURE_LETTERS = {PartNature.REMUNERATION: "R", PartNature.TRAVEL: "D"}
NUMBER_ATTEMPTS = 10


class PaymentError(Exception):
    """A refused payment operation; the message is shown to the gestionnaire."""


@dataclass(frozen=True)
class Refusal:
    part: FeePart
    reasons: tuple


@dataclass
class Selection:
    """What a new batch would hold, and what it leaves out and why."""

    nature: str
    session: object = None
    included: list = field(default_factory=list)
    refused: list = field(default_factory=list)

    @property
    def nature_label(self):
        return PartNature(self.nature).label

    @property
    def total(self):
        return sum(part.amount for part in self.included)

    @property
    def count(self):
        return len(self.included)


def with_payment_details(queryset):
    """Parts with everything a payment line shows, in one query."""
    return queryset.select_related(
        "etat__mission__intervenant__dossier",
        "etat__mission__session",
        "etat__mission__activity",
        "etat__mission__centre__island__archipelago",
        "batch",
    )


def payment_blockers(intervenant, today=None):
    """Why the intervenant cannot be paid now, in French (empty: payable).

    Mirrors `DossierFinancier.blocks_payment()`, reason by reason."""
    dossier = getattr(intervenant, "dossier", None)
    if dossier is None:
        return ["aucun dossier financier"]
    reasons = []
    if missing := dossier.missing_items():
        reasons.append("dossier incomplet : " + ", ".join(missing) + " manquant(s)")
    if dossier.checked_at is None:
        reasons.append("dossier non vérifié par la DEC")
    elif dossier.bank_changed_at and dossier.bank_changed_at > dossier.checked_at:
        reasons.append("coordonnées bancaires modifiées depuis la dernière vérification de la DEC")
    elif dossier.is_expired(today):
        reasons.append(f"dossier expiré (plus de {DOSSIER_VALIDITY_MONTHS} mois sans mission)")
    if not reasons and dossier.blocks_payment(today):
        reasons.append("dossier financier bloquant")
    return reasons


def part_refusal(part, today=None):
    """The reasons a controlled part cannot go into a batch (empty: it can)."""
    reasons = payment_blockers(part.etat.mission.intervenant, today)
    if part.amount <= 0:
        reasons.append("montant nul : rien à payer")
    return reasons


def candidate_parts(nature, session=None):
    """Controlled parts of `nature` (and `session`) in no batch yet."""
    parts = FeePart.objects.filter(status=PartStatus.CONTROLLED, nature=nature, batch__isnull=True)
    if session is not None:
        parts = parts.filter(etat__mission__session=session)
    return parts


def _split(parts, nature, session, today):
    selection = Selection(nature=nature, session=session)
    for part in parts:
        reasons = part_refusal(part, today)
        if reasons:
            selection.refused.append(Refusal(part, tuple(reasons)))
        else:
            selection.included.append(part)
    return selection


def _ordered(parts):
    return parts.order_by(
        "etat__mission__intervenant__last_name", "etat__mission__intervenant__first_name", "pk"
    )


def select_parts(nature, session=None, today=None):
    """What `create_batch(nature, session)` would include and refuse now (nothing changes)."""
    parts = with_payment_details(_ordered(candidate_parts(nature, session)))
    return _split(parts, nature, session, today)


def next_number(nature, year):
    """The next free number of the nature and year: "2026-R003" after "2026-R002"."""
    prefix = f"{year}-{NATURE_LETTERS[nature]}"
    numbers = PaymentBatch.objects.filter(number__startswith=prefix).values_list(
        "number", flat=True
    )
    last = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:03d}"


def new_batch(nature, *, user=None, today=None):
    """An empty draft batch with the next number. Two concurrent calls both compute the same
    number; the second insert waits for the first transaction, fails on the unique
    constraint once it commits, and tries the following number."""
    year = (today or timezone.localdate()).year
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return PaymentBatch.objects.create(
                    number=next_number(nature, year), nature=nature, created_by=user
                )
        except IntegrityError:
            continue
    raise PaymentError("Impossible d'attribuer un numéro de lot : réessayez.")


def create_batch(nature, *, user, session=None, today=None):
    """Create a numbered batch of the controlled parts of `nature` (and `session`) whose
    dossier financier allows payment. Returns (batch, selection); refuses an empty batch."""
    if nature not in NATURE_LETTERS:
        raise PaymentError("Nature de lot inconnue.")
    with transaction.atomic():
        # Lock the candidates (in a fixed order, against deadlocks): a concurrent creation
        # waits, then no longer sees the parts this one took.
        locked = candidate_parts(nature, session).select_for_update(of=("self",))
        list(locked.order_by("pk").values_list("pk", flat=True))
        parts = with_payment_details(_ordered(candidate_parts(nature, session)))
        selection = _split(parts, nature, session, today)
        if not selection.included:
            raise PaymentError(
                "Aucune partie à mettre en paiement : pas de partie contrôlée de cette nature"
                + (" pour cette session" if session else "")
                + (", ou toutes sont refusées." if selection.refused else ".")
            )
        batch = new_batch(nature, user=user, today=today)
        for part in selection.included:
            _add(batch, part, user)
    return batch, selection


def _lock(batch):
    return PaymentBatch.objects.select_for_update().get(pk=batch.pk)


def _lock_draft(batch):
    locked = _lock(batch)
    if locked.status != BatchStatus.DRAFT:
        raise PaymentError(
            f"Le lot {locked.number} est {locked.get_status_display().lower()} : "
            "il ne peut plus être modifié."
        )
    return locked


def _part_label(part):
    return f"la partie {part.get_nature_display().lower()} de {part.etat.mission.intervenant}"


def _add(batch, part, user):
    # No join under the lock: after waiting for a concurrent transaction, PostgreSQL
    # rechecks the locked row but not the rows joined to it.
    locked = FeePart.objects.select_for_update().get(pk=part.pk)
    if locked.batch_id is not None:
        number = PaymentBatch.objects.values_list("number", flat=True).get(pk=locked.batch_id)
        raise PaymentError(
            f"Impossible d'ajouter {_part_label(part)} : elle est déjà dans le lot {number}."
        )
    if locked.nature != batch.nature:
        raise PaymentError(
            f"Impossible d'ajouter {_part_label(part)} : le lot {batch.number} est un lot de "
            f"{batch.get_nature_display().lower()}."
        )
    try:
        transition(locked, "add_to_batch", actor=Actor.GESTIONNAIRE, user=user)
    except TransitionError as error:
        raise PaymentError(str(error)) from error
    # Only an empty `batch` is filled: a part never moves from one batch to another.
    if not FeePart.objects.filter(pk=part.pk, batch__isnull=True).update(batch=batch):
        raise PaymentError(f"Impossible d'ajouter {_part_label(part)} : elle est déjà dans un lot.")
    part.status, part.batch = PartStatus.IN_PAYMENT, batch
    portal_versions.bump_owner_of(part)  # update() sends no signal


def add_part(batch, part, *, user, today=None):
    """Add one controlled part to a draft batch (refused if its dossier blocks payment)."""
    with transaction.atomic():
        batch = _lock_draft(batch)
        part = with_payment_details(FeePart.objects.all()).get(pk=part.pk)
        if reasons := part_refusal(part, today):
            raise PaymentError(f"Impossible d'ajouter {_part_label(part)} : {'; '.join(reasons)}.")
        _add(batch, part, user)
    return part


def remove_part(batch, part, *, user):
    """Take a part out of a draft batch: back to `controle`, in no batch."""
    with transaction.atomic():
        batch = _lock_draft(batch)
        if part.batch_id != batch.pk:
            raise PaymentError(f"Cette partie n'est pas dans le lot {batch.number}.")
        try:
            transition(part, "remove_from_batch", actor=Actor.GESTIONNAIRE, user=user)
        except TransitionError as error:
            raise PaymentError(str(error)) from error
        FeePart.objects.filter(pk=part.pk).update(batch=None, expected_payment_on=None)
        portal_versions.bump_owner_of(part)  # update() sends no signal
    part.batch = None


def mark_exported(batch, *, expected_payment_on, today=None):
    """Freeze a draft batch for the paying service: status `exporte`, export time and the
    expected payment date, which its parts show to the intervenants from now on; its payment
    lines and files are written and sealed by missions.io.payment_files.export_batch, which
    calls this in the same transaction."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock_draft(batch)
        if not locked.parts.exists():
            raise PaymentError(f"Le lot {locked.number} est vide : rien à exporter.")
        if expected_payment_on < today:
            raise PaymentError("La date de paiement prévue ne peut pas être passée.")
        locked.status = BatchStatus.EXPORTED
        locked.exported_at = timezone.now()
        locked.expected_payment_on = expected_payment_on
        locked.save(update_fields=["status", "exported_at", "expected_payment_on"])
        FeePart.objects.filter(batch=locked).update(expected_payment_on=expected_payment_on)
        portal_versions.bump_parts(FeePart.objects.filter(batch=locked))  # no signal above
    return locked


def mark_paid(batch, *, paid_on, user, today=None):
    """Record the payment of an exported batch: the date on every part, each part `paye`
    (the intervenant is emailed after commit), the batch `paye`."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock(batch)
        if locked.status != BatchStatus.EXPORTED:
            raise PaymentError(
                f"Le lot {locked.number} est {locked.get_status_display().lower()} : seul un "
                "lot exporté peut être marqué payé."
            )
        if paid_on > today:
            raise PaymentError("La date de paiement ne peut pas être dans le futur.")
        exported_on = timezone.localtime(locked.exported_at).date()
        if paid_on < exported_on:
            raise PaymentError(
                f"La date de paiement précède l'export du lot ({exported_on:%d/%m/%Y})."
            )
        # Saved before the transitions: the "paid" notice reads the date from the part.
        FeePart.objects.filter(batch=locked).update(paid_on=paid_on)
        portal_versions.bump_parts(FeePart.objects.filter(batch=locked))  # no signal above
        for part in locked.parts.order_by("pk"):
            transition(part, "mark_paid", actor=Actor.GESTIONNAIRE, user=user)
        locked.status = BatchStatus.PAID
        locked.paid_on = paid_on
        locked.save(update_fields=["status", "paid_on"])
    return locked


# Reading


def batches_with_totals():
    return PaymentBatch.objects.annotate(part_count=Count("parts"), total=Sum("parts__amount"))


def batch_parts(batch):
    return with_payment_details(_ordered(batch.parts.all()))


def still_refused(batch, today=None):
    """Controlled parts of the batch's nature and sessions, in no batch, that a new batch
    would still refuse (to follow up once the dossier is fixed)."""
    sessions = batch.parts.values("etat__mission__session")
    parts = candidate_parts(batch.nature).filter(etat__mission__session__in=sessions)
    parts = with_payment_details(_ordered(parts))
    return _split(parts, batch.nature, None, today).refused


@dataclass(frozen=True)
class SummaryRow:
    label: str
    count: int
    total: int

    @property
    def total_eur(self):
        return xpf_to_eur(self.total)


def _grouped(parts, label, order):
    rows = parts.values(label).annotate(count=Count("pk"), total=Sum("amount")).order_by(*order)
    return [SummaryRow(row[label] or "—", row["count"], row["total"] or 0) for row in rows]


def batch_summary(batch):
    """Count and sum of a batch, by archipelago (of the centre) and by activity."""
    parts = batch.parts.all()
    archipelago = "etat__mission__centre__island__archipelago__name"
    activity = "etat__mission__activity__name"
    totals = parts.aggregate(count=Count("pk"), total=Sum("amount"))
    return {
        "count": totals["count"],
        "total": totals["total"] or 0,
        "total_eur": xpf_to_eur(totals["total"] or 0),
        "by_archipelago": _grouped(
            parts, archipelago, ["etat__mission__centre__island__archipelago__order", archipelago]
        ),
        "by_activity": _grouped(parts, activity, ["etat__mission__activity__order", activity]),
    }


def lines_summary(lines):
    """Count and sum of stored payment lines, by archipelago and by activity."""
    groups = {"by_archipelago": {}, "by_activity": {}}
    for line in lines:
        for key, label in (("by_archipelago", line.archipelago), ("by_activity", line.activity)):
            count, total = groups[key].get(label or "—", (0, 0))
            groups[key][label or "—"] = (count + 1, total + line.amount)
    total = sum(line.amount for line in lines)
    return {
        "count": len(lines),
        "total": total,
        "total_eur": xpf_to_eur(total),
        **{
            key: [SummaryRow(label, *values) for label, values in sorted(rows.items())]
            for key, rows in groups.items()
        },
    }


def summary_pdf(batch, generated_at=None):
    """The PDF summary of an exported batch (WeasyPrint), from its stored payment lines:
    totals by archipelago and activity, lines."""
    from weasyprint import HTML

    lines = list(batch.lines.order_by("position"))
    html = render_to_string(
        "missions/admin/payments/summary_pdf.html",
        {
            "batch": batch,
            "summary": lines_summary(lines),
            "lines": lines,
            "generated_at": generated_at or timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()


def default_expected_payment_on(today=None):
    """A suggestion for the export form: four weeks from today."""
    return (today or timezone.localdate()) + datetime.timedelta(days=28)
