"""CSRF tokens for a form page served from the public page cache, in Django's own format (a
32-character secret in the cookie, a 64-character masked token in the form: the mask, then
the secret shifted by it): a new visitor's secret and first token come from one os.urandom
call, another token of a known secret from one more.

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
_UNUSABLE = bytes(range(USABLE_BYTES, 256))
# Byte → position in ALPHABET (a random byte, or a character of a secret), and back.
_TO_POSITION = bytes(byte % len(ALPHABET) for byte in range(USABLE_BYTES)) + bytes(8)
_CHARACTER_POSITION = bytes(ALPHABET.find(chr(byte)) % 256 for byte in range(256))
# A sum of two positions (0 to 122) → the character at that sum modulo 62.
_SUM_TO_CHARACTER = bytes(ALPHABET.encode()[total % len(ALPHABET)] for total in range(256))
_POSITION_TO_CHARACTER = _SUM_TO_CHARACTER  # a position is its sum with 0


def _random_positions(length):
    """`length` positions in ALPHABET, each drawn uniformly from os.urandom."""
    drawn = b""
    while len(drawn) < length:
        # 8 spare bytes: a short draw (3 % of the bytes are deleted) is rare, and then repeated.
        drawn += os.urandom(length + 8).translate(_TO_POSITION, _UNUSABLE)
    return drawn[:length]


def masked(secret):
    """The token a form carries for this secret, as django.middleware.csrf masks it: a random
    mask, then each secret character shifted by the mask's character at the same place."""
    positions = secret.encode("ascii").translate(_CHARACTER_POSITION)
    if b"\xff" in positions:  # never from a cookie CsrfViewMiddleware checked: a sum would carry
        raise ValueError("Secret CSRF hors de l'alphabet attendu.")
    return _token(positions, _random_positions(len(secret)))


def new_secret_and_token():
    """(secret, token) for a visitor without one, from a single os.urandom draw."""
    drawn = _random_positions(2 * CSRF_SECRET_LENGTH)
    positions, mask = drawn[:CSRF_SECRET_LENGTH], drawn[CSRF_SECRET_LENGTH:]
    return positions.translate(_POSITION_TO_CHARACTER).decode("ascii"), _token(positions, mask)


def _token(positions, mask):
    """The mask, then each secret position shifted by the mask's, as characters. The shifts
    are added all at once: with one byte per position, as big integers, no sum (at most
    61 + 61) carries into the next byte; a table then takes each sum modulo 62."""
    sums = int.from_bytes(positions) + int.from_bytes(mask)
    shifted = sums.to_bytes(len(positions)).translate(_SUM_TO_CHARACTER)
    return (mask.translate(_POSITION_TO_CHARACTER) + shifted).decode("ascii")


def token_for(request):
    """What get_token(request) returns, with the same effect on the request: a new secret
    when the visitor has none (CsrfViewMiddleware.process_request has run), and the cookie
    flagged to be (re)sent by process_response."""
    if settings.CSRF_USE_SESSIONS:
        return get_token(request)  # the secret lives in the session: Django's own path
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        request.META["CSRF_COOKIE"], token = new_secret_and_token()
    else:
        token = masked(secret)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return token


class _CookieOfSecond(Morsel):
    """The CSRF cookie for one secret, copied from the template of the current second: while
    its attributes are still the template's, the text after `name=value` in its Set-Cookie line
    is the template's, which Morsel worked out once. Changed afterwards (delete_cookie...),
    copied or unpickled, it is written out by Morsel again."""

    _source = None  # the template it was copied from
    _after_value = None

    def OutputString(self, attrs=None):
        if attrs is None and self._after_value is not None and dict.__eq__(self, self._source):
            return f"{self.key}={self.coded_value}{self._after_value}"
        return super().OutputString(attrs)


def set_cookie(response, secret):
    """The CSRF cookie as CsrfViewMiddleware._set_csrf_cookie sets it (same name, value and
    attributes, `Vary: Cookie`), copied from a template made once a second rather than set
    through HttpResponse.set_cookie and written out by Morsel at every hit. Only for a secret
    kept in a cookie."""
    template = _template_of_this_second()
    morsel = _CookieOfSecond.__new__(_CookieOfSecond)
    dict.update(morsel, template)
    morsel.__dict__.update(template.__dict__, _value=secret, _coded_value=secret)
    response.cookies[morsel.key] = morsel
    if "cookie" not in response.get("Vary", "").lower():
        patch_vary_headers(response, ("Cookie",))


_template = (None, None)  # (second, template of a cookie set in that second)


def _template_of_this_second():
    global _template
    second = int(time.time())
    if _template[0] != second:
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
        template = _CookieOfSecond()
        template.set(settings.CSRF_COOKIE_NAME, "", "")
        template.update(attributes)
        # Morsel's own line for an empty value: "name=" then the attributes.
        after_value = Morsel.OutputString(template)[len(template.key) + 1 :]
        template._source, template._after_value = template, after_value
        _template = (second, template)
    return _template[1]
