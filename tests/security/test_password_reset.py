"""The portal's "mot de passe oublié" is for intervenants only, and cannot be used to flood a
mailbox or probe addresses (security issue, item 2)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from missions.portal.auth_views import RESETS_PER_ADDRESS, RESETS_PER_CLIENT
from tests.factories import NEW_PASSWORD, IntervenantFactory, UserFactory, gestionnaire

pytestmark = pytest.mark.django_db


def ask(client, email, ip="203.0.113.7"):
    return client.post(reverse("portal:password_reset"), {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.parametrize(
    "make_staff",
    [
        lambda: gestionnaire(email="dec@example.pf"),
        lambda: UserFactory(is_superuser=True, is_staff=True, email="dec@example.pf"),
    ],
    ids=["gestionnaire", "administrateur"],
)
def test_staff_account__gets_no_portal_reset_link(client, make_staff):
    staff = make_staff()
    response = ask(client, "dec@example.pf")
    assert response.status_code == 302  # same answer as for any address: nothing is revealed
    assert mail.outbox == []
    staff.refresh_from_db()
    assert staff.check_password("motdepasse-de-test")


def test_staff_link_from_the_admin_flow__is_not_valid_on_the_portal(client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    staff = gestionnaire()
    uid = urlsafe_base64_encode(force_bytes(staff.pk))
    token = default_token_generator.make_token(staff)
    url = reverse("portal:password_reset_confirm", args=[uid, token])
    page = client.get(url, follow=True)
    assert "set-password" not in page.request["PATH_INFO"]
    response = client.post(
        page.request["PATH_INFO"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password("motdepasse-de-test")


def test_intervenant__still_gets_the_link(client):
    person = IntervenantFactory(email="tea@example.pf")
    person.user.email = "tea@example.pf"
    person.user.save()
    ask(client, "tea@example.pf")
    assert len(mail.outbox) == 1
    assert re.search(r"/espace/mot-de-passe/nouveau/[^/]+/[^/]+/", mail.outbox[0].body)


def test_requests_for_one_address__are_limited(client):
    person = IntervenantFactory()
    person.user.email = "tea@example.pf"
    person.user.save()
    answers = [ask(client, "tea@example.pf", ip=f"203.0.113.{i}") for i in range(20)]
    assert len(mail.outbox) == RESETS_PER_ADDRESS
    refused = answers[RESETS_PER_ADDRESS]
    assert refused.status_code == 200
    assert "Trop de demandes de réinitialisation" in refused.content.decode()


def test_requests_from_one_client__are_limited(client):
    for i in range(RESETS_PER_CLIENT):
        assert ask(client, f"personne{i}@example.pf").status_code == 302
    refused = ask(client, "encore@example.pf")
    assert "Trop de demandes de réinitialisation" in refused.content.decode()
    assert ask(client, "encore@example.pf", ip="198.51.100.1").status_code == 302
