"""CSRF tokens for a form page served from the public page cache, in Django's own format (a
32-character secret in the cookie, a 64-character masked token in the form: the mask, then
the secret shifted by it), drawn with one os.urandom call per string.

Why not django.middleware.csrf.get_token: its get_random_string calls secrets.choice once
per character, about 100 µs for a new visitor's secret and its mask, which was a third of the
time of a cached request form page. The randomness is the same: os.urandom, each character
equally likely (bytes that would favour some characters are dropped, not folded).
"""

import os
import time
from http.cookies import Morsel

from django.conf import settings
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

ALPHABET = CSRF_ALLOWED_CHARS
# 248 = 4 × 62: a byte below it gives each character in exactly four ways; the 8 bytes above
# are deleted, else the first 8 characters would come out more often.
USABLE_BYTES = 256 - 256 % len(ALPHABET)
_TO_CHARACTER = bytes(ALPHABET.encode()[byte % len(ALPHABET)] for byte in range(USABLE_BYTES))
_TO_CHARACTER += bytes(256 - USABLE_BYTES)  # never used: those bytes are deleted first
_UNUSABLE = bytes(range(USABLE_BYTES, 256))
# (secret character, mask character) → cipher character: position of one plus the other.
_SHIFTED = {
    (secret, mask): ALPHABET[(i + j) % len(ALPHABET)]
    for i, secret in enumerate(ALPHABET)
    for j, mask in enumerate(ALPHABET)
}


def random_string(length):
    """`length` characters of ALPHABET, each drawn uniformly from os.urandom."""
    drawn = b""
    while len(drawn) < length:
        # 8 spare bytes: a short draw (3 % of the bytes are deleted) is rare, and then repeated.
        drawn += os.urandom(length + 8).translate(_TO_CHARACTER, _UNUSABLE)
    return drawn[:length].decode("ascii")


def masked(secret):
    """The token a form carries for this secret, as django.middleware.csrf masks it."""
    mask = random_string(len(secret))
    return mask + "".join(map(_SHIFTED.__getitem__, zip(secret, mask, strict=True)))


def token_for(request):
    """What get_token(request) returns, with the same effect on the request: a new secret
    when the visitor has none (CsrfViewMiddleware.process_request has run), and the cookie
    flagged to be (re)sent by process_response."""
    if settings.CSRF_USE_SESSIONS:
        return get_token(request)  # the secret lives in the session: Django's own path
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = random_string(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return masked(secret)


def set_cookie(response, secret):
    """The CSRF cookie as CsrfViewMiddleware._set_csrf_cookie sets it (same name, value and
    attributes, `Vary: Cookie`), its attributes worked out once a second rather than through
    HttpResponse.set_cookie at every hit. Only for a secret kept in a cookie."""
    morsel = Morsel()
    morsel.set(settings.CSRF_COOKIE_NAME, secret, secret)
    morsel.update(_cookie_attributes())
    response.cookies[settings.CSRF_COOKIE_NAME] = morsel
    if "cookie" not in response.get("Vary", "").lower():
        patch_vary_headers(response, ("Cookie",))


_attributes = (None, {})  # (second, attributes of a cookie set in that second)


def _cookie_attributes():
    global _attributes
    second = int(time.time())
    if _attributes[0] != second:
        age = settings.CSRF_COOKIE_AGE
        attributes = {"max-age": int(age), "expires": http_date(second + age)}
        if settings.CSRF_COOKIE_PATH is not None:
            attributes["path"] = settings.CSRF_COOKIE_PATH
        if settings.CSRF_COOKIE_DOMAIN is not None:
            attributes["domain"] = settings.CSRF_COOKIE_DOMAIN
        if settings.CSRF_COOKIE_SECURE:
            attributes["secure"] = True
        if settings.CSRF_COOKIE_HTTPONLY:
            attributes["httponly"] = True
        if settings.CSRF_COOKIE_SAMESITE:
            attributes["samesite"] = settings.CSRF_COOKIE_SAMESITE
        _attributes = (second, attributes)
    return _attributes[1]
