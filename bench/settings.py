"""Production settings for the benchmark: plain static storage (no collectstatic, the
measured pages do not need the manifest), e-mails kept in memory, a bench URLconf that adds
the "floor" view."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from imagin_site.settings.production import *  # noqa: F403
from imagin_site.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ROOT_URLCONF = "bench.urls"

# WhiteNoise warns at each worker start that STATIC_ROOT is absent (no collectstatic here).
import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
