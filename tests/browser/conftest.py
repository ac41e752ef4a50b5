import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Sync Playwright runs an event loop in this thread; Django must still let the ORM run.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from bench.chromium import CHROMIUM, CHROMIUM_ARGS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def browser():
    """One Chromium per test, started after the test's database set-up: while sync
    Playwright's event loop runs, Django hands out another connection object, which lacks
    the serialized data that serialized_rollback restores after a transactional test's
    flush; a session-wide browser would leave later tests without reference data."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def admin_log_in():
    """Log a staff user into the Wagtail admin through the real forms: password, then the
    TOTP code of a device enrolled for them."""
    from django.urls import reverse
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def log_in(page, live_server, user, password):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="Téléphone de test", defaults={"confirmed": True}
        )
        page.goto(live_server.url + reverse("wagtailadmin_login"))
        page.fill("input[name=username]", user.get_username())
        page.fill("input[name=password]", password)
        page.locator("form button[type=submit]").click()
        page.wait_for_url("**/admin/2fa/verifier/**")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.fill("input[name=token]", f"{totp.token():0{device.digits}d}")
        page.get_by_role("button", name="Vérifier").click()
        page.wait_for_url(live_server.url + reverse("wagtailadmin_home"))

    return log_in


def intervenant_ready_to_enter(password, epreuve="Mathématiques"):
    """(intervenant, mission, day): an intervenant who already chose `password`, convoked
    yesterday for a mission whose entry is open for 20 days."""
    import datetime

    from django.utils import timezone

    from missions.services.accounts import issue_first_password
    from missions.services.convocations import issue_mission
    from tests.factories import DossierFactory, IntervenantFactory, MissionFactory, SessionFactory

    today = timezone.localdate()
    day = today - datetime.timedelta(days=1)
    session = SessionFactory(name="BTS 2026", year=day.year, start_date=day, end_date=day,
                             entry_deadline=today + datetime.timedelta(days=20))  # fmt: skip
    person = IntervenantFactory(user=None, first_name="Teva", last_name="Tauira")
    DossierFactory(intervenant=person)
    mission = MissionFactory(intervenant=person, session=session, start_date=day,
                             epreuve=epreuve)  # fmt: skip
    issue_mission(mission)
    issue_first_password(person)
    person.refresh_from_db()
    person.user.set_password(password)
    person.user.save()
    person.must_change_password = False
    person.save(update_fields=["must_change_password"])
    return person, mission, day
