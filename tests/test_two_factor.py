"""Staff reach the admin only after the second factor (django-otp)."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from missions import two_factor
from tests.factories import UserFactory, gestionnaire

pytestmark = pytest.mark.django_db
PASSWORD = "motdepasse-de-test"


def token(device):
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def log_in(client, user):
    return client.post(reverse("wagtailadmin_login"),
                       {"username": user.username, "password": PASSWORD})  # fmt: skip


ADMIN_URLS = ["/admin/", "/admin/snippets/missions/mission/", "/admin/controle/",
              "/admin/convocations/", "/admin/pages/"]  # fmt: skip


def test_password_alone__reaches_no_admin_url(unverified_client):
    user = gestionnaire()
    log_in(unverified_client, user)
    for url in ADMIN_URLS:
        response = unverified_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor_setup"))


def test_enrolment__qr_code_then_first_code_then_recovery_codes(unverified_client):
    user = gestionnaire()
    log_in(unverified_client, user)
    page = unverified_client.get(reverse("two_factor_setup")).content.decode()
    assert "<svg" in page and "Activer la double authentification" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = unverified_client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert "Code incorrect" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code throttles the device for a second
    response = unverified_client.post(reverse("two_factor_setup"), {"token": token(device)})
    codes = re.findall(r"<li>(\d{8})</li>", response.content.decode())
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert unverified_client.get("/admin/").status_code == 200


def test_next_login__asks_for_the_code(client, unverified_client):
    user = gestionnaire()
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    log_in(unverified_client, user)
    response = unverified_client.get("/admin/controle/")
    assert response["Location"].startswith(reverse("two_factor_verify"))
    response = unverified_client.post(
        reverse("two_factor_verify") + "?next=/admin/controle/", {"token": token(device)}
    )
    assert response["Location"] == "/admin/controle/"
    assert unverified_client.get("/admin/controle/").status_code == 200


def test_recovery_code__works_once(unverified_client):
    user = gestionnaire()
    TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    code = two_factor.new_recovery_codes(user)[0]
    log_in(unverified_client, user)
    assert unverified_client.post(reverse("two_factor_verify"), {"token": code}).status_code == 302
    unverified_client.post(reverse("wagtailadmin_logout"))
    log_in(unverified_client, user)
    response = unverified_client.post(reverse("two_factor_verify"), {"token": code})
    assert "Code incorrect ou déjà utilisé" in response.content.decode()


def test_next_parameter__cannot_redirect_elsewhere(unverified_client):
    user = gestionnaire()
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    log_in(unverified_client, user)
    response = unverified_client.post(reverse("two_factor_verify") + "?next=https://evil.example/",
                                      {"token": token(device)})  # fmt: skip
    assert response["Location"] == reverse("wagtailadmin_home")


def test_administrator__resets_a_colleagues_device(client):
    colleague = gestionnaire()
    TOTPDevice.objects.create(user=colleague, name="t", confirmed=True)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert colleague.username in client.get(reverse("two_factor_reset")).content.decode()
    client.post(reverse("two_factor_reset"), {"user": colleague.pk})
    assert not TOTPDevice.objects.filter(user=colleague).exists()


def test_reset__administrators_only(client):
    client.force_login(gestionnaire())
    assert client.get(reverse("two_factor_reset")).status_code == 403


def test_intervenants__are_not_asked_for_a_second_factor(unverified_client):
    intervenant_user = UserFactory()
    unverified_client.force_login(intervenant_user)
    response = unverified_client.get("/admin/")
    assert not response.get("Location", "").startswith(reverse("two_factor_setup"))
