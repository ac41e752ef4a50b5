"""Production: every secret comes from the environment; refuse to start without them."""

from imagin_site.settings.base import *  # noqa: F403
from imagin_site.settings.base import BASE_DIR, env, env_bool

SECRET_KEY = env("SECRET_KEY", required=True)
env("DATABASE_URL", required=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Long runs (convocations) go to workers: `manage.py db_worker`, one or more processes.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Cache shared by every process (gunicorn workers, db_worker, cron commands): the public page
# cache and its invalidation, the request form's rate limit. Redis when available (several
# hosts); otherwise files on this host, which every process of the host shares.
if REDIS_URL := env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "imagin",
        }
    }
else:
    CACHES = {
        "default": {
            # Django's, without listing the directory at every write (common/file_cache.py).
            "BACKEND": "imagin_site.common.file_cache.FileBasedCache",
            "LOCATION": env("CACHE_DIR", str(BASE_DIR / "cache")),
            # Past MAX_ENTRIES a random third of the files goes, the generation key perhaps
            # (every page then misses once): keep that rare.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Sessions read from the shared cache, written through to the database: no query per request
# for them, and a cache restart or eviction logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Uploads in S3-compatible object storage when a bucket is given (several hosts); local folders
# otherwise. Nothing is public-read: private files stream through the views that check
# permissions, Wagtail documents through its serve view (then a short-lived signed URL).
if S3_BUCKET := env("S3_BUCKET"):
    _s3 = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env("S3_ENDPOINT_URL") or None,
        "region_name": env("S3_REGION") or None,
        "access_key": env("S3_ACCESS_KEY_ID", required=True),
        "secret_key": env("S3_SECRET_ACCESS_KEY", required=True),
        "default_acl": None,  # the bucket's own policy, which must stay private
        "querystring_auth": True,
        "querystring_expire": 600,
        "file_overwrite": False,
    }
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**_s3, "location": "media"},
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**_s3, "location": "private"},
        },
    }
