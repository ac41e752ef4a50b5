"""Production settings as the environment makes them: each case imports
imagin_site.settings.production in a fresh process with only the given variables."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {
    "SECRET_KEY": "production-settings-test-key-" + "x" * 40,
    "DATABASE_URL": "postgres://imagin@127.0.0.1:1/imagin",
}
S3 = {
    "S3_BUCKET": "imagin-fichiers",
    "S3_ENDPOINT_URL": "https://s3.example.pf",
    "S3_REGION": "pf-papeete-1",
    "S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "secret-example",
}
# What the production process sees, printed as JSON: no network is needed for any of it
# (the Redis client connects lazily, and a signed S3 URL is computed locally).
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
private = storages["private"]
print(json.dumps({
    "cache": settings.CACHES["default"],
    "cache_class": type(caches["default"]).__name__,
    "session_engine": settings.SESSION_ENGINE,
    "storages": {k: v["BACKEND"] for k, v in settings.STORAGES.items()},
    "private_options": {k: v for k, v in settings.STORAGES["private"].get("OPTIONS", {}).items()
                        if k not in ("access_key", "secret_key")},
    "private_url": private.url("recu/abc.pdf") if hasattr(private, "bucket_name") else None,
    "middleware": settings.MIDDLEWARE,
}, default=str))
"""


def production(env=None, code=PROBE):
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("S3_", "REDIS_", "CACHE_", "AWS_", "DJANGO_"))
    }
    environ.update({**REQUIRED, **(env or {})})
    environ["DJANGO_SETTINGS_MODULE"] = "imagin_site.settings.production"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def resolved(env=None):
    done = production(env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_redis_or_s3__a_file_cache_shared_on_the_host_and_local_files(tmp_path):
    settings = resolved({"CACHE_DIR": str(tmp_path)})
    assert settings["cache"]["BACKEND"] == "imagin_site.common.file_cache.FileBasedCache"
    assert settings["cache"]["LOCATION"] == str(tmp_path)
    assert settings["session_engine"] == "django.contrib.sessions.backends.cached_db"
    assert settings["storages"] == {
        "default": "django.core.files.storage.FileSystemStorage",
        "private": "django.core.files.storage.FileSystemStorage",
        "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }
    assert settings["private_options"]["base_url"] is None
    middleware = settings["middleware"]
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in middleware
    assert middleware.index(
        "imagin_site.middleware.page_cache.PublicPageCacheMiddleware"
    ) < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")


def test_never_a_per_process_cache_in_production(tmp_path):
    for env in ({"CACHE_DIR": str(tmp_path)}, {"REDIS_URL": "redis://127.0.0.1:6379/0"}):
        assert resolved(env)["cache_class"] != "LocMemCache"


def test_redis_url__cache_and_sessions_in_redis():
    settings = resolved({"REDIS_URL": "redis://cache.interne:6379/2"})
    assert settings["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["cache"]["LOCATION"] == "redis://cache.interne:6379/2"
    assert settings["cache_class"] == "RedisCache"
    assert settings["session_engine"] == "django.contrib.sessions.backends.cached_db"


def test_s3_bucket__uploads_in_object_storage_never_public(tmp_path):
    settings = resolved({**S3, "CACHE_DIR": str(tmp_path)})
    assert settings["storages"] == {
        "default": "storages.backends.s3.S3Storage",
        "private": "storages.backends.s3.S3Storage",
        "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }
    options = settings["private_options"]
    assert options["bucket_name"] == "imagin-fichiers"
    assert options["endpoint_url"] == "https://s3.example.pf"
    assert options["location"] == "private"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    # Even a URL built by mistake is signed and short-lived, never a public one.
    url = settings["private_url"]
    assert url.startswith("https://s3.example.pf/imagin-fichiers/private/recu/abc.pdf?")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=600" in url


def test_s3_bucket_without_keys__refuses_to_start(tmp_path):
    done = production({"S3_BUCKET": "imagin-fichiers", "CACHE_DIR": str(tmp_path)})
    assert done.returncode != 0
    assert "S3_ACCESS_KEY_ID" in done.stderr


@pytest.mark.parametrize("env", [{}, {"REDIS_URL": "redis://cache.interne:6379/0", **S3}])
def test_check_deploy__is_clean(env, tmp_path):
    code = (
        "import django, sys; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    done = production({**env, "CACHE_DIR": str(tmp_path)}, code)
    assert done.returncode == 0, done.stderr
