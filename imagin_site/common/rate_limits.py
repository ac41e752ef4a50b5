"""Counters of requests per client or per address in the shared cache: the public forms and
the password reset refuse more than `limit` hits of one key within a window."""

import hashlib

from django.core.cache import cache


def client_ip(request):
    """The client address as seen by Django (the proxy must set REMOTE_ADDR in production)."""
    return request.META.get("REMOTE_ADDR", "")


def hit(scope, identity, *, limit, window):
    """Count one hit of `identity` (an IP, an email…) in `scope`; False once more than `limit`
    hits fell in the current window. The identity is hashed: no address in the cache keys."""
    digest = hashlib.sha256(str(identity).strip().lower().encode()).hexdigest()[:32]
    key = f"rate:{scope}:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
