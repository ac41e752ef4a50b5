import logging

from django.conf import settings

from imagin_site.common import page_cache

logger = logging.getLogger(__name__)


class PermissionsPolicyMiddleware:
    """The site needs no camera, microphone, location or payment API: say so to browsers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PublicPageCacheMiddleware:
    """Serves anonymous GETs of the public pages from the shared page cache (page_cache).

    Placed after the security, CSP and Permissions-Policy middleware, so a cached page gets the
    same headers as a fresh one, and before sessions, CSRF and authentication, which a hit
    skips along with every query. A cache outage serves pages uncached rather than failing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not page_cache.is_cacheable_request(request):
            return self.get_response(request)
        try:
            slot, cached = page_cache.fetch(request)
        except Exception:
            logger.exception("Cache des pages indisponible.")
            return self.get_response(request)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if page_cache.is_cacheable_response(request, response):
            try:
                page_cache.store(slot, response, request.path)
            except Exception:
                logger.exception("Cache des pages : enregistrement impossible.")
        return response
