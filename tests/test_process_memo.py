"""The pages a process keeps in memory (imagin_site/common/process_memo.PageMemo)."""

import time

from imagin_site.common.process_memo import PageMemo


def test_served_only_under_its_version():
    memo = PageMemo(max_bytes=1000)
    memo.put("page", "v1", "html", 4, seconds=60)
    assert memo.get("page", "v1") == "html"
    assert memo.get("page", "v2") is None
    assert memo.get("page", "v1") is None  # a stale copy is dropped, not kept for later


def test_expires_with_its_shared_copy(monkeypatch):
    memo = PageMemo(max_bytes=1000)
    memo.put("page", "v1", "html", 4, seconds=30)
    memo.put("gone", "v1", "html", 4, seconds=-1)  # already expired in the shared cache
    assert memo.get("gone", "v1") is None
    later = time.monotonic() + 31
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert memo.get("page", "v1") is None


def test_bounded_in_bytes__least_recently_used_go_first():
    memo = PageMemo(max_bytes=100)
    for name in "abcd":
        memo.put(name, "v", name, 25, seconds=60)
    assert memo.get("a", "v") == "a"  # a is now the most recently used
    memo.put("e", "v", "e", 25, seconds=60)
    assert memo.get("b", "v") is None
    assert [memo.get(name, "v") for name in "acde"] == list("acde")
    memo.put("huge", "v", "x", 60, seconds=60)  # over a quarter of the memory: not kept
    assert memo.get("huge", "v") is None
    assert memo.get("c", "v") == "c"


def test_page_store__another_process_copy_read_once_then_from_memory(monkeypatch):
    from django.core.cache import cache

    from imagin_site.common.process_memo import PageStore

    cache.clear()
    writer, reader = PageStore(max_bytes=1000), PageStore(max_bytes=1000)  # two processes
    writer.set("page", "v1", "html", seconds=60)
    assert reader.get("page", "v1") == "html"
    assert reader.get("page", "v2") is None  # a version renewed since
    cache.delete("page")
    assert writer.get("page", "v1") == "html"  # from its memory, the shared copy gone
    assert reader.get("page", "v1") is None  # dropped at the version miss above
