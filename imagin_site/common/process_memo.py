"""Values a process keeps between requests while a shared version stays the same: the
version lives in the cache every process reads (Redis or files in production), so one
process's edit makes every other reload at its next use."""


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
