"""Settings of the gunicorn instances of the two-instance tests: production's, with the
cache and sessions on the Redis and the files on the S3 server that scripts/with_services.sh
starts (REDIS_URL, S3_* given by tests/scaleout/conftest.py). What differs from production
is only what plain http on 127.0.0.1 needs: no TLS redirect, cookies without the Secure flag
(a client does not send those over http), plain static storage (no collectstatic), e-mails
kept in memory and the tests' fast password hasher (the accounts are made by factories)."""

import os
import warnings

os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from imagin_site.settings.production import *  # noqa: F403
from imagin_site.settings.production import STORAGES

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise warns at each worker start that STATIC_ROOT is absent (no collectstatic here).
warnings.filterwarnings("ignore", message="No directory at")

# Never fall back silently to a file cache or local folders: what is tested is Redis and S3.
if not (os.environ.get("REDIS_URL") and os.environ.get("S3_BUCKET")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("REDIS_URL et S3_BUCKET sont obligatoires pour ces instances.")
