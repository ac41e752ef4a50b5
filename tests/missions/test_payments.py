"""Payment batches: selection and refusals, numbering, export files (CSV, XLSX, PDF),
immutability once exported, payment, the admin screens and their access, concurrency."""

import csv
import datetime
import io
import threading
import time

import openpyxl
import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from missions.enums import BatchStatus, PartNature, PartStatus
from missions.io import payment_files
from missions.io.payment_formats import payment_file
from missions.models import FeePart, Notification, PaymentBatch, StatusChange
from missions.services import payments
from missions.services.payments import PaymentError
from tests.factories import (
    CentreFactory,
    IntervenantFactory,
    MissionFactory,
    SessionFactory,
    chef_de_centre,
    commune,
    controlled_parts,
    gestionnaire,
    parts_for,
    payable_dossier,
)

S = PartStatus
R, D = PartNature.REMUNERATION, PartNature.TRAVEL
TODAY = timezone.localdate


def reload(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def user(db):
    return gestionnaire()


def draft_batch(user, nature=R, session=None):
    batch, _ = payments.create_batch(nature, user=user, session=session)
    return batch


def exported_batch(user, nature=R, expected=None):
    batch = draft_batch(user, nature)
    expected = expected or TODAY() + datetime.timedelta(days=20)
    return payment_files.export_batch(batch, expected_payment_on=expected)


# Selection and refusals


def test_select_parts__only_controlled_parts_of_the_nature(db):
    work, trip = controlled_parts()
    other_work, other_trip = controlled_parts()
    for status in [S.SERVICE_FAIT, S.TO_ENTER, S.IN_PAYMENT, S.PAID, S.REJECTED]:
        mission = MissionFactory()
        payable_dossier(mission.intervenant)
        parts_for(mission, status=status)

    selection = payments.select_parts(R)

    assert {p.pk for p in selection.included} == {work.pk, other_work.pk}
    assert selection.refused == []
    assert selection.total == 2 * 22076
    assert {p.pk for p in payments.select_parts(D).included} == {trip.pk, other_trip.pk}


def test_select_parts__session_filter(db):
    june, september = SessionFactory(), SessionFactory()
    in_june, _ = controlled_parts(session=june)
    controlled_parts(session=september)
    assert [p.pk for p in payments.select_parts(R, session=june).included] == [in_june.pk]


def test_create_batch__refuses_blocked_dossiers_with_the_reason(user):
    now = timezone.now()
    ok, _ = controlled_parts()
    cases = {
        "aucun dossier financier": {},
        "dossier incomplet : IBAN, RIB (pièce justificative) manquant(s)": {
            "iban": "", "rib_document": ""},
        "dossier non vérifié par la DEC": {"checked_at": None},
        "coordonnées bancaires modifiées depuis la dernière vérification de la DEC": {
            "checked_at": now - datetime.timedelta(days=30),
            "bank_changed_at": now - datetime.timedelta(days=2)},
        "dossier expiré (plus de 24 mois sans mission)": {
            "last_mission_on": TODAY() - datetime.timedelta(days=800)},
    }  # fmt: skip
    blocked = {}
    for reason, dossier in cases.items():
        intervenant = IntervenantFactory()
        if dossier:
            payable_dossier(intervenant, **dossier)
        part, _ = controlled_parts(MissionFactory(intervenant=intervenant), payable=False)
        blocked[part.pk] = reason

    batch, selection = payments.create_batch(R, user=user)

    assert [p.pk for p in batch.parts.all()] == [ok.pk]
    assert {r.part.pk: "; ".join(r.reasons) for r in selection.refused} == blocked
    left_out = FeePart.objects.filter(pk__in=blocked)
    assert set(left_out.values_list("status", "batch")) == {(S.CONTROLLED, None)}


def test_create_batch__zero_amount_is_refused(user):
    controlled_parts()
    empty, _ = controlled_parts(remuneration=0)
    _, selection = payments.create_batch(R, user=user)
    assert [(r.part.pk, r.reasons) for r in selection.refused] == [
        (empty.pk, ("montant nul : rien à payer",))
    ]


def test_create_batch__puts_the_parts_in_payment(user):
    work, trip = controlled_parts()
    batch, selection = payments.create_batch(R, user=user)

    assert batch.status == BatchStatus.DRAFT
    assert batch.created_by == user
    work, trip = reload(work), reload(trip)
    assert (work.status, work.batch) == (S.IN_PAYMENT, batch)
    assert (trip.status, trip.batch) == (S.CONTROLLED, None)  # other nature
    change = StatusChange.objects.get(part=work)
    assert (change.from_status, change.to_status, change.actor) == (
        S.CONTROLLED, S.IN_PAYMENT, user)  # fmt: skip
    assert selection.count == 1


def test_create_batch__nothing_to_pay_is_refused(user):
    controlled_parts(payable=False)
    with pytest.raises(PaymentError, match="Aucune partie à mettre en paiement"):
        payments.create_batch(R, user=user)
    assert PaymentBatch.objects.count() == 0


def test_batch_numbers__per_nature_and_year(user):
    PaymentBatch.objects.create(number=f"{TODAY().year - 1}-R007", nature=R)
    numbers = []
    for nature in [R, R, D]:
        controlled_parts()
        numbers.append(draft_batch(user, nature).number)
    year = TODAY().year
    assert numbers == [f"{year}-R001", f"{year}-R002", f"{year}-D001"]


def test_add_part__a_part_already_in_a_batch_is_refused(user):
    work, _ = controlled_parts()
    first = draft_batch(user)
    second = payments.new_batch(R, user=user)
    with pytest.raises(PaymentError, match=f"déjà dans le lot {first.number}"):
        payments.add_part(second, reload(work), user=user)
    assert reload(work).batch == first


def test_add_part__refuses_another_nature_and_a_blocked_dossier(user):
    work, trip = controlled_parts()
    blocked, _ = controlled_parts(payable=False)
    batch = payments.new_batch(R, user=user)
    with pytest.raises(PaymentError, match="lot de rémunération"):
        payments.add_part(batch, trip, user=user)
    with pytest.raises(PaymentError, match="aucun dossier financier"):
        payments.add_part(batch, blocked, user=user)
    payments.add_part(batch, work, user=user)
    assert list(batch.parts.all()) == [work]


def test_remove_part__back_to_controlled_and_out_of_the_batch(user):
    work, _ = controlled_parts()
    batch = draft_batch(user)
    payments.remove_part(batch, reload(work), user=user)
    work = reload(work)
    assert (work.status, work.batch) == (S.CONTROLLED, None)
    assert batch.parts.count() == 0


# Export and immutability


def test_export__freezes_the_batch_and_tells_the_expected_date(user):
    work, _ = controlled_parts()
    other, _ = controlled_parts()
    expected = TODAY() + datetime.timedelta(days=30)
    batch = exported_batch(user, expected=expected)

    batch = reload(batch)
    assert batch.status == BatchStatus.EXPORTED
    assert batch.exported_at is not None
    assert batch.expected_payment_on == expected
    assert {reload(p).expected_payment_on for p in (work, other)} == {expected}

    with pytest.raises(PaymentError, match=f"Le lot {batch.number} est exporté : il ne peut plus"):
        payments.remove_part(batch, reload(work), user=user)
    late, _ = controlled_parts()
    with pytest.raises(PaymentError, match="il ne peut plus être modifié"):
        payments.add_part(batch, late, user=user)
    with pytest.raises(PaymentError, match="il ne peut plus être modifié"):
        payment_files.export_batch(batch, expected_payment_on=expected)
    assert batch.parts.count() == 2
    assert reload(work).status == S.IN_PAYMENT


def test_export__refuses_a_past_date_and_an_empty_batch(user):
    work, _ = controlled_parts()
    batch = draft_batch(user)
    with pytest.raises(PaymentError, match="ne peut pas être passée"):
        payment_files.export_batch(batch, expected_payment_on=TODAY() - datetime.timedelta(days=1))
    payments.remove_part(batch, reload(work), user=user)
    with pytest.raises(PaymentError, match="est vide"):
        payment_files.export_batch(batch, expected_payment_on=TODAY())
    assert reload(batch).status == BatchStatus.DRAFT


@pytest.fixture
def batch_with_injection(user):
    intervenant = IntervenantFactory(
        last_name="=HYPERLINK(\"http://evil.example\",\"clic\")", usage_name="@SUM(A1)",
        first_name="+Teva", email="teva@example.pf",
    )  # fmt: skip
    payable_dossier(intervenant, account_holder="-Teva MAHAI")
    mission = MissionFactory(intervenant=intervenant, convocation_number="CONV-2026-0042")
    controlled_parts(mission, remuneration=22076)
    controlled_parts(remuneration=7446)
    return exported_batch(user)


HEADERS = [
    "Lot", "Identifiant intervenant", "Civilité", "Nom de naissance", "Nom d'usage", "Prénom",
    "IBAN", "BIC", "Titulaire du compte", "Nature", "N° de convocation", "Session", "Mission",
    "Montant (XPF)",
]  # fmt: skip


def test_payment_file__csv_lines_total_and_neutralised_formulas(batch_with_injection):
    batch = batch_with_injection
    content, content_type, filename = payment_file(batch, "csv")
    assert content_type.startswith("text/csv")
    assert filename == f"mise-en-paiement-{batch.number}.csv"
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: French Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))

    assert list(rows[0]) == HEADERS
    lines, total = rows[:-1], rows[-1]
    assert len(lines) == 2
    line = next(r for r in lines if r["N° de convocation"] == "CONV-2026-0042")
    assert line["Lot"] == batch.number
    assert line["Nom de naissance"] == '\'=HYPERLINK("http://evil.example","clic")'
    assert line["Nom d'usage"] == "'@SUM(A1)"
    assert line["Prénom"] == "'+Teva"
    assert line["Titulaire du compte"] == "'-Teva MAHAI"
    assert line["IBAN"] == "FR7630001007941234567890185"
    assert line["BIC"] == "BDFEFRPP"
    assert line["Civilité"] == "Mme"
    assert line["Nature"] == "Rémunération"
    assert line["Montant (XPF)"] == "22076"
    assert total["Lot"] == "TOTAL"
    assert total["Identifiant intervenant"] == "2 lignes"
    assert total["Montant (XPF)"] == str(22076 + 7446)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_payment_file__xlsx_with_numbers_and_neutralised_formulas(batch_with_injection):
    content, content_type, _ = payment_file(batch_with_injection, "xlsx")
    assert "spreadsheetml" in content_type
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))

    assert list(rows[0]) == HEADERS
    assert rows[-1][0] == "TOTAL"
    assert rows[-1][-1] == 22076 + 7446
    assert sorted(r[-1] for r in rows[1:-1]) == [7446, 22076]
    for row in rows:
        for value in row:
            assert not (isinstance(value, str) and value.startswith(("=", "+", "-", "@")))
    # openpyxl would store a cell starting with "=" as a formula: none is.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_summary_pdf__totals_by_archipelago_and_activity(user):
    papeete = CentreFactory(commune=commune("Papeete"))
    uturoa = CentreFactory(commune=commune("Uturoa"))
    nuku_hiva = CentreFactory(commune=commune("Nuku-Hiva"))
    for centre, amount in [(papeete, 22076), (uturoa, 7446), (nuku_hiva, 10000)]:
        controlled_parts(MissionFactory(centre=centre), remuneration=amount)
    batch = exported_batch(user)

    reader = PdfReader(io.BytesIO(payments.summary_pdf(batch)))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())

    assert f"Mise en paiement — lot {batch.number}" in text
    assert "Nombre de lignes 3" in text
    assert "Montant total 39 522 XPF" in text
    assert "Société 2 29 522 XPF" in text
    assert "Marquises 1 10 000 XPF" in text
    assert "Correction de copies 3 39 522 XPF" in text


# Payment


def test_mark_paid__dates_statuses_and_emails(user, django_capture_on_commit_callbacks):
    work, _ = controlled_parts()
    other, _ = controlled_parts()
    batch = exported_batch(user)
    paid_on = TODAY()

    with django_capture_on_commit_callbacks(execute=True):
        payments.mark_paid(batch, paid_on=paid_on, user=user)

    batch = reload(batch)
    assert (batch.status, batch.paid_on) == (BatchStatus.PAID, paid_on)
    for part in (reload(work), reload(other)):
        assert (part.status, part.paid_on) == (S.PAID, paid_on)
    assert len(mail.outbox) == 2
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {p.etat.mission.intervenant.email for p in (work, other)}
    assert all(f"effectué le {paid_on:%d/%m/%Y}" in m.body for m in mail.outbox)
    assert all("22\u202f076\u00a0XPF" in m.body for m in mail.outbox)
    assert Notification.objects.filter(kind="paid", sent_at__isnull=False).count() == 2


def test_mark_paid__only_an_exported_batch_and_not_in_the_future(user):
    controlled_parts()
    batch = draft_batch(user)
    with pytest.raises(PaymentError, match="seul un lot exporté"):
        payments.mark_paid(batch, paid_on=TODAY(), user=user)
    batch = payment_files.export_batch(batch, expected_payment_on=TODAY())
    with pytest.raises(PaymentError, match="dans le futur"):
        payments.mark_paid(batch, paid_on=TODAY() + datetime.timedelta(days=1), user=user)
    with pytest.raises(PaymentError, match="précède l'export"):
        payments.mark_paid(batch, paid_on=TODAY() - datetime.timedelta(days=1), user=user)
    payments.mark_paid(batch, paid_on=TODAY(), user=user)
    with pytest.raises(PaymentError, match="seul un lot exporté"):
        payments.mark_paid(batch, paid_on=TODAY(), user=user)


# Admin screens


def test_admin__new_batch_preview_then_create(client, user):
    session = SessionFactory(name="Bac 2026, session de juin")
    ok, _ = controlled_parts(session=session)
    blocked, _ = controlled_parts(session=session, payable=False)
    client.force_login(user)

    url = reverse("missions_payment_new")
    html = client.get(url, {"nature": R, "session": session.pk}).content.decode()
    assert 'data-total="included">1<' in html
    assert 'data-total="refused"' in html
    assert "Aucun dossier financier" in html
    assert blocked.etat.mission.intervenant.full_name in html
    assert PaymentBatch.objects.count() == 0  # a preview changes nothing

    response = client.post(url, {"nature": R, "session": session.pk})
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("missions_payment", args=[batch.pk])
    assert list(batch.parts.all()) == [ok]

    html = client.get(response["Location"]).content.decode()
    assert f"Lot {batch.number} créé : 1 partie" in html
    assert "Retirer" in html
    assert "Exporter et figer le lot" in html
    assert "Refusées, toujours en attente (1)" in html


def test_admin__create_with_nothing_to_pay_says_why(client, user):
    controlled_parts(payable=False)
    client.force_login(user)
    response = client.post(reverse("missions_payment_new"), {"nature": R}, follow=True)
    assert (
        response.redirect_chain[-1][0] == reverse("missions_payment_new") + f"?nature={R}&session="
    )
    assert "Aucune partie à mettre en paiement" in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.redirect_chain[-1][0]
    assert PaymentBatch.objects.count() == 0


def test_admin__list_shows_counts_and_totals(client, user):
    controlled_parts(remuneration=1000)
    controlled_parts(remuneration=2500)
    batch = draft_batch(user)
    client.force_login(user)
    html = client.get(reverse("missions_payments")).content.decode()
    assert batch.number in html
    assert "3\u202f500\u00a0XPF" in html
    assert "Mises en paiement" in client.get(reverse("wagtailadmin_home")).content.decode()


def test_admin__remove_export_download_and_pay(client, user, django_capture_on_commit_callbacks):
    work, _ = controlled_parts()
    removed, _ = controlled_parts()
    batch = draft_batch(user)
    client.force_login(user)
    detail = reverse("missions_payment", args=[batch.pk])

    # Files only once the batch is frozen.
    response = client.get(reverse("missions_payment_download", args=[batch.pk, "csv"]))
    assert response.status_code == 302

    client.post(reverse("missions_payment_remove", args=[batch.pk, removed.pk]))
    assert reload(removed).status == S.CONTROLLED

    expected = TODAY() + datetime.timedelta(days=15)
    client.post(reverse("missions_payment_export", args=[batch.pk]),
                {"expected_payment_on": expected.isoformat()})  # fmt: skip
    assert reload(batch).status == BatchStatus.EXPORTED
    html = client.get(detail).content.decode()
    assert "Retirer" not in html
    assert "Exporter et figer" not in html
    assert "Marquer le lot payé" in html

    # A forged removal of a frozen batch is refused.
    response = client.post(reverse("missions_payment_remove", args=[batch.pk, work.pk]),
                           follow=True)  # fmt: skip
    assert "il ne peut plus être modifié" in response.content.decode()
    assert reload(work).batch == batch

    for fmt, kind in [("csv", "text/csv"), ("xlsx", "spreadsheetml"), ("pdf", "application/pdf")]:
        response = client.get(reverse("missions_payment_download", args=[batch.pk, fmt]))
        assert response.status_code == 200
        assert kind in response["Content-Type"]
        assert f"mise-en-paiement-{batch.number}.{fmt}" in response["Content-Disposition"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("missions_payment_paid", args=[batch.pk]),
                    {"paid_on": TODAY().isoformat()})  # fmt: skip
    assert reload(work).status == S.PAID
    assert len(mail.outbox) == 1
    html = client.get(detail).content.decode()
    assert "Marquer le lot payé" not in html


def test_admin__invalid_date_is_reported(client, user):
    controlled_parts()
    batch = draft_batch(user)
    client.force_login(user)
    response = client.post(reverse("missions_payment_export", args=[batch.pk]),
                           {"expected_payment_on": "demain"}, follow=True)  # fmt: skip
    assert "Saisissez une date valide" in response.content.decode()
    assert reload(batch).status == BatchStatus.DRAFT


def payment_urls(batch, part):
    return [
        ("get", reverse("missions_payments")),
        ("get", reverse("missions_payment_new")),
        ("get", reverse("missions_payment_new") + f"?nature={R}"),
        ("post", reverse("missions_payment_new")),
        ("get", reverse("missions_payment", args=[batch.pk])),
        ("post", reverse("missions_payment_remove", args=[batch.pk, part.pk])),
        ("post", reverse("missions_payment_export", args=[batch.pk])),
        ("post", reverse("missions_payment_paid", args=[batch.pk])),
        ("get", reverse("missions_payment_download", args=[batch.pk, "csv"])),
        ("get", reverse("missions_payment_download", args=[batch.pk, "xlsx"])),
        ("get", reverse("missions_payment_download", args=[batch.pk, "pdf"])),
    ]


def test_admin__chef_de_centre_gets_403_everywhere(client, user):
    work, _ = controlled_parts()
    batch = draft_batch(user)
    client.force_login(chef_de_centre(work.etat.mission.centre))
    for method, url in payment_urls(batch, work):
        response = getattr(client, method)(url, {"nature": R, "expected_payment_on": "2030-01-01"}
                                           if method == "post" else None)  # fmt: skip
        assert response.status_code == 403, url
    assert reload(work).batch == batch
    assert reload(batch).status == BatchStatus.DRAFT
    assert "Mises en paiement" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_admin__intervenant_and_anonymous_are_sent_to_the_admin_login(client, user):
    """Without access to the Wagtail admin, Wagtail itself answers (before our views)."""
    work, _ = controlled_parts()
    batch = draft_batch(user)
    for login in [work.etat.mission.intervenant.user, None]:
        client.logout()
        if login:
            client.force_login(login)
        for method, url in payment_urls(batch, work):
            response = getattr(client, method)(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("wagtailadmin_login")), url
    assert reload(work).batch == batch
    assert reload(batch).status == BatchStatus.DRAFT


# Concurrency


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_same_part_in_two_batches_at_once__exactly_one_succeeds():
    work, _ = controlled_parts()
    users = [gestionnaire(), gestionnaire()]
    batches = [payments.new_batch(R, user=u) for u in users]
    barrier = threading.Barrier(2)
    outcomes = []

    def add(batch, user):
        try:
            barrier.wait()
            payments.add_part(batch, FeePart.objects.get(pk=work.pk), user=user)
            outcomes.append("ok")
        except PaymentError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=pair) for pair in zip(batches, users, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused"]
    work = reload(work)
    assert work.status == S.IN_PAYMENT
    assert sum(b.parts.count() for b in batches) == 1
    assert StatusChange.objects.filter(part=work, to_status=S.IN_PAYMENT).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_batches_created_at_once__get_two_numbers():
    from django.db import transaction

    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def create(hold):
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(payments.new_batch(D).number)
                time.sleep(hold)  # the other insert waits for this commit, then retries
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(hold,)) for hold in (0.3, 0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    year = TODAY().year
    assert errors == []
    assert sorted(numbers) == [f"{year}-D001", f"{year}-D002"]
