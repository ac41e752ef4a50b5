"""Test settings: fast hasher, in-memory mail and cache, plain static storage, PDFs laid out
in the test process."""

from imagin_site.settings.base import *  # noqa: F403
from imagin_site.settings.base import BASE_DIR, env

SECRET_KEY = "test-only-key"  # noqa: S105 (tests only)
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CONVOCATION_PDF_PROCESSES = 1  # no worker processes to start (one test covers them)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = BASE_DIR / ".test_media"
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test_media" / "private"
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT  # noqa: F405

if not env("DATABASE_URL"):
    raise RuntimeError("Les tests tournent sur PostgreSQL : lancez-les avec `make test`.")

# Static files come from the finders (live_server's handler); WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405

# Lockouts are tested explicitly (override_settings(AXES_ENABLED=True)); elsewhere the test
# client's login() carries no request, which django-axes requires.
AXES_ENABLED = False
