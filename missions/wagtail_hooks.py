"""Wagtail admin wiring for the missions domain: snippet viewsets, menus and custom views."""

from wagtail.snippets.models import register_snippet

from . import import_admin  # noqa: F401  (registers the import views' hooks)
from .viewsets import MissionsGroup, ReferentielsGroup, TarifsGroup

register_snippet(MissionsGroup)
register_snippet(ReferentielsGroup)
register_snippet(TarifsGroup)
