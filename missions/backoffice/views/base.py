"""What every staff screen shares: Wagtail's page furniture and a role check that answers
a plain 403 (Wagtail would turn PermissionDenied into a redirect to the dashboard)."""

from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from missions.permissions import is_chef_de_centre, is_gestionnaire

HOME = {"url": reverse_lazy("wagtailadmin_home"), "label": "Tableau de bord"}


def forbidden(request, message="Cet écran est réservé à d'autres rôles."):
    context = {"page_title": "Accès refusé", "header_title": "Accès refusé", "message": message}
    return TemplateResponse(request, "missions/admin/forbidden.html", context, status=403)


class StaffView(WagtailAdminTemplateMixin):
    """A staff screen; subclasses say who may open it with `allowed(user)`."""

    breadcrumbs_items = [HOME]

    def allowed(self, user):
        return is_gestionnaire(user)

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class GestionnaireView(StaffView):
    pass


class CentreStaffView(StaffView):
    """Open to chefs de centre (their centres only) and to gestionnaires (all centres)."""

    def allowed(self, user):
        return is_gestionnaire(user) or is_chef_de_centre(user)
