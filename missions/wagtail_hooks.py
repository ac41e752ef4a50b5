"""Wagtail admin wiring for the missions domain: snippet viewsets, menus and custom views.
Each custom-view module registers its own URLs and menu item when imported here."""

from wagtail.snippets.models import register_snippet

from . import admin_forms, admin_menu, import_admin  # noqa: F401
from .admin_views import (  # noqa: F401
    control,
    convocations,
    documents,
    lockouts,
    payments,
    service_fait,
    two_factor,
)
from .viewsets import MissionsGroup, ReferentielsGroup, TarifsGroup

register_snippet(MissionsGroup)
register_snippet(ReferentielsGroup)
register_snippet(TarifsGroup)
