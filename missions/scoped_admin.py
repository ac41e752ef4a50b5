"""What a scoped staff role may open in the Wagtail admin. A chef de centre acts on the
missions of their own centres only: the screens built for that scope are open to them, every
other admin view (reports such as the site history, searches, choosers, listings and their
exports, users, pages…) is closed, since those list objects of every centre. And a snippet
chooser needs a permission on its model, for every role."""

from .admin_views.base import forbidden
from .permissions import is_chef_de_centre, is_gestionnaire
from .two_factor import is_staff_user

SCOPED_LISTING = {"list", "list_results", "inspect", "history", "history_results"}

# view name (or namespace) -> the URL names open to a chef de centre.
OPEN_TO_CHEFS = {
    "": {
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
        "missions_service_fait",
    },
    # Scoped by the viewsets themselves (missions.viewsets.ScopedViewSet).
    "wagtailsnippets_missions_mission": SCOPED_LISTING,
    "wagtailsnippets_missions_feepart": SCOPED_LISTING,
}


CHOOSER_PREFIX = "wagtailsnippetchoosers_"


def is_open_to_chefs(match):
    return match.url_name in OPEN_TO_CHEFS.get(match.namespace, ())


def may_choose(user, match):
    """Wagtail's snippet choosers list every row to anyone who opens the admin: require a
    permission on the model, as its listing does (an editor has none on intervenants)."""
    model = (
        match.func.view_initkwargs.get("model") if hasattr(match.func, "view_initkwargs") else None
    )
    if model is None:
        return False
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        for action in ("view", "change", "add")
    )


class ScopedAdminMiddleware:
    """Answers 403 to a chef de centre (who is not also a gestionnaire) on an admin view that
    is not in OPEN_TO_CHEFS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not request.path_info.startswith("/admin/") or match is None:
            return None
        user = request.user
        if is_chef_de_centre(user) and not is_gestionnaire(user) and not is_open_to_chefs(match):
            return forbidden(
                request,
                "Cet écran n'est pas ouvert aux chefs de centre : il montre les données de "
                "tous les centres.",
            )
        chooser = match.namespace.startswith(CHOOSER_PREFIX)
        if chooser and is_staff_user(user) and not may_choose(user, match):
            return forbidden(request, "Vous n'avez pas accès à ces données.")
        return None
