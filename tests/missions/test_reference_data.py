"""Rates and neighbours are kept per process between requests, and every change to them is
seen by the next computation."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from missions import reference_data
from missions.models import Commune, Rate
from missions.services.fees import neighbour_map
from missions.services.rulebook import RateBook

pytestmark = pytest.mark.django_db


def test_rate_book_is_loaded_once_then_reused():
    RateBook.load()
    with CaptureQueriesContext(connection) as queries:
        RateBook.load()
        neighbour_map()
        neighbour_map()
    assert len(queries) == 1  # the neighbours' first load; the book came from memory


def test_saving_a_rate_is_seen_by_the_next_load():
    day = datetime.date(2031, 1, 1)
    before = next(r for r in RateBook.load().rates if r.covers(day))
    Rate.objects.filter(pk=before.pk).update(valid_to=day - datetime.timedelta(days=1))
    reference_data.bump()  # update() sends no signal: the caller bumps, as documented
    assert RateBook.load().remuneration_rate(before.activity_id, before.rate_group_id, day) is None
    Rate.objects.create(
        activity=before.activity,
        rate_group=before.rate_group,
        label="Tarif futur",
        amount=before.amount + 1000,
        valid_from=day,
    )
    found = RateBook.load().remuneration_rate(before.activity_id, before.rate_group_id, day)
    assert found.amount == before.amount + 1000


def test_deleting_a_rate_is_seen_by_the_next_load():
    book = RateBook.load()
    rate = book.rates[0]
    Rate.objects.filter(pk=rate.pk).delete()  # a queryset delete still sends post_delete
    assert rate.pk not in {r.pk for r in RateBook.load().rates}


def test_changing_neighbours_is_seen_by_the_next_computation():
    first, second = Commune.objects.order_by("pk")[:2]
    first.neighbours.remove(second)
    assert second.pk not in neighbour_map().get(first.pk, frozenset())
    first.neighbours.add(second)
    assert second.pk in neighbour_map()[first.pk]


def test_another_process_sees_a_new_version_after_a_change():
    """Processes share the version through the cache: a changed version means reload."""
    RateBook.load()
    stale_version = reference_data.version()
    Rate.objects.order_by("pk").first().save()
    assert reference_data.version() != stale_version
