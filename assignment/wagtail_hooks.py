"""Admin wiring of the assignment, kept apart from the missions menus: the snippets group
and the DEC's proposal screen."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from assignment.admin_views import admin_urls
from assignment.permissions import is_chef_etablissement
from assignment.school_views import admin_urls as school_urls
from assignment.viewsets import AssignmentGroup
from missions.permissions import is_gestionnaire

register_snippet(AssignmentGroup)


@hooks.register("register_admin_urls")
def register_urls():
    return [*admin_urls, *school_urls]


class GestionnaireMenuItem(MenuItem):
    def is_shown(self, request):
        return is_gestionnaire(request.user)


@hooks.register("register_admin_menu_item")
def register_menu():
    return GestionnaireMenuItem(
        "Proposer une affectation",
        reverse("assignment_admin:index"),
        icon_name="group",
        order=203,
    )


class ChefEtablissementMenuItem(MenuItem):
    def is_shown(self, request):
        return is_chef_etablissement(request.user)


@hooks.register("register_admin_menu_item")
def register_school_menu():
    return ChefEtablissementMenuItem(
        "Mon établissement", reverse("assignment_school:index"), icon_name="group", order=202
    )
