"""Staff reach the admin only after the second factor (django-otp)."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from missions.backoffice import two_factor
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


# --- A password alone opens only enrolment or verification (security issue, item 1) ---


def admin_with_device():
    admin = UserFactory(is_superuser=True, is_staff=True, email="admin@example.pf")
    device = TOTPDevice.objects.create(user=admin, name="t", confirmed=True)
    return admin, device


@pytest.mark.parametrize(
    "url",
    ["/admin/2fa/reinitialiser/", "/admin/2fa/activer/", "/admin/comptes-bloques/",
     "/admin/account/", "/admin/reports/site-history/"],
)  # fmt: skip
def test_password_alone__only_verification_is_open(unverified_client, url):
    admin, _ = admin_with_device()
    log_in(unverified_client, admin)
    response = unverified_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_password_alone__cannot_reset_any_device(unverified_client):
    """The reproduced attack: reset one's own device, then enrol a new one."""
    admin, _ = admin_with_device()
    colleague = gestionnaire()
    TOTPDevice.objects.create(user=colleague, name="t", confirmed=True)
    log_in(unverified_client, admin)
    for target in (admin, colleague):
        response = unverified_client.post(reverse("two_factor_reset"), {"user": target.pk})
        assert response["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user__in=[admin, colleague], confirmed=True).count() == 2
    # Nor enrol a second device beside the first one.
    response = unverified_client.post(reverse("two_factor_setup"), {"token": "123456"})
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert not TOTPDevice.objects.filter(user=admin, confirmed=False).exists()


def test_without_device__verification_sends_to_enrolment(unverified_client):
    user = gestionnaire()
    log_in(unverified_client, user)
    response = unverified_client.get(reverse("two_factor_verify"))
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_reset__is_audited_and_told_to_the_owner(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from wagtail.models import ModelLogEntry

    colleague = gestionnaire(email="colleague@example.pf")
    TOTPDevice.objects.create(user=colleague, name="t", confirmed=True)
    admin, _ = admin_with_device()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("two_factor_reset"), {"user": colleague.pk})
    entry = ModelLogEntry.objects.get(action=two_factor.RESET_ACTION)
    assert entry.object_id == str(colleague.pk) and entry.user_id == admin.pk
    assert [m.to for m in mailoutbox] == [["colleague@example.pf"]]
    assert "réinitialisée" in mailoutbox[0].subject
    assert "prévenez immédiatement la DEC" in mailoutbox[0].body


def test_reset__refuses_an_unknown_account(client):
    admin, _ = admin_with_device()
    client.force_login(admin)
    assert client.post(reverse("two_factor_reset"), {"user": "abc"}).status_code == 404


# --- The session id changes at the second factor (item 3) ---


def test_verification__rotates_the_session_key(unverified_client):
    user = gestionnaire()
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    log_in(unverified_client, user)
    before = unverified_client.session.session_key
    unverified_client.post(reverse("two_factor_verify"), {"token": token(device)})
    after = unverified_client.session.session_key
    assert after != before
    assert unverified_client.get("/admin/controle/").status_code == 200


def test_enrolment__rotates_the_session_key(unverified_client):
    user = gestionnaire()
    log_in(unverified_client, user)
    unverified_client.get(reverse("two_factor_setup"))
    before = unverified_client.session.session_key
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    unverified_client.post(reverse("two_factor_setup"), {"token": token(device)})
    assert unverified_client.session.session_key != before


# --- Wrong codes: wait, then lock (usability issue, 2FA points) ---


def test_wrong_code__says_how_long_to_wait_and_does_not_try_the_next(unverified_client):
    user = gestionnaire()
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    log_in(unverified_client, user)
    unverified_client.post(reverse("two_factor_verify"), {"token": "000000"})
    response = unverified_client.post(reverse("two_factor_verify"), {"token": token(device)})
    page = response.content.decode()
    assert "patientez 1 seconde avant de saisir un nouveau code" in page
    assert "Code incorrect" not in page
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the right code was not even tried


def test_ten_wrong_codes__lock_the_account_until_a_gestionnaire_unlocks_it(
    unverified_client, client
):
    user = gestionnaire()
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    log_in(unverified_client, user)
    for _ in range(two_factor.FAILURE_LIMIT):
        device.refresh_from_db()
        device.throttling_failure_timestamp = None  # skip the growing delay between tries
        device.save()
        unverified_client.post(reverse("two_factor_verify"), {"token": "000000"})
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.save()
    response = unverified_client.post(reverse("two_factor_verify"), {"token": token(device)})
    assert response.status_code == 403
    assert "Compte bloqué" in response.content.decode()

    client.force_login(gestionnaire())
    listing = client.get(reverse("missions_lockouts")).content.decode()
    assert user.username in listing
    client.post(reverse("missions_lockouts"), {"two_factor_user": user.pk})
    assert not two_factor.is_locked(user)
    response = unverified_client.post(reverse("two_factor_verify"), {"token": token(device)})
    assert response.status_code == 302


def test_enrolment_field__asks_only_for_the_apps_code(unverified_client):
    log_in(unverified_client, gestionnaire())
    page = unverified_client.get(reverse("two_factor_setup")).content.decode()
    assert "Code à 6 chiffres affiché par l&#x27;application" in page
    assert "code de secours" not in page.split("<form")[1]


def test_staff_otp_middleware__the_device_django_otp_finds_read_afresh(django_assert_num_queries):
    from django_otp.models import Device
    from django_otp.plugins.otp_static.models import StaticDevice

    user = gestionnaire()
    totp = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Codes", confirmed=False)
    middleware = two_factor.StaffOTPMiddleware(lambda request: None)

    def fields(device):
        return {f.attname: getattr(device, f.attname) for f in type(device)._meta.concrete_fields}

    for device in (totp, static):
        with django_assert_num_queries(1):
            ours = middleware._device_from_persistent_id(device.persistent_id)
        theirs = Device.from_persistent_id(device.persistent_id)
        assert type(ours) is type(theirs) and fields(ours) == fields(theirs)
        assert not ours._state.adding and ours._state.db == "default"
    # A legacy full import path, as django-otp reads it.
    assert (
        middleware._device_from_persistent_id(
            f"django_otp.plugins.otp_totp.models.TOTPDevice/{totp.pk}"
        )
        == totp
    )
    TOTPDevice.objects.filter(pk=totp.pk).update(name="Autre", throttling_failure_count=3)
    again = middleware._device_from_persistent_id(totp.persistent_id)
    assert (again.name, again.throttling_failure_count) == ("Autre", 3)  # nothing kept
    wrongs = [f"otp_totp.totpdevice/{totp.pk + 1000}", "otp_totp.totpdevice/x",
              "otp_totp.totpdevice", f"auth.user/{user.pk}", f"nope.nothing/{totp.pk}"]  # fmt: skip
    for wrong in wrongs:
        assert middleware._device_from_persistent_id(wrong) is None, wrong
        if not wrong.startswith("auth."):  # django-otp raises AttributeError for a user
            assert Device.from_persistent_id(wrong) is None, wrong


def test_staff_otp_middleware__a_deleted_or_unconfirmed_device_no_longer_verifies(client):
    user = gestionnaire()
    client.force_login(user)  # verified with a confirmed TOTP device
    assert client.get("/admin/").status_code == 200
    TOTPDevice.objects.filter(user=user).update(confirmed=False)
    assert client.get("/admin/").status_code == 302
    TOTPDevice.objects.filter(user=user).update(confirmed=True)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    TOTPDevice.objects.filter(user=user).delete()
    assert client.get("/admin/").status_code == 302
