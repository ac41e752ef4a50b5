"""The second factor's screens: enrolment (QR code, first code, recovery codes),
verification after the password, and the administrators' reset of a colleague's devices."""

import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.views import View
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .. import two_factor
from .base import forbidden

TEMPLATES = "missions/two_factor/"


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code à 6 chiffres (ou code de secours à 8 chiffres)",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "")


def qr_svg(url):
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308 (SVG we generated ourselves)


class StaffOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('wagtailadmin_login')}?next={request.path}")
        if not two_factor.is_staff_user(request.user):
            return forbidden(request, "Réservé aux agents.")
        return super().dispatch(request, *args, **kwargs)


class SetupView(StaffOnlyMixin, View):
    def get(self, request, form=None):
        if user_has_device(request.user) and not request.user.is_verified():
            return redirect("two_factor_verify")
        device = two_factor.pending_totp_device(request.user)
        return render(
            request,
            TEMPLATES + "setup.html",
            {
                "form": form or TokenForm(),
                "qr": qr_svg(device.config_url),
                "secret": device.config_url.split("secret=")[1].split("&")[0],
                "next": two_factor.safe_next(request, reverse("wagtailadmin_home")),
            },
        )

    def post(self, request):
        device = two_factor.pending_totp_device(request.user)
        form = TokenForm(request.POST)
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            codes = two_factor.confirm_enrolment(request.user, device)
            otp_login(request, device)
            return render(
                request,
                TEMPLATES + "recovery_codes.html",
                {
                    "codes": codes,
                    "next": two_factor.safe_next(request, reverse("wagtailadmin_home")),
                },
            )
        if form.is_valid():
            form.add_error(
                "token",
                "Code incorrect : vérifiez l'heure de votre téléphone et "
                "saisissez le code affiché maintenant.",
            )
        return self.get(request, form)


class VerifyView(StaffOnlyMixin, View):
    def get(self, request, form=None):
        if not user_has_device(request.user):
            return redirect("two_factor_setup")
        return render(
            request,
            TEMPLATES + "verify.html",
            {
                "form": form or TokenForm(),
                "next": two_factor.safe_next(request, reverse("wagtailadmin_home")),
            },
        )

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            device = match_token(request.user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                if device.persistent_id.startswith("otp_static"):
                    left = two_factor.remaining_recovery_codes(request.user)
                    messages.warning(request, f"Code de secours utilisé : il vous en reste {left}.")
                return redirect(two_factor.safe_next(request, reverse("wagtailadmin_home")))
            form.add_error("token", "Code incorrect ou déjà utilisé.")
        return self.get(request, form)


class ResetView(View):
    """Administrators list staff accounts and reset a colleague's second factor."""

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_superuser):
            return forbidden(request, "Réservé aux administrateurs.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        users = (
            get_user_model()
            .objects.filter(is_staff=True)
            .order_by("username")
            .prefetch_related("totpdevice_set")
        )
        rows = [(user, any(d.confirmed for d in user.totpdevice_set.all())) for user in users]
        return render(request, TEMPLATES + "reset.html", {"rows": rows})

    def post(self, request):
        user = get_object_or_404(get_user_model(), pk=request.POST.get("user"))
        two_factor.reset_devices(user)
        messages.success(request, f"Double authentification réinitialisée pour {user}.")
        return redirect("two_factor_reset")


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("2fa/activer/", SetupView.as_view(), name="two_factor_setup"),
        path("2fa/verifier/", VerifyView.as_view(), name="two_factor_verify"),
        path("2fa/reinitialiser/", ResetView.as_view(), name="two_factor_reset"),
    ]


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_menu():
    return AdministratorMenuItem(
        "Double authentification", reverse("two_factor_reset"), icon_name="lock", order=700
    )
