"""Two-factor authentication for every staff account (django-otp): TOTP enrolment with a QR
code at first login, single-use recovery codes, a verification step after the password.
No admin URL answers to a password alone."""

import math
import secrets
from contextlib import suppress

from django.apps import apps
from django.conf import settings
from django.db import router, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import devices_for_user, user_has_device
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from missions.auth_backend import row_lookup
from missions.permissions import is_staff_user

RECOVERY_CODES = 10
# Wrong codes in a row before the account is locked, like a password lockout: only a
# gestionnaire or an administrator unlocks it ("Comptes bloqués").
FAILURE_LIMIT = 10
TOTP_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"


def pending_totp_device(user):
    """The unconfirmed TOTP device of an enrolment in progress (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def confirm_enrolment(user, device):
    """Confirm the TOTP device and issue fresh recovery codes; returns them in clear, to be
    shown once."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


def new_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def reset_devices(user):
    """Delete every second-factor device of `user`: they enrol again at their next login."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()


RESET_ACTION = "imagin.2fa_reset"
UNLOCK_ACTION = "imagin.2fa_unlock"


@transaction.atomic
def reset_second_factor(user, *, by):
    """An administrator resets `user`'s second factor: written in the audit log and told to
    the account's owner by email, so a reset they did not ask for does not go unnoticed."""
    reset_devices(user)
    log(instance=user, action=RESET_ACTION, user=by)
    when = timezone.localtime()
    _tell_owner(
        user,
        "IMAG'IN : votre double authentification a été réinitialisée",
        f"La double authentification de votre compte {user.username} a été réinitialisée le "
        f"{when:%d/%m/%Y à %H:%M} (heure de Tahiti) par {by.get_full_name() or by}.\n"
        "À votre prochaine connexion, vous l'activerez de nouveau avec votre téléphone.\n\n"
        "Si vous n'avez pas demandé cette réinitialisation, prévenez immédiatement la DEC.",
    )


@transaction.atomic
def unlock_second_factor(user, *, by):
    unlock(user)
    log(instance=user, action=UNLOCK_ACTION, user=by)


def _tell_owner(user, subject, body):
    from missions.services.notifications import queue_message

    queue_message(user.email, subject, body, kind="securite")


def confirmed_totp(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_locked(user):
    device = confirmed_totp(user)
    return device is not None and device.throttling_failure_count >= FAILURE_LIMIT


def seconds_to_wait(user):
    """Seconds before the next code may be tried after wrong ones (django-otp doubles the
    delay at each failure); 0 when a code may be typed now."""
    device = confirmed_totp(user)
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    if allowed or "locked_until" not in data:
        return 0
    return max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))


def locked_devices():
    """TOTP devices locked by too many wrong codes, with their users."""
    return TOTPDevice.objects.filter(
        confirmed=True, throttling_failure_count__gte=FAILURE_LIMIT
    ).select_related("user")


def unlock(user):
    for device in TOTPDevice.objects.filter(user=user):
        device.throttle_reset()


def remaining_recovery_codes(user):
    return StaticToken.objects.filter(device__user=user).count()


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class StaffTwoFactorMiddleware:
    """After the password, a staff user reaches nothing of the admin before the second
    factor. Only the one 2FA screen that applies is open: enrolment for an account without a
    device, verification for an account with one. Everything else, the reset of devices
    included, needs a verified device."""

    # Screens of the password step itself (and the assets the login page loads).
    OPEN_PATHS = ("login/", "logout/", "jsi18n/", "sprite", "password_reset/")

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        path = request.path
        if path.startswith(self.admin_prefix) and self._must_verify(request):
            rest = path[len(self.admin_prefix) :]
            name = "two_factor_verify" if user_has_device(request.user) else "two_factor_setup"
            target = reverse(name)
            if path != target and not rest.startswith(self.OPEN_PATHS):
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request):
        user = request.user
        if not getattr(settings, "STAFF_TWO_FACTOR_REQUIRED", True):
            return False
        return is_staff_user(user) and not user.is_verified()


class StaffOTPMiddleware(OTPMiddleware):
    """django-otp's middleware (request.user.otp_device, is_verified()), whose device is read
    on every request by SQL written once per device model: building the ORM's query cost
    more than running it. The same device as Device.from_persistent_id, read afresh."""

    def _device_from_persistent_id(self, persistent_id):
        persistent_id = self._normalize_persistent_id(persistent_id)
        with suppress(ValueError, LookupError):
            model_label, device_id = persistent_id.rsplit("/", 1)
            app_label, model_name = model_label.split(".")
            model = apps.get_model(app_label, model_name)
            if issubclass(model, Device):
                return row_lookup(model, router.db_for_read(model)).get(int(device_id))
        return None
