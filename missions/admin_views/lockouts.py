"""Accounts locked by repeated login failures (django-axes): the DEC sees them and unlocks
one, e.g. after checking by phone that the intervenant is who they say."""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail import hooks

from .base import GestionnaireView
from .convocations import GestionnaireMenuItem


class LockoutsView(GestionnaireView, TemplateView):
    page_title = "Comptes bloqués"
    header_icon = "lock"
    template_name = "missions/admin/lockouts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attempts"] = AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).order_by("-attempt_time")[:200]
        return context

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "").strip()
        if not username:
            messages.error(request, "Indiquez l'identifiant à débloquer.")
        else:
            count = reset(username=username)
            messages.success(request, f"{username} débloqué ({count} tentative(s) effacée(s)).")
        return redirect("missions_lockouts")


@hooks.register("register_admin_urls")
def register_urls():
    return [path("comptes-bloques/", LockoutsView.as_view(), name="missions_lockouts")]


@hooks.register("register_admin_menu_item")
def register_menu():
    return GestionnaireMenuItem(
        "Comptes bloqués", reverse("missions_lockouts"), icon_name="lock", order=950
    )
