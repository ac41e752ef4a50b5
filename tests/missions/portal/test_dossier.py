import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from missions.models import DossierFinancier
from tests.factories import IntervenantFactory
from tests.missions.portal.conftest import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    person = IntervenantFactory()
    client.force_login(person.user)
    return person


def post(client, **data):
    payload = {"iban": "", "bic": "", "account_holder": "", "social_security_number": "",
               "vehicle_horsepower": ""}  # fmt: skip
    payload.update(data)
    return client.post(reverse("portal:dossier"), payload)


def test_dossier__incomplete_says_what_is_missing(client, person):
    html = client.get(reverse("portal:dossier")).content.decode()
    assert "Dossier incomplet" in html
    assert "IBAN, BIC, titulaire du compte" in html


def test_dossier__valid_iban_shows_the_bank(client, person):
    response = post(client, iban="FR76 1746 9000 1012 3456 7890 153", bic="SOCBPFTX",
                    account_holder="Vaiana Teriitehau", vehicle_horsepower="5",
                    rib_document=SimpleUploadedFile("rib.pdf", PDF),
                    id_document=SimpleUploadedFile("cni.pdf", PDF))  # fmt: skip
    assert response.status_code == 302
    dossier = DossierFinancier.objects.get(intervenant=person)
    assert dossier.iban == "FR7617469000101234567890153"
    assert dossier.is_complete
    html = client.get(reverse("portal:dossier")).content.decode()
    assert "BANQUE SOCREDO" in html


def test_dossier__invalid_iban_is_refused_in_french(client, person):
    response = post(client, iban="FR7617469000101234567890100", bic="SOCBPFTX")
    assert response.status_code == 200
    assert "IBAN invalide" in response.content.decode()
    assert not DossierFinancier.objects.filter(intervenant=person).exclude(iban="").exists()


def test_dossier__changing_the_iban_is_dated_for_the_dec(client, person):
    post(client, iban="FR7617469000101234567890153", bic="SOCBPFTX", account_holder="V T")
    dossier = DossierFinancier.objects.get(intervenant=person)
    assert dossier.bank_changed_at is None  # first entry, not a change
    response = post(client, iban="FR7612149000101234567890176", bic="BPOLPFTP",
                    account_holder="V T")  # fmt: skip
    dossier.refresh_from_db()
    assert dossier.bank_changed_at is not None
    assert response.status_code == 302


def test_dossier__wrong_document_type_is_refused(client, person):
    response = post(client, rib_document=SimpleUploadedFile("rib.pdf", b"GIF89a..."))
    assert response.status_code == 200
    assert "Format non accepté" in response.content.decode()
