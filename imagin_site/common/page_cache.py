"""Cache of the public pages for anonymous visitors, shared by every worker process.

A page is stored with the content *generation* read before it was rendered. Any change to what
the public pages show (pages, rates, contact settings, documents, redirects...) writes a new
generation, so no process serves the old copy again, even one that was still rendering it when
the change landed. The local date is part of the key, so a rate valid from tomorrow shows
tomorrow; PAGE_CACHE_SECONDS bounds the life of a copy whatever happens.

What is never stored: anything but a 200 to a GET without a query string, a response that sets a
cookie other than CSRF's, one marked private or no-store, one that used a CSP nonce, and
anything asked with a session or messages cookie (logged-in users, flash messages). A form
page (the request form) is stored without its CSRF tokens, which each hit fills in anew.
Pages are stored and served without the templates' indentation (html_whitespace).

Browsers ask for gzip: a hit gets a body compressed once, when the page was stored (a form
page: its fixed parts compressed once, its tokens put between them, gzip_splice), not at each
request, which cost more than the rest of the hit.
"""

import hashlib
import logging
import os
import re
import uuid

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, CsrfViewMiddleware
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import cc_delim_re, patch_vary_headers, set_response_etag

from imagin_site.common import csrf_tokens, gzip_splice, html_whitespace
from imagin_site.common.compressible import is_compressible
from imagin_site.common.process_memo import PageStore

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# Vary values a stored page may carry: cookies that change a page keep the request away from
# the cache, and the site has one language.
HARMLESS_VARY = {"cookie", "accept-language", "accept-encoding"}
UNCACHEABLE_CONTROL = {"private", "no-cache", "no-store"}
# The hidden field {% csrf_token %} writes, and what a stored form page has in its place.
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"public-cache-csrf-placeholder"
# Only its request and response steps are used; built once (its constructor inspects the
# view for async support).
_CSRF = CsrfViewMiddleware(lambda request: None)
# Under their generation; a hit from this process's memory reads only the generation from
# the shared cache, not the page (read, unzipped, unpickled).
_pages = PageStore(
    max_bytes=16 * 1024 * 1024,
    size=lambda entry: len(entry["content"]) + len(entry.get("gzip") or b""),
)


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
    if response.status_code != 200 or response.streaming:
        return False
    # The CSRF cookie of a form page: the page is stored without its tokens (see _template).
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
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
    slot = (key, cache.get(GENERATION_KEY) or _new_generation())
    entry = _pages.get(*slot)
    if entry is None:
        return slot, None
    # .get: an entry stored by the code before gzip bodies is served as it is.
    gzipped = entry.get("compressible") and re_accepts_gzip.search(
        request.META.get("HTTP_ACCEPT_ENCODING", "")
    )
    if entry["csrf"]:
        content, headers = _with_csrf_tokens(request, entry, gzipped)
    elif gzipped and entry["gzip"]:
        content, headers = entry["gzip"], entry["gzip_headers"]
    else:
        content, headers = entry["content"], entry["headers"]
    response = HttpResponse(content)
    for header, value in headers:
        response[header] = value
    if entry["csrf"]:
        _set_csrf_cookie(request, response)
    return slot, response


def store(slot, response, path):
    """Put a fresh rendering of `path` where `fetch` finds it; a form page goes in without its
    CSRF tokens, or not at all when they cannot all be told apart from the rest."""
    key, generation = slot
    _lighten(response)
    content, csrf = response.content, bool(response.cookies)
    if csrf:
        content = _template(content)
        if content is None:
            return
    elif not response.has_header("ETag"):
        # Computed once here rather than by ConditionalGetMiddleware at every hit. Not for a
        # form page: its tokens differ at each hit, and a browser must not keep old ones.
        set_response_etag(response)
    compressible = is_compressible(path, response)
    if compressible:
        # What TextGZipMiddleware adds to every such page anyway, stored with it.
        patch_vary_headers(response, ("Accept-Encoding",))
    headers = list(response.items())
    entry = {"content": content, "headers": headers, "csrf": csrf,
             "compressible": compressible, "gzip": None}  # fmt: skip
    if compressible and not csrf:
        entry["gzip"] = gzip_splice.compress(content)
        entry["gzip_headers"] = _gzip_headers(headers, len(entry["gzip"]))
    _pages.set(key, generation, entry, settings.PAGE_CACHE_SECONDS)


def _gzip_headers(headers, length):
    """The headers of the gzip body, as GZipMiddleware would change them: its length, its
    encoding, and a weak ETag (the same page in other bytes)."""
    changed = []
    for header, value in headers:
        if header.lower() == "content-length":
            value = str(length)
        elif header.lower() == "etag" and value.startswith('"'):
            value = "W/" + value
        changed.append((header, value))
    return [*changed, ("Content-Encoding", "gzip")]


def _lighten(response):
    """The page without the templates' indentation (html_whitespace), for this visitor too:
    a miss and the hits after it serve the same bytes."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    lighter = html_whitespace.collapse(response.content)
    if len(lighter) < len(response.content):
        response.content = lighter
        response["Content-Length"] = str(len(lighter))


def _template(content):
    """The page with a placeholder for each CSRF token, or None if a token may be elsewhere
    than in the hidden field Django writes (it would be served to everyone)."""
    templated, count = CSRF_FIELD.subn(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", content)
    if count == 0 or templated.count(b"csrfmiddlewaretoken") != count:
        return None
    return templated


def _with_csrf_tokens(request, entry, gzipped):
    """(body, headers): the stored form page with each placeholder replaced by a token of this
    request's CSRF secret (a new visitor gets one), as {% csrf_token %} would write them: a hit
    is answered before CsrfViewMiddleware runs. Gzipped, the page's fixed parts are compressed
    once and the tokens put between them (gzip_splice). The page is split at its placeholders
    once per process, and compressed then; these copies, beside the page in the memo, are not
    counted in the memo's bound: there is one form page."""
    pieces = entry.get("pieces")
    if pieces is None:
        pieces = entry["pieces"] = _form_pieces(entry)
    parts, compressed, gzip_headers = pieces
    if settings.CSRF_COOKIE_NAME in request.COOKIES:  # else it would find no secret to keep
        _CSRF.process_request(request)
    tokens = [csrf_tokens.token_for(request).encode() for _ in parts[1:]]  # each its own mask
    if gzipped:
        return compressed.join(tokens), gzip_headers
    chunks = [parts[0]]
    for token, part in zip(tokens, parts[1:], strict=True):
        chunks += (token, part)
    return b"".join(chunks), entry["headers"]


def _form_pieces(entry):
    parts = entry["content"].split(CSRF_PLACEHOLDER)
    if not entry.get("compressible"):
        return parts, None, None
    compressed = gzip_splice.GzipPieces(parts)
    # Every token has the same length, so the gzip body too.
    length = len(compressed.join([b"-" * CSRF_TOKEN_LENGTH] * (len(parts) - 1)))
    return parts, compressed, _gzip_headers(entry["headers"], length)


def _set_csrf_cookie(request, response):
    """The CSRF cookie, as CsrfViewMiddleware would set it after a fresh rendering."""
    if settings.CSRF_USE_SESSIONS or not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        _CSRF.process_response(request, response)
    else:
        csrf_tokens.set_cookie(response, request.META["CSRF_COOKIE"])
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    # Its tokens make this response unlike any other: an ETag of its own, without hashing the
    # page (ConditionalGetMiddleware would), and never a 304 that keeps stale tokens.
    response["ETag"] = f'"{os.urandom(16).hex()}"'


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
