"""The second factor's screens: enrolment (QR code, first code, recovery codes),
verification after the password, and the administrators' reset of a colleague's devices."""

import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.views import View
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from imagin_site.common.params import parse_pk
from missions.backoffice import two_factor
from missions.backoffice.views.base import forbidden
from missions.permissions import is_staff_user

TEMPLATES = "missions/two_factor/"


class TokenForm(forms.Form):
    """The code typed at verification: the app's code, or a recovery code."""

    token = forms.CharField(
        label="Code à 6 chiffres (ou code de secours à 8 chiffres)",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "")


class EnrolmentTokenForm(TokenForm):
    """At enrolment there are no recovery codes yet: only the app's code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].label = "Code à 6 chiffres affiché par l'application"


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
        if not is_staff_user(request.user):
            return forbidden(request, "Réservé aux agents.")
        return super().dispatch(request, *args, **kwargs)


def verified_session(request, device):
    """Mark the session verified with `device` under a new session key: an id seen before
    the second factor (the password step) is worth nothing after it. The wrong tries of the
    user's other devices are forgotten: a recovery code that matched was first tried, and
    failed, as an app code."""
    otp_login(request, device)
    request.session.cycle_key()
    two_factor.unlock(request.user)


class SetupView(StaffOnlyMixin, View):
    """Enrolment, for an account without a device. An enrolled account that has not typed
    its code is sent to verification, whatever the method."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user_has_device(user) and not user.is_verified():
            return redirect("two_factor_verify")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, form=None):
        device = two_factor.pending_totp_device(request.user)
        return render(
            request,
            TEMPLATES + "setup.html",
            {
                "form": form or EnrolmentTokenForm(),
                "qr": qr_svg(device.config_url),
                "secret": device.config_url.split("secret=")[1].split("&")[0],
                "next": two_factor.safe_next(request, reverse("wagtailadmin_home")),
            },
        )

    def post(self, request):
        device = two_factor.pending_totp_device(request.user)
        form = EnrolmentTokenForm(request.POST)
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            codes = two_factor.confirm_enrolment(request.user, device)
            verified_session(request, device)
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
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and two_factor.is_locked(request.user):
            return render(request, TEMPLATES + "locked.html", status=403)
        return super().dispatch(request, *args, **kwargs)

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
        wait = two_factor.seconds_to_wait(request.user)
        if wait:
            # The code is not even tried: a right one would be refused during the delay.
            form.is_valid()
            form.errors.clear()
            form.add_error(
                None,
                f"Trop de codes incorrects : patientez {wait} seconde{pluralize(wait)} "
                "avant de saisir un nouveau code.",
            )
            return self.get(request, form)
        if form.is_valid():
            device = match_token(request.user, form.cleaned_data["token"])
            if device is not None:
                verified_session(request, device)
                if device.persistent_id.startswith("otp_static"):
                    left = two_factor.remaining_recovery_codes(request.user)
                    messages.warning(request, f"Code de secours utilisé : il vous en reste {left}.")
                return redirect(two_factor.safe_next(request, reverse("wagtailadmin_home")))
            if two_factor.is_locked(request.user):
                return render(request, TEMPLATES + "locked.html", status=403)
            form.add_error("token", "Code incorrect ou déjà utilisé.")
        return self.get(request, form)


class ResetView(View):
    """Administrators, with their own second factor verified, list staff accounts and reset
    a colleague's second factor (audited, and told to the owner by email)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_superuser and user.is_verified()):
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
        user = get_object_or_404(get_user_model(), pk=parse_pk(request.POST.get("user")))
        two_factor.reset_second_factor(user, by=request.user)
        messages.success(
            request,
            f"Double authentification réinitialisée pour {user} ; un courriel l'en informe.",
        )
        return redirect("two_factor_reset")


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        two_factor.RESET_ACTION,
        "Double authentification réinitialisée",
        "Double authentification réinitialisée",
    )
    actions.register_action(
        two_factor.UNLOCK_ACTION,
        "Double authentification débloquée",
        "Double authentification débloquée",
    )


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
