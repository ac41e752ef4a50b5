import sys
import types

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from missions.models import Intervenant
from regulations import services
from regulations.models import RequestStatus
from tests.factories import IntervenantFactory, UserFactory
from tests.regulations.factories import PDF_BYTES, IntervenantRequestFactory

pytestmark = pytest.mark.django_db


def url(view, record=None):
    args = [record.pk] if record is not None else []
    return reverse(f"demandes-intervenants:{view}", args=args)


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="dec-admin", is_superuser=True, is_staff=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def fake_create(monkeypatch):
    """Stands in for missions.services.intervenants.create_intervenant_from_request."""
    calls = []

    def create_intervenant_from_request(record, actor, home_commune=None):
        calls.append((record.pk, actor))
        return IntervenantFactory(
            last_name=record.last_name,
            first_name=record.first_name,
            email=record.email,
            home_commune=home_commune or record.home_commune,
            category=record.category,
        )

    module = types.ModuleType("missions.services.intervenants")
    module.create_intervenant_from_request = create_intervenant_from_request
    monkeypatch.setitem(sys.modules, "missions.services.intervenants", module)
    return calls


def test_index__lists_requests_with_decision_buttons(admin_client):
    pending = IntervenantRequestFactory()
    decided = IntervenantRequestFactory(status=RequestStatus.REFUSED)
    html = admin_client.get(url("index")).content.decode()
    assert pending.reference in html and decided.reference in html
    assert url("accept", pending) in html and url("refuse", pending) in html
    assert url("accept", decided) not in html
    assert "demandes-intervenants/new/" not in html


def test_inspect__shows_the_request_and_a_link_to_the_private_document(admin_client):
    record = IntervenantRequestFactory()
    record.supporting_document.save("piece.pdf", ContentFile(PDF_BYTES))
    html = admin_client.get(url("inspect", record)).content.decode()
    assert record.email in html and "Papeete" in html
    assert url("document", record) in html
    response = admin_client.get(url("document", record))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]


def test_document__is_not_served_to_anonymous_or_unprivileged_users(client):
    record = IntervenantRequestFactory()
    record.supporting_document.save("piece.pdf", ContentFile(PDF_BYTES))
    assert client.get(url("document", record)).status_code == 302  # to the admin login
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url("document", record)).status_code in {302, 403}


def test_accept__creates_the_intervenant_and_emails_the_requester(admin_client, fake_create):
    record = IntervenantRequestFactory()
    assert admin_client.get(url("accept", record)).status_code == 200
    response = admin_client.post(url("accept", record))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RequestStatus.ACCEPTED
    assert record.intervenant is not None
    assert record.decided_by == admin_client.user and record.decided_at is not None
    assert fake_create == [(record.pk, admin_client.user)]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [record.email]
    assert "acceptée" in mail.outbox[0].subject
    assert "première convocation" in mail.outbox[0].body


def test_accept__twice_creates_one_intervenant(admin_client, fake_create):
    record = IntervenantRequestFactory()
    admin_client.post(url("accept", record))
    response = admin_client.post(url("accept", record))
    assert response.status_code == 302
    assert len(fake_create) == 1
    with pytest.raises(services.RequestAlreadyDecided):
        services.accept_request(record, admin_client.user)


def test_refuse__requires_a_reason_and_emails_it(admin_client):
    record = IntervenantRequestFactory()
    response = admin_client.post(url("refuse", record), {"reason": "   "})
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.status == RequestStatus.PENDING

    reason = "Votre situation ne relève pas des catégories d'intervenants extérieurs."
    response = admin_client.post(url("refuse", record), {"reason": reason})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RequestStatus.REFUSED
    assert record.refusal_reason == reason
    assert len(mail.outbox) == 1
    assert reason in mail.outbox[0].body
    assert mail.outbox[0].to == [record.email]


def test_decision_views__are_refused_without_the_change_permission(client):
    record = IntervenantRequestFactory()
    client.force_login(UserFactory(is_staff=True))
    assert client.post(url("refuse", record), {"reason": "non"}).status_code in {302, 403}
    record.refresh_from_db()
    assert record.status == RequestStatus.PENDING


def test_accept__with_the_real_service_creates_intervenant_and_portal_account(admin_client):
    record = IntervenantRequestFactory(last_name="Teriierooiterai", email="t.t@example.pf")
    admin_client.post(url("accept", record))
    record.refresh_from_db()
    intervenant = Intervenant.objects.get(pk=record.intervenant_id)
    assert intervenant.last_name == "Teriierooiterai"
    assert intervenant.email == "t.t@example.pf"
    assert intervenant.home_commune == record.home_commune
    assert intervenant.category == record.category
    assert intervenant.is_external
    assert intervenant.user is not None


def test_accept__someone_living_abroad_is_attached_to_a_commune_chosen_by_the_dec(admin_client):
    from missions.models import Commune

    record = IntervenantRequestFactory(
        home_commune=None, address="12 rue des Écoles", postal_code="75005", town="Paris",
        country="France",
    )  # fmt: skip
    response = admin_client.post(url("accept", record))
    assert response.status_code == 200
    assert "Choisissez la commune de rattachement" in response.content.decode()
    record.refresh_from_db()
    assert record.status == RequestStatus.PENDING

    faaa = Commune.objects.get(name="Faa'a")
    assert admin_client.post(url("accept", record), {"home_commune": faaa.pk}).status_code == 302
    record.refresh_from_db()
    person = record.intervenant
    assert record.status == RequestStatus.ACCEPTED and person.home_commune == faaa
    assert person.address.splitlines() == ["12 rue des Écoles", "75005 Paris", "France"]
