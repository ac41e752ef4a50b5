"""RGPD: retention (anonymisation after N years without a mission) and the export."""

import datetime
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from missions.enums import IntervenantStatus, PartStatus
from missions.models import (
    ConvocationDocument,
    ConvocationRun,
    DossierFinancier,
    FeePart,
    Intervenant,
    Notification,
    StatusChange,
)
from missions.services.privacy import apply_retention, is_anonymised, retention_cutoff
from tests.factories import (
    DossierFactory,
    IntervenantFactory,
    MissionFactory,
    WorkLineFactory,
    parts_for,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
IBAN = "FR7630001007941234567890185"


def private_file(name):
    return storages["private"].exists(name)


def build_person(end_date, part_status=PartStatus.PAID, **intervenant_kw):
    """An intervenant with a dossier (two documents), one mission ending on `end_date`
    with a paid part, a line with a receipt, a convocation PDF and a notification."""
    intervenant = IntervenantFactory(phone="87 12 34 56", address="BP 1, Papeete", **intervenant_kw)
    dossier = DossierFactory(intervenant=intervenant, iban=IBAN, social_security_number="1234567")
    dossier.rib_document.save("rib.pdf", ContentFile(b"%PDF-rib"), save=False)
    dossier.id_document.save("cni.pdf", ContentFile(b"%PDF-id"), save=False)
    dossier.save()
    mission = MissionFactory(intervenant=intervenant, start_date=end_date, end_date=end_date)
    work, _travel = parts_for(mission, status=part_status)
    FeePart.objects.filter(pk=work.pk).update(amount=22076)
    StatusChange.objects.create(
        part=work, from_status=PartStatus.CONTROLLED, to_status=part_status, actor_role="dec"
    )
    line = WorkLineFactory(part=work, date=end_date, amount=22076)
    line.receipt.save("recu.pdf", ContentFile(b"%PDF-receipt"))
    run = ConvocationRun.objects.create(session=mission.session)
    convocation = ConvocationDocument(run=run, intervenant=intervenant)
    convocation.pdf.save("convocation.pdf", ContentFile(b"%PDF-convocation"))
    Notification.objects.create(
        recipient=intervenant.email, subject="Convocation", body="Bonjour", intervenant=intervenant
    )
    files = [dossier.rib_document.name, dossier.id_document.name, line.receipt.name]
    return intervenant, work, [*files, convocation.pdf.name]


@pytest.fixture
def old_person():
    return build_person(datetime.date(2019, 6, 20))


def test_retention_cutoff__defaults_to_the_setting(settings):
    settings.RGPD_RETENTION_YEARS = 5
    assert retention_cutoff(today=TODAY) == datetime.date(2021, 11, 26)
    assert retention_cutoff(1, today=datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)


def test_retention__anonymises_identity_bank_data_and_account(
    old_person, django_capture_on_commit_callbacks
):
    intervenant, _, _ = old_person
    user = intervenant.user

    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention(5, today=TODAY)

    assert report.intervenants == 1
    intervenant.refresh_from_db()
    assert is_anonymised(intervenant)
    assert (intervenant.email, intervenant.phone, intervenant.address) == ("", "", "")
    assert intervenant.birth_date is None
    assert intervenant.status == IntervenantStatus.ARCHIVED
    dossier = DossierFinancier.objects.get(intervenant=intervenant)
    assert (dossier.iban, dossier.bic, dossier.social_security_number) == ("", "", "")
    assert (dossier.account_holder, dossier.rib_document.name, dossier.id_document.name) == (
        "",
        "",
        "",
    )
    user.refresh_from_db()
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.email == ""
    assert "Teriitehau" not in user.username


def test_retention__deletes_files_and_keeps_amounts_and_statuses(
    old_person, django_capture_on_commit_callbacks
):
    intervenant, work, files = old_person
    assert all(private_file(name) for name in files)

    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention(5, today=TODAY)

    assert (report.documents, report.receipts, report.convocations) == (2, 1, 1)
    assert not any(private_file(name) for name in files)
    assert not ConvocationDocument.objects.filter(intervenant=intervenant).exists()
    assert not Notification.objects.filter(intervenant=intervenant).exists()
    work.refresh_from_db()
    assert (work.status, work.amount) == (PartStatus.PAID, 22076)
    assert work.worklines.get().amount == 22076
    assert work.worklines.get().receipt.name == ""
    assert work.history.count() == 1


def test_retention__purges_the_audit_trail_of_former_values(
    old_person, django_capture_on_commit_callbacks
):
    intervenant, _, _ = old_person
    former_last_name = intervenant.last_name
    intervenant.phone = "87 99 99 99"
    intervenant.save()
    ModelLogEntry.objects.log_action(intervenant, "wagtail.edit")

    with django_capture_on_commit_callbacks(execute=True):
        apply_retention(5, today=TODAY)

    records = Intervenant.history.filter(id=intervenant.pk)
    assert records.count() == 1
    assert records.get().history_change_reason == "Anonymisation RGPD"
    assert not records.filter(last_name=former_last_name).exists()
    assert not DossierFinancier.history.filter(iban=IBAN).exists()
    log = ModelLogEntry.objects.get(object_id=str(intervenant.pk), action="wagtail.edit")
    assert former_last_name.upper() not in log.label


def test_retention__spares_recent_new_and_unpaid_intervenants(
    old_person, django_capture_on_commit_callbacks
):
    recent, _, _ = build_person(datetime.date(2025, 6, 20))
    unpaid, _, _ = build_person(datetime.date(2019, 6, 20), part_status=PartStatus.IN_PAYMENT)
    never_sent = IntervenantFactory()  # no mission yet, created today
    old_without_mission = IntervenantFactory()
    Intervenant.objects.filter(pk=old_without_mission.pk).update(
        created_at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention(5, today=TODAY)

    assert (report.intervenants, report.skipped_payment_pending) == (2, 1)
    for spared in (recent, unpaid, never_sent):
        spared.refresh_from_db()
        assert not is_anonymised(spared)
    unpaid_dossier = DossierFinancier.objects.get(intervenant=unpaid)
    assert unpaid_dossier.iban == IBAN
    old_without_mission.refresh_from_db()
    assert is_anonymised(old_without_mission)


def test_retention__is_idempotent(old_person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = apply_retention(5, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        second = apply_retention(5, today=TODAY)

    assert (first.intervenants, second.intervenants) == (1, 0)


def test_retention_command__dry_run_counts_and_changes_nothing(old_person):
    intervenant, _, files = old_person
    out = io.StringIO()

    call_command("rgpd_retention", "--dry-run", "--years", "5", stdout=out)

    assert "Simulation" in out.getvalue()
    assert "1 intervenant(s) seraient anonymisés" in out.getvalue()
    assert "1 justificatif(s)" in out.getvalue()
    intervenant.refresh_from_db()
    assert not is_anonymised(intervenant)
    assert all(private_file(name) for name in files)


def test_retention_command__anonymises_and_prints_counts(old_person):
    out = io.StringIO()
    call_command("rgpd_retention", stdout=out)
    assert "1 intervenant(s) anonymisés" in out.getvalue()
    assert "2 pièce(s) de dossier" in out.getvalue()
    assert is_anonymised(Intervenant.objects.get(pk=old_person[0].pk))


def test_retention_command__refuses_zero_years():
    with pytest.raises(CommandError):
        call_command("rgpd_retention", "--years", "0")


def test_export__holds_everything_on_the_intervenant(old_person, tmp_path):
    intervenant, work, _ = old_person
    output = tmp_path / "export.json"

    call_command("rgpd_export", intervenant.identifier, output=str(output), stderr=io.StringIO())

    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["intervenant"]["identifier"] == intervenant.identifier
    assert data["intervenant"]["phone"] == "87 12 34 56"
    assert data["account"]["username"] == intervenant.user.username
    assert data["dossier_financier"]["iban"] == IBAN  # the person's own data: in full
    assert data["dossier_financier"]["social_security_number"] == "1234567"
    [mission] = data["missions"]
    parts = {part["nature"]: part for part in mission["etat_de_frais"]["parts"]}
    remuneration = parts[work.nature]
    assert remuneration["amount"] == 22076
    assert remuneration["status"] == PartStatus.PAID
    assert remuneration["worklines"][0]["amount"] == 22076
    assert remuneration["status_history"][0]["to"] == PartStatus.PAID
    assert data["notifications"][0]["subject"] == "Convocation"
    assert len(data["convocations"]) == 1
    assert len(data["audit_trail"]["intervenant"]) == 1  # its creation
    assert len(data["audit_trail"]["dossier_financier"]) == 2  # creation, documents


def test_export_command__to_stdout_and_unknown_identifier(old_person):
    out = io.StringIO()
    call_command("rgpd_export", old_person[0].identifier, stdout=out)
    assert json.loads(out.getvalue())["intervenant"]["last_name"] == old_person[0].last_name
    with pytest.raises(CommandError):
        call_command("rgpd_export", "PF000000")
