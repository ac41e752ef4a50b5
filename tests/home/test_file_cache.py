"""The production file cache (imagin_site/common/file_cache.py): Django's culling, without
listing the directory at every write."""

from imagin_site.common import file_cache
from imagin_site.common.file_cache import FileBasedCache


def cache_in(path, max_entries):
    return FileBasedCache(str(path), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def counting_listings(cache, monkeypatch):
    listings = []
    list_files = cache._list_cache_files

    def counted():
        listings.append(1)
        return list_files()

    monkeypatch.setattr(cache, "_list_cache_files", counted)
    return listings


def test_writes_far_from_the_limit__list_the_directory_once(tmp_path, monkeypatch):
    cache = cache_in(tmp_path, max_entries=1000)
    listings = counting_listings(cache, monkeypatch)

    cache.set_many({f"key{i}": i for i in range(100)})

    assert len(listings) == 1
    assert cache.get_many([f"key{i}" for i in range(100)]) == {f"key{i}": i for i in range(100)}


def test_other_processes_files__recounted_every_so_often(tmp_path, monkeypatch):
    monkeypatch.setattr(file_cache, "RECOUNT_EVERY", 10)
    cache = cache_in(tmp_path, max_entries=10_000)
    listings = counting_listings(cache, monkeypatch)

    for i in range(30):
        cache.set(f"key{i}", i)

    assert len(listings) == 3


def test_past_max_entries__culled_as_django_does(tmp_path):
    cache = cache_in(tmp_path, max_entries=30)  # CULL_FREQUENCY 3: a third goes when full

    for i in range(100):
        cache.set(f"key{i}", i)
        assert len(cache._list_cache_files()) <= 30

    assert cache.get("key99") == 99
