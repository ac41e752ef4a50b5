"""Sealed payment batches: what was sent to the paying service is a record.

Exporting a batch writes one `PaymentLine` per part from the data of that moment, then the
CSV, XLSX and PDF files built from those lines into private storage, each with its SHA-256.
Downloads serve the stored bytes; `verify` re-hashes them; `differences` compares the lines
with today's data and says what changed since, without touching the files.

Invariant: nothing here reads live data after `seal_batch`, except `differences`, which
only reports.
"""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from missions.io.payment_formats import FORMATS, payment_file
from missions.models import PaymentFile, PaymentLine
from missions.money import mask_iban
from missions.services import payments
from missions.services.payments import batch_parts, summary_pdf

PDF = "pdf"
SEALED_FORMATS = (*FORMATS, PDF)


class SealError(Exception):
    """A sealed file that cannot be served; the message is shown to the gestionnaire."""


def mission_label(mission):
    return f"{mission.epreuve or mission.activity.name} — {mission.start_date:%d/%m/%Y}"


def line_values(part):
    """What a payment line records of a part, read from today's data."""
    mission = part.etat.mission
    intervenant = mission.intervenant
    dossier = getattr(intervenant, "dossier", None)
    return {
        "identifier": intervenant.identifier,
        "civility": intervenant.civility,
        "last_name": intervenant.last_name,
        "usage_name": intervenant.usage_name,
        "first_name": intervenant.first_name,
        "iban": dossier.iban if dossier else "",
        "bic": dossier.bic if dossier else "",
        "account_holder": dossier.account_holder if dossier else "",
        "nature": part.get_nature_display(),
        "convocation_number": mission.convocation_number or "",
        "session": mission.session.name,
        "mission": mission_label(mission),
        "centre": mission.centre.name,
        "archipelago": mission.centre.island.archipelago.name,
        "activity": mission.activity.name,
        "amount": part.amount,
    }


def sha256(content):
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def seal_batch(batch, generated_at=None):
    """Write the batch's payment lines and files (once). Called by the export."""
    if batch.sealed_at is not None:
        return batch
    PaymentLine.objects.bulk_create(
        PaymentLine(batch=batch, part=part, position=position, **line_values(part))
        for position, part in enumerate(batch_parts(batch), start=1)
    )
    contents = {fmt: payment_file(batch, fmt) for fmt in FORMATS}
    pdf_name = f"mise-en-paiement-{batch.number}.pdf"
    contents[PDF] = (summary_pdf(batch, generated_at), "application/pdf", pdf_name)
    for fmt, (content, content_type, filename) in contents.items():
        stored = PaymentFile(
            batch=batch,
            fmt=fmt,
            filename=filename,
            content_type=content_type,
            sha256=sha256(content),
            size=len(content),
        )
        stored.file.save(filename, ContentFile(content), save=False)
        stored.save()
    batch.sealed_at = generated_at or timezone.now()
    batch.save(update_fields=["sealed_at"])
    return batch


def export_batch(batch, *, expected_payment_on, today=None):
    """Export a draft batch: its status, export time and expected payment date
    (services.payments.mark_exported), then its lines and files sealed, all or nothing."""
    with transaction.atomic():
        exported = payments.mark_exported(
            batch, expected_payment_on=expected_payment_on, today=today
        )
        seal_batch(exported)
    return exported


def stored_file(batch, fmt):
    """(bytes, content type, file name) of a sealed file, exactly as exported; refused when
    the file is missing or no longer matches its SHA-256."""
    stored = batch.files.filter(fmt=fmt).first()
    if stored is None:
        raise SealError(f"Le lot {batch.number} n'a pas de fichier {fmt.upper()} scellé.")
    content = _read(stored)
    if content is None or sha256(content) != stored.sha256:
        raise SealError(
            f"Le fichier {stored.filename} ne correspond plus à son empreinte d'export : "
            "il a été altéré ou perdu. Contactez l'administrateur."
        )
    return content, stored.content_type, stored.filename


def _read(stored):
    try:
        with stored.file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


@dataclass(frozen=True)
class FileCheck:
    stored: PaymentFile
    actual: str  # the SHA-256 found now, "" when the file is missing

    @property
    def intact(self):
        return self.actual == self.stored.sha256


def verify(batch):
    """Re-hash every sealed file of the batch."""
    checks = []
    for stored in batch.files.all():
        content = _read(stored)
        checks.append(FileCheck(stored, sha256(content) if content is not None else ""))
    return checks


@dataclass(frozen=True)
class Difference:
    line: PaymentLine
    label: str
    exported: str
    current: str


COMPARED = [
    ("identifier", "Identifiant"),
    ("last_name", "Nom de naissance"),
    ("usage_name", "Nom d'usage"),
    ("first_name", "Prénom"),
    ("iban", "IBAN"),
    ("bic", "BIC"),
    ("account_holder", "Titulaire du compte"),
    ("convocation_number", "N° de convocation"),
    ("session", "Session"),
    ("mission", "Mission"),
    ("amount", "Montant (XPF)"),
]


def differences(batch):
    """What changed in the payees, bank details, missions or amounts since the export:
    [Difference], IBANs masked. Reporting only: the sealed lines and files stay as they
    were."""
    lines = batch.lines.select_related(
        "part__etat__mission__intervenant__dossier",
        "part__etat__mission__session",
        "part__etat__mission__activity",
        "part__etat__mission__centre__island__archipelago",
    ).order_by("position")
    found = []
    for line in lines:
        now = line_values(line.part)
        for name, label in COMPARED:
            exported, current = getattr(line, name), now[name]
            if exported != current:
                if name == "iban":
                    masked = mask_iban(exported), mask_iban(current)
                    same_mask = masked[0] == masked[1]
                    exported, current = masked[0], masked[1] + (" (modifié)" if same_mask else "")
                found.append(Difference(line, label, str(exported), str(current)))
    return found
