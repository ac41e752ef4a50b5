"""Values a process keeps between requests while a shared version stays the same: the
version lives in the cache every process reads (Redis or files in production), so one
process's edit makes every other reload at its next use."""

import threading
import time
import uuid
from collections import OrderedDict

from django.core.cache import cache


def shared_version(key):
    """The version stored under `key` in the shared cache, made on first use. add(): when
    two processes find none at once, both end up with the one stored first. A cache that
    keeps nothing gives a new version each time: nothing is then reused."""
    current = cache.get(key)
    if current is None:
        current = uuid.uuid4().hex
        cache.add(key, current, timeout=None)
        current = cache.get(key, current)
    return current


class VersionedMemo:
    def __init__(self, version):
        self._version = version  # callable returning the current shared version
        self._kept = {}  # key -> (version, value)

    def get(self, key, load):
        """`load()`'s value, reused while the version is unchanged. Treat it as read-only."""
        current = self._version()
        kept = self._kept.get(key)
        if kept is not None and kept[0] == current:
            return kept[1]
        value = load()
        self._kept[key] = (current, value)
        return value

    def clear(self):
        self._kept.clear()


class PageMemo:
    """Rendered pages a process keeps in memory, each under the version it was stored with:
    a hit then costs the read of the (small) shared version instead of reading and unpacking
    the page from the shared cache. The caller compares versions; this only keeps entries,
    for `seconds` at most and within `max_bytes` (least recently used go first)."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self._entries = OrderedDict()  # key -> (version, expires, size, value)
        self._bytes = 0
        self._lock = threading.Lock()  # runserver and threaded workers share a process

    def get(self, key, version):
        """The value kept under `key` for `version`, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] != version or entry[1] <= time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[3]

    def put(self, key, version, value, size, seconds):
        if size > self.max_bytes // 4 or seconds <= 0:
            return  # one page must not push out most of the others
        with self._lock:
            self._drop(key)
            self._entries[key] = (version, time.monotonic() + seconds, size, value)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key):
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[2]


class PageStore:
    """Pages kept under a version in the shared cache (every process and host) and, once a
    process has served one, in that process's memory too (PageMemo): a hit then reads only
    the version from the shared cache. `get` answers only a page stored under `version`, and
    none kept longer than the `seconds` it was stored for."""

    def __init__(self, max_bytes, size=len):
        self._memo = PageMemo(max_bytes)
        self._size = size  # bytes a value holds, for the memory bound

    def get(self, key, version):
        value = self._memo.get(key, version)
        if value is not None:
            return value
        entry = cache.get(key)  # (version, expires, value)
        if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == version):
            return None
        # Kept in memory no longer than in the shared cache.
        self._memo.put(key, version, entry[2], self._size(entry[2]), entry[1] - time.time())
        return entry[2]

    def set(self, key, version, value, seconds):
        cache.set(key, (version, time.time() + seconds, value), seconds)
        self._memo.put(key, version, value, self._size(value), seconds)
