"""Content-Security-Policy by area: the public site and the portal get their own policy
(scripts from 'self' only, no nonce, so cached pages stay valid), the Wagtail admin its own,
enforced too: scripts from 'self' plus a per-response nonce that only the few inline scripts
Wagtail writes itself carry (chooser widgets, date pickers, inline panels)."""

import contextvars
import re
from functools import wraps

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.utils.safestring import mark_safe

ADMIN_PREFIX = "/admin/"
_nonce = contextvars.ContextVar("csp_nonce", default=None)


def current_nonce():
    """The nonce of the admin response being rendered, or "" outside one (a widget has no
    request: it reads it from here)."""
    lazy = _nonce.get()
    return str(lazy) if lazy is not None else ""


class AreaCSPMiddleware(CSPMiddleware):
    def process_request(self, request):
        super().process_request(request)
        if request.path_info.startswith(ADMIN_PREFIX):
            request._csp_token = _nonce.set(request.csp_nonce)

    def process_response(self, request, response):
        token = getattr(request, "_csp_token", None)
        if token is not None:
            _nonce.reset(token)
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith(ADMIN_PREFIX):
            parts.config = default_config(settings.ADMIN_CSP_DIRECTIVES)
        return parts


SCRIPT_TAG = re.compile(r"<script>")


def nonce_wagtail_choosers():
    """Wagtail's chooser widgets write `<script>new XChooser(...)</script>` after their HTML:
    give that script the response's nonce."""
    from wagtail.admin.widgets.chooser import BaseChooser

    original = BaseChooser.render
    if getattr(original, "adds_nonce", False):
        return

    @wraps(original)
    def render(self, *args, **kwargs):
        html = original(self, *args, **kwargs)
        nonce = current_nonce()
        if not nonce:
            return html
        return mark_safe(SCRIPT_TAG.sub(f'<script nonce="{nonce}">', html))  # noqa: S308

    render.adds_nonce = True
    BaseChooser.render = render
