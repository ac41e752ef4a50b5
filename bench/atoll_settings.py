"""The bench's production settings, with static files as production serves them (hashed,
precompressed, cached for good): see bench/atoll_static.py."""

from bench.atoll_static import STATIC_ROOT as ATOLL_STATIC_ROOT
from bench.settings import *  # noqa: F403
from bench.settings import STORAGES

STATIC_ROOT = ATOLL_STATIC_ROOT
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "bench.atoll_static.SelectedAppFinder",
]
