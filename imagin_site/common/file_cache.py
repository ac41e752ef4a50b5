"""Django's file-based cache without a directory listing at every write.

`FileBasedCache.set()` lists the whole cache directory (up to MAX_ENTRIES files: 10,000 in
production) to decide whether to cull, before writing one file. A convocation run renews the
portal versions of each batch's intervenants, a few hundred writes per batch: that listing
was a sixth of the run's time in the task worker. Here the directory is listed only when
the files could have reached MAX_ENTRIES since the last listing (each write adds one file
at most), and at least every RECOUNT_EVERY writes for the files other processes add.
Culling itself is Django's.
"""

from django.core.cache.backends.filebased import FileBasedCache as DjangoFileBasedCache

RECOUNT_EVERY = 200


class FileBasedCache(DjangoFileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._counted = None  # files found by the last listing, None before any
        self._writes = 0  # writes since that listing

    def _cull(self):
        if (
            self._counted is not None
            and self._writes < RECOUNT_EVERY
            and self._counted + self._writes < self._max_entries
        ):
            self._writes += 1
            return
        self._counted, self._writes = len(self._list_cache_files()), 1
        if self._counted >= self._max_entries:
            super()._cull()
            self._counted = None  # recount at the next write
