"""Static files for the atoll bench, served as in production: hashed names cached for good
and precompressed by WhiteNoise (CompressedManifestStaticFilesStorage). A full collectstatic
takes about 90 s here (Wagtail's admin and the whole DSFR); the pages measured need only the
site's own files, DSFR's scripts, favicon and icons, so only those are collected, once, and
kept until a source changes."""

import fnmatch
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from django.contrib.staticfiles.finders import AppDirectoriesFinder

ROOT = Path(__file__).resolve().parent.parent
STATIC_ROOT = ROOT / "bench" / "output" / "atoll-static"
# From the apps' static folders (the project's own folder is taken whole).
KEEP = (
    "dsfr/dist/dsfr/dsfr.module.min.js",
    "dsfr/dist/dsfr/dsfr.nomodule.min.js",
    "dsfr/dist/favicon/*",
    "dsfr/dist/icons/*",
)


class SelectedAppFinder(AppDirectoriesFinder):
    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            if any(fnmatch.fnmatch(path, pattern) for pattern in KEEP):
                yield path, storage


def fingerprint():
    """Names, sizes and modification times of every source file."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect():
    """Collect (about 15 s) unless the same sources were collected already."""
    stamp = STATIC_ROOT / ".sources"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.atoll_settings"}
    current = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from bench.atoll_static import fingerprint; print(fingerprint())"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if stamp.exists() and stamp.read_text() == current:
        return False
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--clear", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    stamp.write_text(current)
    return True
