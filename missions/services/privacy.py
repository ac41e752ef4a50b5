"""RGPD: anonymisation of intervenants after the retention period, and the export of
everything held on one intervenant (right of access).

Anonymisation keeps what accounting needs (missions, parts, lines, amounts, statuses,
payment batches) and removes what identifies the person: identity, contact details,
bank and social data, supporting documents, receipts, convocation PDFs, notifications,
the audit-trail records that still hold the old values, and the portal account's access.
"""

import dataclasses
import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from wagtail.models import ModelLogEntry

from missions.enums import IntervenantStatus, PartStatus
from missions.models import (
    ConvocationDocument,
    DossierFinancier,
    FeePart,
    Intervenant,
    MealLine,
    Mission,
    NightLine,
    Notification,
    TravelLeg,
    WorkLine,
)
from missions.services import portal_versions
from missions.storage import private_storage

ANONYMOUS_LAST_NAME = "ANONYME"
ANONYMOUS_FIRST_NAME = "Anonyme"
ANONYMISATION_REASON = "Anonymisation RGPD"
LINE_MODELS = (WorkLine, TravelLeg, MealLine, NightLine)
# Money is still owed: the bank details are needed until the part is paid.
PAYMENT_PENDING_STATUSES = (PartStatus.CONTROLLED, PartStatus.IN_PAYMENT)


@dataclasses.dataclass
class RetentionReport:
    cutoff: datetime.date
    intervenants: int = 0
    skipped_payment_pending: int = 0
    dossiers: int = 0
    documents: int = 0
    receipts: int = 0
    convocations: int = 0
    notifications: int = 0
    accounts: int = 0


def retention_cutoff(years=None, today=None):
    """The day before which an intervenant's last mission must have ended."""
    years = settings.RGPD_RETENTION_YEARS if years is None else years
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def is_anonymised(intervenant):
    return (
        intervenant.last_name == ANONYMOUS_LAST_NAME
        and intervenant.first_name == ANONYMOUS_FIRST_NAME
    )


def expired_intervenants(cutoff):
    """Intervenants not yet anonymised whose last mission ended before `cutoff`, or who
    never had a mission and were created before it."""
    return (
        Intervenant.objects.exclude(last_name=ANONYMOUS_LAST_NAME, first_name=ANONYMOUS_FIRST_NAME)
        .annotate(last_mission_end=Max("missions__end_date"))
        .filter(
            Q(last_mission_end__lt=cutoff)
            | Q(last_mission_end__isnull=True, created_at__date__lt=cutoff)
        )
    )


def apply_retention(years=None, *, dry_run=False, today=None):
    """Anonymise every intervenant past the retention period (see the module docstring).

    All or nothing: one transaction; files are deleted from private storage only once it
    commits. Idempotent: anonymised intervenants are not selected again. With `dry_run`,
    counts what would be done and changes nothing.
    """
    report = RetentionReport(cutoff=retention_cutoff(years, today))
    with transaction.atomic():
        candidates = list(expired_intervenants(report.cutoff).select_related("user"))
        pending = set(
            FeePart.objects.filter(
                etat__mission__intervenant__in=candidates, status__in=PAYMENT_PENDING_STATUSES
            ).values_list("etat__mission__intervenant_id", flat=True)
        )
        report.skipped_payment_pending = len(pending)
        files = []
        for intervenant in candidates:
            if intervenant.pk in pending:
                continue
            files += _anonymise(intervenant, report, dry_run=dry_run)
        if not dry_run:
            transaction.on_commit(lambda: _delete_files(files))
    return report


def anonymise_intervenant(intervenant):
    """Anonymise one intervenant now, whatever the date of their last mission."""
    report = RetentionReport(cutoff=timezone.localdate())
    with transaction.atomic():
        files = _anonymise(intervenant, report, dry_run=False)
        transaction.on_commit(lambda: _delete_files(files))
    return report


def _anonymise(intervenant, report, *, dry_run):
    """Anonymise one intervenant; returns the private files to delete after commit."""
    report.intervenants += 1
    files = []
    dossier = DossierFinancier.objects.filter(intervenant=intervenant).first()
    if dossier is not None:
        report.dossiers += 1
        files += [f.name for f in (dossier.rib_document, dossier.id_document) if f]
    report.documents += len(files)
    lines = [
        model.objects.filter(part__etat__mission__intervenant=intervenant).exclude(receipt="")
        for model in LINE_MODELS
    ]
    for queryset in lines:
        files += queryset.values_list("receipt", flat=True)
    report.receipts += sum(queryset.count() for queryset in lines)
    convocations = ConvocationDocument.objects.filter(intervenant=intervenant)
    convocation_files = [name for name in convocations.values_list("pdf", flat=True) if name]
    report.convocations += len(convocation_files)
    files += convocation_files
    notifications = Notification.objects.filter(intervenant=intervenant)
    report.notifications += notifications.count()
    if intervenant.user_id:
        report.accounts += 1
    if dry_run:
        return []

    for queryset in lines:
        queryset.update(receipt="")
    portal_versions.bump_intervenants([intervenant.pk])  # update() sends no signal
    convocations.delete()
    notifications.delete()
    if dossier is not None:
        _anonymise_dossier(dossier)
    _anonymise_identity(intervenant)
    if intervenant.user_id:
        _disable_account(intervenant.user, intervenant.pk)
    _relabel_admin_log(intervenant, dossier)
    return files


def _anonymise_identity(intervenant):
    # The audit trail holds the former values: it goes, replaced by one record.
    Intervenant.history.filter(id=intervenant.pk).delete()
    for field, value in {
        "last_name": ANONYMOUS_LAST_NAME,
        "usage_name": "",
        "first_name": ANONYMOUS_FIRST_NAME,
        "birth_date": None,
        "email": "",
        "phone": "",
        "address": "",
        "postal_code": "",
        "employer": "",
        "grade": "",
        "discipline": "",
        "status": IntervenantStatus.ARCHIVED,
        "must_change_password": False,
    }.items():
        setattr(intervenant, field, value)
    intervenant._change_reason = ANONYMISATION_REASON
    intervenant.save()


def _anonymise_dossier(dossier):
    DossierFinancier.history.filter(id=dossier.pk).delete()
    dossier.iban = ""
    dossier.bic = ""
    dossier.account_holder = ""
    dossier.social_security_number = ""
    dossier.rib_document = ""
    dossier.id_document = ""
    dossier._change_reason = ANONYMISATION_REASON
    dossier.save()


def _disable_account(user, intervenant_pk):
    user.username = f"anonyme-{intervenant_pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.password = make_password(None)  # unusable
    user.save()


def _relabel_admin_log(intervenant, dossier):
    """Wagtail's admin log keeps each object's title of the time, which holds the name."""
    missions = list(Mission.objects.filter(intervenant=intervenant).select_related("activity"))
    parts = FeePart.objects.filter(etat__mission__in=missions).select_related(
        "etat__mission__activity", "etat__mission__intervenant"
    )
    for obj in [intervenant, dossier, *missions, *parts]:
        if obj is None:
            continue
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).update(label=str(obj))


def _delete_files(names):
    storage = private_storage()
    for name in names:
        if name:
            storage.delete(name)


# Export (right of access)


def _values(obj, exclude=()):
    """An object's concrete fields, foreign keys as their string form."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        if field.is_relation:
            related = getattr(obj, field.name)
            data[field.name] = str(related) if related is not None else None
        elif isinstance(field, models.FileField):
            data[field.name] = getattr(obj, field.name).name or ""
        else:
            data[field.name] = getattr(obj, field.name)
    return data


def _account(user):
    if user is None:
        return None
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": user.is_active,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _audit_trail(manager, pk):
    return [
        {
            "date": record.history_date,
            "type": record.get_history_type_display(),
            "by": str(record.history_user) if record.history_user else None,
            "reason": record.history_change_reason,
        }
        for record in manager.filter(id=pk).select_related("history_user")
    ]


def _part(part):
    data = _values(part, exclude=("etat",))
    data["status_label"] = part.get_status_display()
    data["batch"] = part.batch.number if part.batch else None
    for model in LINE_MODELS:
        key = model._meta.model_name + "s"
        data[key] = [_values(line, exclude=("part",)) for line in getattr(part, key).all()]
    data["status_history"] = [
        {
            "from": change.from_status,
            "to": change.to_status,
            "at": change.at,
            "by": str(change.actor) if change.actor else None,
            "role": change.actor_role,
            "reason": change.reason,
        }
        for change in part.history.all()
    ]
    return data


def export_intervenant(intervenant):
    """Everything held on one intervenant, as JSON-serialisable data (with
    DjangoJSONEncoder): identity, account, dossier financier in full (it is the person's own
    data), missions with their parts, lines, amounts and status history, notifications,
    convocations and the audit trail of their identity and bank details."""
    dossier = DossierFinancier.objects.filter(intervenant=intervenant).first()
    missions = (
        Mission.objects.filter(intervenant=intervenant)
        .with_related()
        .select_related("etat__attestation__attested_by")
        .prefetch_related(
            "etat__parts__batch",
            "etat__parts__history__actor",
            *(f"etat__parts__{m._meta.model_name}s" for m in LINE_MODELS),
            "etat__parts__travellegs__from_commune",
            "etat__parts__travellegs__to_commune",
        )
        .order_by("start_date", "pk")
    )
    mission_data = []
    for mission in missions:
        item = _values(mission, exclude=("intervenant",))
        etat = getattr(mission, "etat", None)
        item["etat_de_frais"] = None
        if etat is not None:
            attestation = getattr(etat, "attestation", None)
            item["etat_de_frais"] = {
                "entry_deadline": etat.entry_deadline,
                "parts": [_part(part) for part in etat.parts.all()],
                "attestation": _values(attestation, exclude=("etat",)) if attestation else None,
            }
        mission_data.append(item)
    return {
        "exported_at": timezone.now(),
        "intervenant": _values(intervenant, exclude=("user",)),
        "account": _account(intervenant.user),
        "dossier_financier": _values(dossier, exclude=("intervenant",)) if dossier else None,
        "missions": mission_data,
        "notifications": [
            _values(n, exclude=("intervenant",))
            for n in Notification.objects.filter(intervenant=intervenant).order_by("created_at")
        ],
        "convocations": [
            {"run": str(doc.run), "pdf": doc.pdf.name, "created_at": doc.created_at}
            for doc in ConvocationDocument.objects.filter(intervenant=intervenant).select_related(
                "run__session"
            )
        ],
        "audit_trail": {
            "intervenant": _audit_trail(Intervenant.history, intervenant.pk),
            "dossier_financier": (
                _audit_trail(DossierFinancier.history, dossier.pk) if dossier else []
            ),
        },
    }
