"""Logging in with the convocation's identifier, the forced first change of password,
the forgotten-password flow and logging out."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse, reverse_lazy

from imagin_site.common import rate_limits
from missions.permissions import is_staff_user
from missions.portal.access import current_intervenant
from missions.portal.forms import LoginForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from missions.portal.mission_views import MissionListView


class LoginView(auth_views.LoginView):
    template_name = "missions/portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse_lazy("portal:missions")

    def form_valid(self, form):
        """Logged in (new session, new CSRF token): "Mes missions" itself answers, rather than
        a redirect to it, one round trip less on a satellite link (issue 16). A page asked for
        by `next`, and the forced change of the first password, keep their redirect."""
        response = super().form_valid(form)
        self.request.__dict__.pop("_intervenant", None)  # looked up before the login, perhaps
        intervenant = current_intervenant(self.request)
        if (
            response.url != str(self.get_default_redirect_url())
            or intervenant is None
            or intervenant.must_change_password
        ):
            return response
        view = MissionListView()
        view.setup(self.request)
        view.intervenant = intervenant
        return view.render_to_response(view.get_context_data())


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal:login")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "Vous êtes déconnecté.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Intervenants only: staff change their password in the admin, after their second
    factor (a password alone must never be enough to replace a staff password)."""

    template_name = "missions/portal/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("portal:missions")

    def dispatch(self, request, *args, **kwargs):
        # Django's view sends anonymous users to settings.LOGIN_URL (the admin's).
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if current_intervenant(request) is None:
            raise PermissionDenied("Cet espace est réservé aux intervenants.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        intervenant = current_intervenant(self.request)
        if intervenant and intervenant.must_change_password:
            intervenant.must_change_password = False
            intervenant.save(update_fields=["must_change_password"])
        messages.success(self.request, "Votre mot de passe personnel est enregistré.")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        intervenant = current_intervenant(self.request)
        context["forced"] = bool(intervenant and intervenant.must_change_password)
        return context


# Reset requests allowed per hour: for one address (a mailbox is not flooded) and from one
# client (addresses are not probed or mailed in bulk).
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 10
RESET_WINDOW = 60 * 60


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "missions/portal/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "missions/portal/emails/password_reset.txt"
    subject_template_name = "missions/portal/emails/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form):
        by_client = rate_limits.hit(
            "password-reset:client",
            rate_limits.client_ip(self.request),
            limit=RESETS_PER_CLIENT,
            window=RESET_WINDOW,
        )
        by_address = rate_limits.hit(
            "password-reset:address",
            form.cleaned_data["email"],
            limit=RESETS_PER_ADDRESS,
            window=RESET_WINDOW,
        )
        if not (by_client and by_address):
            form.add_error(
                None,
                "Trop de demandes de réinitialisation : réessayez dans une heure. Si le "
                "courriel n'arrive pas, vérifiez vos indésirables ou contactez la DEC.",
            )
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "missions/portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "missions/portal/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("portal:password_reset_complete")

    def get_user(self, uidb64):
        """A staff account's link (from the admin's own flow) is not valid here."""
        user = super().get_user(uidb64)
        if user is None or is_staff_user(user):
            return None
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        intervenant = getattr(form.user, "intervenant", None)
        if intervenant is not None and intervenant.must_change_password:
            intervenant.must_change_password = False
            intervenant.save(update_fields=["must_change_password"])
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "missions/portal/password_reset_complete.html"
