"""Cache of the public pages for anonymous visitors, shared by every worker process.

A page is stored with the content *generation* read before it was rendered. Any change to what
the public pages show (pages, rates, contact settings, documents, redirects...) writes a new
generation, so no process serves the old copy again, even one that was still rendering it when
the change landed. The local date is part of the key, so a rate valid from tomorrow shows
tomorrow; PAGE_CACHE_SECONDS bounds the life of a copy whatever happens.

What is never stored: anything but a 200 to a GET without a query string, a response that sets a
cookie (CSRF forms), one marked private or no-store, one that used a CSP nonce, and anything
asked with a session or messages cookie (logged-in users, flash messages).
"""

import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import cc_delim_re, set_response_etag

from imagin_site.common.process_memo import PageMemo

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# Vary values a stored page may carry: cookies that change a page keep the request away from
# the cache, and the site has one language.
HARMLESS_VARY = {"cookie", "accept-language", "accept-encoding"}
UNCACHEABLE_CONTROL = {"private", "no-cache", "no-store"}
# Pages this process served lately, kept in its memory under their generation: a hit then
# reads only the generation from the shared cache, not the page (read, unzipped, unpickled).
_local_pages = PageMemo(max_bytes=16 * 1024 * 1024)


def _page_key(request):
    url = f"{request.scheme}://{request.get_host()}{request.path}"
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"pagecache:page:{timezone.localdate().isoformat()}:{digest}"


def generation():
    """The current content generation: changes whenever anything public pages show does."""
    return cache.get(GENERATION_KEY) or _new_generation()


def _new_generation():
    # add(): when two processes find no generation, both end up with the one stored first.
    cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    return cache.get(GENERATION_KEY)


def is_cacheable_request(request):
    if request.method != "GET" or request.META.get("QUERY_STRING"):
        return False
    if request.path.startswith(tuple(settings.PAGE_CACHE_EXCLUDED_PREFIXES)):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    private_cookies = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    if any(name in request.COOKIES for name in private_cookies):
        return False
    try:
        request.get_host()
    except DisallowedHost:
        return False  # the rest of the stack answers 400
    return True


def _header_values(response, header):
    """{'private', 'max-age'} from 'private, max-age=60'."""
    values = cc_delim_re.split(response.get(header, ""))
    return {v.split("=")[0].strip().lower() for v in values if v.strip()}


def is_cacheable_response(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if _header_values(response, "Cache-Control") & UNCACHEABLE_CONTROL:
        return False
    if not _header_values(response, "Vary") <= HARMLESS_VARY:
        return False
    # A nonce is valid for one response only: a page that used one cannot be replayed.
    return not getattr(request, "csp_nonce", None)


def fetch(request):
    """(slot, cached response or None). The slot, key and generation read before rendering,
    is where `store` puts a fresh rendering: a change or midnight during the rendering then
    leaves it unused."""
    key = _page_key(request)
    current = cache.get(GENERATION_KEY) or _new_generation()
    slot = (key, current)
    entry = _local_pages.get(key, current)
    if entry is None:
        entry = cache.get(key)
        if not isinstance(entry, dict) or entry.get("generation") != current:
            return slot, None
        # Kept here no longer than in the shared cache.
        seconds = entry.get("expires", 0) - time.time()
        _local_pages.put(key, current, entry, len(entry["content"]), seconds)
    response = HttpResponse(entry["content"])
    for header, value in entry["headers"]:
        response[header] = value
    return slot, response


def store(slot, response):
    key, generation = slot
    # Computed once here rather than by ConditionalGetMiddleware at every hit.
    if not response.has_header("ETag"):
        set_response_etag(response)
    entry = {
        "generation": generation,
        "expires": time.time() + settings.PAGE_CACHE_SECONDS,
        "content": response.content,
        "headers": list(response.items()),
    }
    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    _local_pages.put(key, generation, entry, len(entry["content"]), settings.PAGE_CACHE_SECONDS)


def _bump():
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # Stale copies then live at most PAGE_CACHE_SECONDS; the edit itself must not fail.
        logger.exception("Cache des pages : invalidation impossible.")


def invalidate(**kwargs):
    """Signal receiver: drop every cached page, now and again once the transaction commits
    (a page rendered in between from the old rows would otherwise be stored as new)."""
    _bump()
    transaction.on_commit(_bump, robust=True)


def invalidate_on_change(*models):
    """Drop every cached page when an instance of one of these models is saved or deleted."""
    for model in models:
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(invalidate, sender=model, dispatch_uid=uid)
        post_delete.connect(invalidate, sender=model, dispatch_uid=uid)
