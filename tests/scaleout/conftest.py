"""Two gunicorn instances with production settings, sharing the tests' PostgreSQL database,
the Redis and the S3 server that scripts/with_services.sh starts (make test does)."""

import datetime
import os
from types import SimpleNamespace

import boto3
import pytest
import redis
from botocore.exceptions import ClientError
from django.db import connection
from django.utils import timezone

from missions.services.convocations import issue_mission
from tests.factories import DossierFactory, IntervenantFactory, MissionFactory, SessionFactory
from tests.scaleout.servers import Gunicorn, start_all

BUCKET = "imagin-scaleout"
S3_CREDENTIALS = {"S3_ACCESS_KEY_ID": "scaleout", "S3_SECRET_ACCESS_KEY": "scaleout-secret"}
REGION = "us-east-1"
PASSWORD = "motdepasse-de-test"  # tests.factories.UserFactory's


@pytest.fixture(scope="module")
def services():
    redis_url = os.environ.get("TEST_REDIS_URL")
    endpoint = os.environ.get("TEST_S3_ENDPOINT_URL")
    if not (redis_url and endpoint):
        pytest.fail(
            "Redis et le serveur S3 manquent : lancez ces tests par ./scripts/with_services.sh "
            "(make test et scripts/test_suite.sh le font)."
        )
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=S3_CREDENTIALS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_CREDENTIALS["S3_SECRET_ACCESS_KEY"],
    )
    try:
        s3.create_bucket(Bucket=BUCKET)
    except ClientError as error:
        if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
            raise
    return SimpleNamespace(
        redis_url=redis_url, endpoint=endpoint, s3=s3, redis=redis.Redis.from_url(redis_url)
    )


def database_url():
    """The tests' database (test_imagin, or test_imagin_gwN under xdist) as a URL."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(scope="module")
def app_servers(services, django_db_setup, tmp_path_factory):
    """Instances A and B: same settings, same services, nothing shared in memory."""
    folder = tmp_path_factory.mktemp("scaleout")
    local_files = folder / "local-files"  # must stay empty: files go to S3
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "S3_", "REDIS_", "CACHE_", "AWS_"))
    }
    environ.update(
        DJANGO_SETTINGS_MODULE="tests.scaleout.settings",
        SECRET_KEY="scaleout-tests-only-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL=database_url(),
        REDIS_URL=services.redis_url,
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=services.endpoint,
        S3_REGION=REGION,
        MEDIA_ROOT=str(local_files / "media"),
        PRIVATE_MEDIA_ROOT=str(local_files / "private"),
        **S3_CREDENTIALS,
    )
    servers = [Gunicorn(name, environ, folder) for name in ("A", "B")]
    try:
        start_all(servers)
        yield SimpleNamespace(a=servers[0], b=servers[1], local_files=local_files)
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def shared(settings, services, app_servers):
    """The test process joins the instances' cache (as a cron command or a worker would), so
    its own writes invalidate what they cached; Redis starts empty for each test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": services.redis_url,
            "KEY_PREFIX": "imagin",
        }
    }
    services.redis.flushdb()
    return SimpleNamespace(**vars(app_servers), redis=services.redis, s3=services.s3)


def open_mission(intervenant=None, **kwargs):
    """An issued mission of the current session, whose entry is open today (the instances
    run on the real date)."""
    today = timezone.localdate()
    session = SessionFactory(
        start_date=today - datetime.timedelta(days=10),
        end_date=today - datetime.timedelta(days=2),
        entry_deadline=today + datetime.timedelta(days=30),
    )
    intervenant = intervenant or IntervenantFactory()
    DossierFactory(intervenant=intervenant)
    mission = MissionFactory(
        intervenant=intervenant,
        session=session,
        start_date=today - datetime.timedelta(days=5),
        **kwargs,
    )
    issue_mission(mission, today=today)
    return mission


def portal_login(server, intervenant):
    """An intervenant's login through the portal's form on `server`; the logged-in client."""
    client = server.client()
    response = client.submit(
        "/espace/connexion/", {"username": intervenant.identifier, "password": PASSWORD}
    )
    # Logged in: the portal answers with "Mes missions" itself (no redirect, issue 16).
    assert response.status_code == 200, response.text[-2000:]
    assert "Mes missions" in response.text, response.text[-2000:]
    return client


def staff_login(server, user):
    """A staff login on `server`: password on the admin's form, then the TOTP code of a
    device enrolled for them (each code is accepted once)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Téléphone de test", defaults={"confirmed": True}
    )
    client = server.client()
    response = client.submit("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.text[-2000:]
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.submit(response.headers["Location"], {"token": f"{totp.token():06d}"})
    assert response.status_code == 302, response.text[-2000:]
    return client


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test shows the end of each instance's log (tracebacks of a 500...)."""
    outcome = yield
    report = outcome.get_result()
    shared = getattr(item, "funcargs", {}).get("shared")
    if report.failed and shared is not None:
        for server in (shared.a, shared.b):
            report.sections.append((f"gunicorn {server.name}", server.tail() or "(vide)"))
