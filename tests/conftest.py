import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from home import site_chrome
from missions import reference_data
from missions.backoffice import chrome as admin_chrome
from missions.permissions import is_staff_user


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts without the pages, rate-limit counters and rates cached by the last
    one: its database was rolled back, which sends no invalidation."""
    cache.clear()
    reference_data.forget()
    site_chrome.forget()
    admin_chrome.forget()
    yield
    reference_data.forget()
    site_chrome.forget()
    admin_chrome.forget()


@pytest.fixture
def demo_site(db):
    """The seeded demo page tree and accounts."""
    call_command("seed_demo", password="demo-password-for-tests", missions=0, stdout=io.StringIO())


def pytest_collection_modifyitems(config, items):
    """Mark transactional tests so `make test` runs them in a second pass.

    A transactional test flushes the database when it ends, which deletes the reference
    data of the migrations (communes, rates, the Wagtail root page) for every test that
    follows on the same worker; xdist does not keep pytest-django's "transactional last"
    ordering. So they run apart, and each restores that data with serialized_rollback.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test needs serialized_rollback=True"
            )
        item.add_marker(pytest.mark.transactional)


class VerifiedClient(Client):
    """The test client, whose force_login also passes a staff user's second factor (as if
    they had typed their TOTP code); `unverified_client` does not."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if is_staff_user(user):
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="Téléphone de test", defaults={"confirmed": True}
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    return VerifiedClient()


@pytest.fixture
def unverified_client():
    return Client()
