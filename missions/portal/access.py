"""Who reaches the portal, and which objects: an intervenant sees only their own missions,
lines and files; any other id answers 404."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy

from missions.models import Intervenant, Mission


def current_intervenant(request):
    """The intervenant behind the logged-in user, or None (cached on the request)."""
    if not hasattr(request, "_intervenant"):
        user = request.user
        intervenant = None
        if user.is_authenticated:
            # Usually already joined to the user by missions.auth_backend.
            try:
                intervenant = user.intervenant
            except Intervenant.DoesNotExist:
                intervenant = None
        request._intervenant = intervenant
    return request._intervenant


class IntervenantRequiredMixin(LoginRequiredMixin):
    login_url = reverse_lazy("portal:login")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.intervenant = current_intervenant(request)
        if self.intervenant is None:
            raise PermissionDenied("Cet espace est réservé aux intervenants.")
        return super().dispatch(request, *args, **kwargs)

    def own_mission(self, pk, queryset=None):
        queryset = queryset if queryset is not None else Mission.objects.with_related()
        return get_object_or_404(
            queryset.issued().for_intervenant(self.intervenant).select_related("etat"), pk=pk
        )
