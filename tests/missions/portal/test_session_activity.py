"""The portal session ends after 30 minutes without a request, and an active session is
written back at most once a minute instead of on every page."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imagin_site.middleware import session_activity

pytestmark = pytest.mark.django_db
IDLE = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


@pytest.fixture
def clock(monkeypatch):
    """The middleware's clock, moved by hand."""
    now = {"value": 1_900_000_000}
    monkeypatch.setattr(session_activity.time, "time", lambda: now["value"])
    return now


def session_writes(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:missions")).status_code == 200
    return [q for q in queries if "django_session" in q["sql"] and q["sql"].startswith("UPDATE")]


def stored(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_active_session_is_written_at_most_once_a_minute(client, alice, clock):
    client.force_login(alice.user)
    assert len(session_writes(client)) == 1  # first touch
    assert session_writes(client) == []
    clock["value"] += session_activity.TOUCH_SECONDS - 1
    assert session_writes(client) == []
    clock["value"] += 1
    assert len(session_writes(client)) == 1


def test_a_touch_pushes_the_expiry_back(client, alice, clock):
    client.force_login(alice.user)
    session_writes(client)
    # Ten idle minutes: the stored expiry is ten minutes nearer.
    row = stored(client)
    Session.objects.filter(pk=row.pk).update(
        expire_date=row.expire_date - datetime.timedelta(minutes=10)
    )
    clock["value"] += 10 * 60
    session_writes(client)
    assert stored(client).expire_date > row.expire_date - datetime.timedelta(minutes=1)


def test_an_anonymous_visitor_gets_no_session(client):
    response = client.get(reverse("portal:login"))
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


def test_the_session_ends_after_thirty_idle_minutes(client, alice):
    client.force_login(alice.user)
    row = stored(client)
    Session.objects.filter(pk=row.pk).update(
        expire_date=row.expire_date - IDLE - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("portal:missions"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
