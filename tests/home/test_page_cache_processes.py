"""The page cache across processes and transactions: gunicorn runs several workers, and an
edit may land in one while another is rendering the page."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from imagin_site.common import page_cache

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_page_rendered_during_an_edit__is_dropped_when_the_edit_commits(
    client, rate_page, django_capture_on_commit_callbacks
):
    rate, page = rate_page
    client.get(page.url)
    with django_capture_on_commit_callbacks(execute=True):
        rate.amount = Decimal("222.22")
        rate.save()
        # Meanwhile another worker, which still reads the old row, stores its rendering under
        # the generation the save has just written.
        request = RequestFactory().get(page.url)
        slot, _ = page_cache.fetch(request)
        page_cache.store(slot, HttpResponse("ancienne version"), "/")
    assert "222,22\u00a0XPF" in client.get(page.url).content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rate_saved_in_another_process__invalidates_this_process_copy(
    client, rate_page, settings, tmp_path
):
    cache_dir = tmp_path / "cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(cache_dir),
        }
    }
    rate, page = rate_page
    assert "111,11\u00a0XPF" in client.get(page.url).content.decode()
    assert any(cache_dir.iterdir())

    # Another worker of the same host: same cache folder, same database, its own memory.
    (tmp_path / "other_worker.py").write_text(
        "from imagin_site.settings.test import *  # noqa\n"
        f"CACHES = {settings.CACHES!r}\n"
        f"DATABASES['default']['NAME'] = {connection.settings_dict['NAME']!r}\n"
    )
    code = (
        "import django; django.setup()\n"
        "from decimal import Decimal\n"
        "from missions.models import Rate\n"
        f"rate = Rate.objects.get(pk={rate.pk})\n"
        "rate.amount = Decimal('222.22')\n"
        "rate.save()\n"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "other_worker",
            "PYTHONPATH": f"{tmp_path}:{ROOT}",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr

    assert "222,22\u00a0XPF" in client.get(page.url).content.decode()
