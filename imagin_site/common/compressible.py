"""Which responses the site compresses: rendered text (HTML, CSV, JSON...) of at least
MINIMUM_LENGTH bytes, outside COMPRESSION_EXCLUDED_PREFIXES. Used by the compression middleware
and by the public page cache, which stores a compressed copy of such pages."""

from django.conf import settings

MINIMUM_LENGTH = 200  # GZipMiddleware's: not worth compressing below
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "image/svg+xml",
)


def is_compressible(path, response):
    """Whether the response to `path` is one the site compresses (when asked)."""
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if not content_type.startswith(COMPRESSIBLE_TYPES):
        return False  # PDFs, spreadsheets, images: already compressed
    if path.startswith(tuple(settings.COMPRESSION_EXCLUDED_PREFIXES)):
        return False
    if response.streaming:
        return True
    return len(response.content) >= MINIMUM_LENGTH
