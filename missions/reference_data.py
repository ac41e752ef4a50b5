"""Reference data (rates, commune neighbours) kept in each process between requests.

The tables are tiny and read on every fee computation, so each process keeps what it
loaded, tagged with a version held in the shared cache (Redis or files in production,
so every worker and server sees the same one). Saving or deleting any of these rows bumps
the version: at once (the saving request's own next read reloads, inside its transaction)
and again at commit (a process that reloaded in between, still seeing the old rows, drops
them). Writes through QuerySet.update() or raw SQL send no signal: call `bump()` after them.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from imagin_site.common.process_memo import VersionedMemo, shared_version

VERSION_KEY = "missions:reference-data-version"


def version():
    return shared_version(VERSION_KEY)


_memo = VersionedMemo(version)


def bump():
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def cached(name, load):
    """`load()`'s value, reused while the version is unchanged. Treat it as read-only."""
    return _memo.get(name, load)


def forget():
    """Drop this process's copies (tests roll back writes without any signal)."""
    _memo.clear()


def _changed(**kwargs):
    bump()
    transaction.on_commit(bump)


def connect_signals():
    from missions.models import (
        Activity,
        Archipelago,
        Centre,
        Commune,
        Exam,
        Island,
        Rate,
        RateGroup,
        Session,
        TravelRate,
    )

    # Exams, centres and islands: the fee simulator's choices (services/simulation.py);
    # sessions, centres, islands, archipelagos and activities: the back-office listings'
    # filters and rows (missions/backoffice/kept_choices.py).
    models = (Rate, TravelRate, RateGroup, Activity, Commune, Exam, Centre, Island, Session,
              Archipelago)  # fmt: skip
    for model in models:
        uid = f"reference-data-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _changed, sender=Commune.neighbours.through, dispatch_uid="reference-data-neighbours"
    )
