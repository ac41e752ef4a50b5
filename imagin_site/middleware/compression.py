"""Compression of the text responses the site renders (HTML, CSV, JSON): an intervenant on a
shared satellite link pays for every byte. Static files are compressed ahead of time by
WhiteNoise, which answers before this middleware.

BREACH: an attacker who can reflect chosen text into a compressed page that also holds a
secret, and watch its size, can guess the secret. Django masks the CSRF token anew in every
response and its GZip pads each response with random bytes; the 2FA pages, which display a
long-lived secret (TOTP key, recovery codes) next to a reflected `next` parameter, are sent
uncompressed anyway (COMPRESSION_EXCLUDED_PREFIXES). The dossier financier shows bank details
but reflects nothing a third party chooses (its only input is a CSRF-protected POST), so it is
compressed."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "image/svg+xml",
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if not content_type.startswith(COMPRESSIBLE_TYPES):
            return response  # PDFs, spreadsheets, images: already compressed
        if request.path.startswith(tuple(settings.COMPRESSION_EXCLUDED_PREFIXES)):
            return response
        return super().process_response(request, response)
