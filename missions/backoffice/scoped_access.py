"""What a scoped staff role may open in the Wagtail admin. A chef de centre acts on the
missions of their own centres only, a chef d'établissement on their school's staff: the
screens built for that scope are open to them, every other admin view (reports such as the
site history, searches, choosers, listings and their exports, users, pages…) is closed,
since those list objects of every centre. And a snippet
chooser needs a permission on its model, for every role."""

from missions.backoffice.views.base import forbidden
from missions.permissions import _in_group, is_gestionnaire, is_staff_user
from missions.roles import CHEFS_DE_CENTRE, CHEFS_ETABLISSEMENT

SCOPED_LISTING = {"list", "list_results", "inspect", "history", "history_results"}

# Every staff account: the dashboard, its own account, the login and second-factor steps.
ALWAYS_OPEN = {
    "wagtailadmin_home",
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_account",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "wagtailadmin_dismissibles",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "two_factor_setup",
    "two_factor_verify",
}

# Scoped role -> {URL namespace ("" for none): the URL names open to it}. Each screen listed
# here filters by the user's own centres or school.
OPEN_TO_SCOPED_ROLES = {
    CHEFS_DE_CENTRE: {
        # Documents check the centre themselves: another centre's receipt, or any dossier
        # document, is a 404 (nothing tells whether it exists).
        "": {"missions_service_fait", "missions_document_receipt", "missions_document_dossier"},
        # Scoped by the viewsets themselves (missions.backoffice.viewsets.ScopedViewSet).
        "wagtailsnippets_missions_mission": SCOPED_LISTING,
        "wagtailsnippets_missions_feepart": SCOPED_LISTING,
    },
    CHEFS_ETABLISSEMENT: {
        # Their school's staff only (assignment.school_views).
        "assignment_school": {"index", "add_competence", "add_unavailability", "delete"},
    },
}


def scoped_roles(user):
    """The scoped roles that bound what `user` may open; none for a gestionnaire or an
    administrator, who see every centre anyway."""
    if is_gestionnaire(user):
        return []
    return [role for role in OPEN_TO_SCOPED_ROLES if _in_group(user, role)]


def is_open(match, roles):
    if match.namespace == "" and match.url_name in ALWAYS_OPEN:
        return True
    return any(
        match.url_name in OPEN_TO_SCOPED_ROLES[role].get(match.namespace, ()) for role in roles
    )


CHOOSER_PREFIX = "wagtailsnippetchoosers_"


def may_choose(user, match):
    """Wagtail's snippet choosers list every row to anyone who opens the admin: require a
    permission on the model, as its listing does (an editor has none on intervenants)."""
    model = getattr(match.func, "view_initkwargs", {}).get("model")
    if model is None:
        return False
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("view", "change", "add")
    )


class ScopedAdminMiddleware:
    """Answers 403 to a user whose only staff roles are scoped (chef de centre, chef
    d'établissement) on an admin view not open to those roles."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not request.path_info.startswith("/admin/") or match is None:
            return None
        user = request.user
        roles = scoped_roles(user)
        if roles and not is_open(match, roles):
            return forbidden(
                request,
                "Cet écran n'est pas ouvert à votre rôle : il montre des données d'autres "
                "centres ou établissements que les vôtres.",
            )
        chooser = match.namespace.startswith(CHOOSER_PREFIX)
        if chooser and is_staff_user(user) and not may_choose(user, match):
            return forbidden(request, "Vous n'avez pas accès à ces données.")
        return None
