"""Two-factor authentication for every staff account (django-otp): TOTP enrolment with a QR
code at first login, single-use recovery codes, a verification step after the password.
No admin URL answers to a password alone."""

import secrets

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
TOTP_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"


def is_staff_user(user):
    """Anyone who may open the Wagtail admin."""
    return user.is_authenticated and (
        user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    )


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
    """An administrator resets a colleague's second factor: they enrol again next login."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def remaining_recovery_codes(user):
    return StaticToken.objects.filter(device__user=user).count()


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class StaffTwoFactorMiddleware:
    """After the password, a staff user reaches nothing of the admin before the second
    factor: enrolment if they have no device yet, verification otherwise."""

    OPEN_PATHS = ("login/", "logout/", "jsi18n/", "sprite", "2fa/", "password_reset/")

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        path = request.path
        if path.startswith(self.admin_prefix) and self._must_verify(request):
            rest = path[len(self.admin_prefix) :]
            if not rest.startswith(self.OPEN_PATHS):
                name = "two_factor_verify" if user_has_device(request.user) else "two_factor_setup"
                return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request):
        user = request.user
        if not getattr(settings, "STAFF_TWO_FACTOR_REQUIRED", True):
            return False
        return is_staff_user(user) and not user.is_verified()
