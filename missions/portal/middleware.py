from functools import cache

from django.shortcuts import redirect
from django.urls import reverse

from missions.portal.access import current_intervenant

ALLOWED_WHILE_FORCED = ("portal:password_change", "portal:logout")


@cache
def allowed_paths():
    return frozenset(reverse(name) for name in ALLOWED_WHILE_FORCED)


class ForcePasswordChangeMiddleware:
    """An intervenant still using the convocation's first password reaches nothing of the
    portal before choosing their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/espace/") and request.user.is_authenticated:
            allowed = allowed_paths()
            intervenant = current_intervenant(request)
            if intervenant and intervenant.must_change_password and request.path not in allowed:
                return redirect("portal:password_change")
        return self.get_response(request)
