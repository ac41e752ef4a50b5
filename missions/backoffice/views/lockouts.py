"""Accounts locked by repeated login failures (django-axes): the DEC sees them and unlocks
one, e.g. after checking by phone that the intervenant is who they say."""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail import hooks

from imagin_site.common.params import parse_pk
from missions.backoffice import two_factor
from missions.backoffice.views.base import GestionnaireView
from missions.backoffice.views.convocations import GestionnaireMenuItem


class LockoutsView(GestionnaireView, TemplateView):
    page_title = "Comptes bloqués"
    header_icon = "lock"
    template_name = "missions/admin/lockouts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attempts"] = AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).order_by("-attempt_time")[:200]
        context["two_factor_locks"] = two_factor.locked_devices()
        context["two_factor_limit"] = two_factor.FAILURE_LIMIT
        return context

    def post(self, request, *args, **kwargs):
        if "two_factor_user" in request.POST:
            return self.unlock_second_factor(request)
        username = request.POST.get("username", "").strip()
        if not username:
            messages.error(request, "Indiquez l'identifiant à débloquer.")
        else:
            count = reset(username=username)
            messages.success(request, f"{username} débloqué ({count} tentative(s) effacée(s)).")
        return redirect("missions_lockouts")

    def unlock_second_factor(self, request):
        user = get_user_model().objects.filter(pk=parse_pk(request.POST["two_factor_user"])).first()
        if user is None or not two_factor.is_locked(user):
            messages.error(request, "Ce compte n'a pas de double authentification bloquée.")
        else:
            two_factor.unlock_second_factor(user, by=request.user)
            messages.success(request, f"Double authentification de {user.username} débloquée.")
        return redirect("missions_lockouts")


@hooks.register("register_admin_urls")
def register_urls():
    return [path("comptes-bloques/", LockoutsView.as_view(), name="missions_lockouts")]


@hooks.register("register_admin_menu_item")
def register_menu():
    return GestionnaireMenuItem(
        "Comptes bloqués", reverse("missions_lockouts"), icon_name="lock", order=950
    )
