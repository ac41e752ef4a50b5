"""Wagtail admin wiring for the missions domain: snippet viewsets, menus and custom views.
Each custom-view module registers its own URLs and menu item when imported here."""

from wagtail.snippets.models import register_snippet

from missions.backoffice import forms as admin_forms  # noqa: F401
from missions.backoffice import import_screen as import_admin  # noqa: F401
from missions.backoffice import menu as admin_menu  # noqa: F401
from missions.backoffice.viewsets import MissionsGroup, ReferentielsGroup, TarifsGroup

register_snippet(MissionsGroup)
register_snippet(ReferentielsGroup)
register_snippet(TarifsGroup)
