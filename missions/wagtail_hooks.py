"""Wagtail admin wiring for the missions domain: only registration. The screens live in
missions/backoffice/; each module imported here registers its own URLs, menu items and
hooks when imported."""

from wagtail.snippets.models import register_snippet

from missions.backoffice import forms, import_screen, menu  # noqa: F401
from missions.backoffice.views import (  # noqa: F401
    control,
    convocations,
    dashboard,
    documents,
    lockouts,
    payments,
    service_fait,
    two_factor,
)
from missions.backoffice.viewsets import MissionsGroup, ReferentielsGroup, TarifsGroup

register_snippet(MissionsGroup)
register_snippet(ReferentielsGroup)
register_snippet(TarifsGroup)
