"""The portal's pages ("Mes missions", a mission's page) kept in the shared cache per user,
intervenant, page and day, under the versions of portal_versions.py.

A page is rendered with a placeholder wherever {% csrf_token %} prints a token, and served
with the requesting session's token in its place: no token of anybody is stored. What is
never read from or written to the cache: a page showing a bound form (errors: the views
render those themselves), a page for a request with messages pending (they are shown once,
in the page that follows a save), anything when PORTAL_CACHE_SECONDS is 0. The portal's
pages use no CSP nonce (imagin_site/middleware/csp.py).
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from imagin_site.common.csrf_tokens import token_for
from imagin_site.common.html_whitespace import collapse_text
from imagin_site.common.process_memo import PageStore
from missions.services import portal_versions

logger = logging.getLogger(__name__)

# What {% csrf_token %} prints in a stored page.
CSRF_PLACEHOLDER = "portal-cache-csrf-placeholder"
# In the keys: a deployment that changes what an entry holds starts from new keys, whatever
# the shared cache still keeps from the previous release.
ENTRY_FORMAT = 3
# Under their versions; a hit from this process's memory reads only the versions from the
# shared cache, not the page.
_pages = PageStore(max_bytes=32 * 1024 * 1024)


def render(template_name, context, request):
    """The page's HTML, its forms' tokens left as placeholders, without the templates'
    indentation (html_whitespace: about 15 % lighter on a satellite link, laid out the same)."""
    html = render_to_string(template_name, {**context, "csrf_token": CSRF_PLACEHOLDER}, request)
    return collapse_text(html)


def served(request, html, status=200):
    """The response for `html` with this request's CSRF token in the forms."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, token_for(request))
    return HttpResponse(html, status=status)


def _entry_key(request, intervenant, page, variant):
    # The day: a deadline passes or a mission starts at midnight without any write.
    raw = f"{page}:{variant}:{timezone.localdate().isoformat()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"portal:page:{ENTRY_FORMAT}:{request.user.pk}:{intervenant.pk}:{digest}"


def _usable(request):
    if not settings.PORTAL_CACHE_SECONDS:
        return False
    # Messages belong to the one page that shows them (counting them does not consume them).
    return len(get_messages(request)) == 0


def page(request, intervenant, name, variant, render_page):
    """The response for this intervenant's page `name` (with `variant`: a mission, the
    filters): from the cache when no version it depends on changed since it was stored,
    else `render_page()` (HTML with placeholders, see `render`), stored for the next time.
    `render_page` must check that the user may see the page (404 otherwise): a stored copy
    exists only if that check passed, and is served only under the versions it was rendered
    with, which every change of what it shows, its owner included, renews."""
    if not _usable(request):
        return served(request, render_page())
    key = _entry_key(request, intervenant, name, variant)
    keys = portal_versions.version_keys(intervenant.pk)
    try:
        current = portal_versions.versions(cache.get_many(keys), keys)
        html = _pages.get(key, current)
    except Exception:
        logger.exception("Cache du portail indisponible.")
        return served(request, render_page())
    if html is not None:
        return served(request, html)
    html = render_page()
    try:
        # Under the versions read *before* rendering: a write meanwhile leaves it unused.
        _pages.set(key, current, html, settings.PORTAL_CACHE_SECONDS)
    except Exception:
        logger.exception("Cache du portail : enregistrement impossible.")
    return served(request, html)
