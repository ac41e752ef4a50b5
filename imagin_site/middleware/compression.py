"""Compression of the text responses the site renders (HTML, CSV, JSON): an intervenant on a
shared satellite link pays for every byte. Static files are compressed ahead of time by
WhiteNoise, which answers before this middleware.

BREACH: an attacker who can reflect chosen text into a compressed page that also holds a
secret, and watch its size, can guess the secret. Django masks the CSRF token anew in every
response and its GZip pads each response with random bytes; the 2FA pages, which display a
long-lived secret (TOTP key, recovery codes) next to a reflected `next` parameter, are sent
uncompressed anyway (COMPRESSION_EXCLUDED_PREFIXES). The dossier financier shows bank details
but reflects nothing a third party chooses (its only input is a CSRF-protected POST), so it is
compressed. Pages from the public page cache come compressed already, when they were stored:
they hold no secret, and the request form's CSRF token is put in uncompressed (gzip_splice)."""

from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import cc_delim_re

from imagin_site.common.compressible import is_compressible


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.has_header("Content-Encoding"):
            return response  # compressed already (a page from the page cache)
        if not is_compressible(request.path, response):
            return response
        accepts_gzip = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if not accepts_gzip and _varies_on_encoding(response):
            # Left as it is: GZipMiddleware would only add Accept-Encoding to Vary, which a
            # page from the page cache has already.
            return response
        return super().process_response(request, response)


def _varies_on_encoding(response):
    vary = response.get("Vary", "")
    return "accept-encoding" in {value.strip().lower() for value in cc_delim_re.split(vary)}
