from pathlib import Path
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from imagin_site.common.uploads import MAX_UPLOAD_SIZE
from missions.enums import EXTERNAL_CATEGORIES, IntervenantCategory
from regulations import services
from regulations.models import IntervenantRequest, RequestStatus
from tests.factories import IntervenantFactory
from tests.regulations.factories import (
    PDF_BYTES,
    PNG_BYTES,
    IntervenantRequestFactory,
    request_page,
    valid_form_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # the rate limit counts per IP in the cache
    yield
    cache.clear()


@pytest.fixture
def page():
    return request_page()


def post(client, page, data, **extra):
    return client.post(page.url, data, **extra)


def test_form__offers_the_four_external_categories_and_the_communes(client, page):
    html = client.get(page.url).content.decode()
    for category in EXTERNAL_CATEGORIES:
        assert f'value="{category.value}"' in html
    assert IntervenantCategory.EDUCATION_POLYNESIE.value not in html
    assert ">Punaauia</option>" in html and ">Nuku-Hiva</option>" in html
    assert 'name="consent"' in html
    assert 'class="fr-hidden" aria-hidden="true"' in html  # honeypot out of sight


def test_valid_request__stores_one_record_sends_one_email_and_shows_the_reference(client, page):
    response = post(client, page, valid_form_data())
    assert response.status_code == 302
    record = IntervenantRequest.objects.get()
    assert record.status == RequestStatus.PENDING
    assert record.reference.startswith("DEM-") and record.reference.endswith(f"{record.pk:05d}")
    assert record.category == IntervenantCategory.HIGHER_EDUCATION
    assert record.home_commune.name == "Punaauia"
    assert record.consent_given_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dec@ac-polynesie.pf"]
    assert record.reference in message.subject
    assert f"/admin/demandes-intervenants/inspect/{record.pk}/" in message.body

    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    assert record.reference in confirmation.content.decode()
    # The reference is shown once; a reload sends back to the form.
    assert client.get(response["Location"]).status_code == 302


def test_invalid_request__shows_french_errors_and_stores_nothing(client, page):
    data = valid_form_data(last_name="", email="pas-une-adresse", postal_code="75001")
    del data["consent"]
    response = post(client, page, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Votre demande n'a pas été envoyée" in html.replace("&#x27;", "'")
    assert "Champ requis." in html
    assert "Saisissez une adresse de courriel valide." in html
    assert "commence par 987" in html
    assert "Vous devez accepter le traitement de vos données." in html
    assert IntervenantRequest.objects.count() == 0
    assert mail.outbox == []


def test_birth_date_in_the_future__is_refused(client, page):
    response = post(client, page, valid_form_data(birth_date="2999-01-01"))
    assert "Vérifiez la date de naissance." in response.content.decode()
    assert not IntervenantRequest.objects.exists()


def test_honeypot__filled_in_by_a_robot_stores_nothing(client, page):
    response = post(client, page, valid_form_data(site_web="http://spam.example"))
    assert response.status_code == 200
    assert "n&#x27;a pas pu être pris en compte" in response.content.decode()
    assert not IntervenantRequest.objects.exists()
    assert mail.outbox == []


def test_rate_limit__refuses_submissions_beyond_the_limit_per_ip(client, page, settings):
    settings.INTERVENANT_REQUEST_RATE_LIMIT = 2
    for n in range(2):
        data = valid_form_data(email=f"personne{n}@example.pf", last_name=f"Nom{n}")
        assert post(client, page, data).status_code == 302
    response = post(client, page, valid_form_data(email="trois@example.pf", last_name="Trois"))
    assert response.status_code == 200
    assert "Trop de demandes" in response.content.decode()
    assert IntervenantRequest.objects.count() == 2
    # Another address is not affected.
    other = valid_form_data(email="autre@example.pf", last_name="Autre")
    assert post(client, page, other, REMOTE_ADDR="10.0.0.9").status_code == 302


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "autre.adresse@example.pf"},  # same names and birth date
        {"last_name": "Autre", "first_name": "Personne"},  # same email
        {"last_name": "TETUANUI", "first_name": " hinano ", "email": "x@example.pf"},
    ],
)
def test_duplicate__a_pending_request_for_the_same_person_is_detected(client, page, overrides):
    assert post(client, page, valid_form_data()).status_code == 302
    response = post(client, page, valid_form_data(**overrides))
    assert response.status_code == 200
    assert "déjà en cours de traitement" in response.content.decode()
    assert IntervenantRequest.objects.count() == 1


def test_duplicate__a_decided_request_does_not_block_a_new_one(client, page):
    IntervenantRequestFactory(email="hinano.tetuanui@example.pf", status=RequestStatus.REFUSED)
    assert post(client, page, valid_form_data()).status_code == 302


def test_duplicate__an_existing_intervenant_is_detected(client, page):
    IntervenantFactory(email="hinano.tetuanui@example.pf")
    response = post(client, page, valid_form_data())
    assert "déjà enregistrée comme intervenant" in response.content.decode()
    assert not IntervenantRequest.objects.exists()


@pytest.mark.parametrize(("name", "content"), [("piece.pdf", PDF_BYTES), ("scan.png", PNG_BYTES)])
def test_upload__pdf_or_png_is_stored_in_private_storage(client, page, settings, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = post(client, page, {**valid_form_data(), "supporting_document": upload})
    assert response.status_code == 302
    stored = IntervenantRequest.objects.get().supporting_document
    path = Path(stored.path)
    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert path.suffix == Path(name).suffix
    assert path.read_bytes() == content


def test_upload__content_not_matching_an_accepted_type_is_refused(client, page):
    fake = SimpleUploadedFile("piece.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post(client, page, {**valid_form_data(), "supporting_document": fake})
    assert "Format non accepté" in response.content.decode()
    assert not IntervenantRequest.objects.exists()


def test_upload__too_large_is_refused(client, page):
    big = SimpleUploadedFile("gros.pdf", PDF_BYTES + b"0" * MAX_UPLOAD_SIZE)
    response = post(client, page, {**valid_form_data(), "supporting_document": big})
    assert "taille maximale de 5 Mo" in response.content.decode()
    assert not IntervenantRequest.objects.exists()


def test_confirmation__without_a_submission_goes_back_to_the_form(client, page):
    response = client.get(page.url + "confirmation/")
    assert response.status_code == 302
    assert response["Location"] == page.url


def test_mail_server_down__the_request_is_still_recorded(client, page, monkeypatch, caplog):
    def broken_send_mail(*args, **kwargs):
        raise SMTPException("serveur indisponible")

    monkeypatch.setattr(services, "send_mail", broken_send_mail)
    response = post(client, page, valid_form_data())
    assert response.status_code == 302
    assert IntervenantRequest.objects.count() == 1
    assert "Courriel non envoyé" in caplog.text


# Applicants from anywhere (issue 14): another académie, higher education, retirees...

ABROAD = {"address": "12 rue des Écoles", "postal_code": "75005", "town": "Paris",
          "country": "France", "home_commune": "", "email": "claire.martin@example.fr",
          "last_name": "Martin", "first_name": "Claire", "phone": "+33 6 12 34 56 78"}  # fmt: skip


def test_address_abroad__is_accepted_without_a_polynesian_commune(client, page):
    response = post(client, page, valid_form_data(**ABROAD))
    assert response.status_code == 302, response.content.decode()[:3000]
    record = IntervenantRequest.objects.get()
    assert (record.postal_code, record.town, record.country) == ("75005", "Paris", "France")
    assert record.home_commune is None and not record.lives_in_polynesia


def test_address_abroad__a_commune_sent_anyway_is_not_kept(client, page):
    data = valid_form_data(**{**ABROAD, "home_commune": valid_form_data()["home_commune"]})
    assert post(client, page, data).status_code == 302
    assert IntervenantRequest.objects.get().home_commune is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({**ABROAD, "town": ""}, "id_town", "Indiquez la ville"),
        ({"postal_code": "75005"}, "id_postal_code", "commence par 987"),
        ({"home_commune": ""}, "id_home_commune", "Choisissez votre commune"),
        ({"home_commune": "", "country": "polynesie francaise"}, "id_home_commune",
         "Choisissez votre commune"),
    ],
)  # fmt: skip
def test_address__polynesian_rules_only_for_polynesia(client, page, overrides, field, message):
    response = post(client, page, valid_form_data(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and f'href="#{field}"' in body
    assert not IntervenantRequest.objects.exists()


def test_address_in_polynesia__country_defaults_and_town_is_the_commune(client, page):
    assert post(client, page, valid_form_data()).status_code == 302
    record = IntervenantRequest.objects.get()
    assert (record.country, record.town, record.home_commune.name) == (
        "Polynésie française", "Punaauia", "Punaauia",
    )  # fmt: skip


def test_invalid_submission__the_summary_takes_the_focus(client, page):
    body = post(client, page, valid_form_data(email="pas-une-adresse")).content.decode()
    assert 'tabindex="-1" data-error-summary' in body
    assert "js/error-summary.js" in body
    assert "js/error-summary.js" not in client.get(page.url).content.decode()
