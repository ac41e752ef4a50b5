"""The admin's Content-Security-Policy is enforced: the screens staff use every day (the
dashboard, a mission's form with its choosers and date pickers, a chooser's modal, the page
editor) run with no violation."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from missions.models import Mission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "mot-de-passe-de-demo"


@pytest.fixture
def demo():
    call_command("seed_demo", password=PASSWORD, missions=20, stdout=io.StringIO())


def record_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def script_src(response):
    policy = response.headers["content-security-policy"]
    return next(part.strip() for part in policy.split(";") if "script-src" in part)


def test_admin_screens__run_under_the_enforced_csp(
    demo, live_server, page, admin_log_in, screenshot
):
    violations = record_violations(page)
    admin = get_user_model().objects.get(username="admin")
    admin_log_in(page, live_server, admin, PASSWORD)

    response = page.goto(live_server.url + reverse("wagtailadmin_home"))
    assert script_src(response) == "script-src 'self'"  # no inline script on the dashboard
    assert "content-security-policy-report-only" not in response.headers

    mission = Mission.objects.order_by("pk").first()
    edit = reverse("wagtailsnippets_missions_mission:edit", args=[mission.pk])
    response = page.goto(live_server.url + edit)
    assert script_src(response).startswith("script-src 'self' 'nonce-")
    page.wait_for_load_state("networkidle")
    screenshot(page, "admin-csp-mission-edit")
    chooser = page.locator("[data-chooser-action-choose]:visible").first
    chooser.click()
    page.wait_for_selector(".modal-content", state="visible")
    page.wait_for_load_state("networkidle")
    screenshot(page, "admin-csp-mission-chooser")

    home_page = page.locator("body")
    page.goto(live_server.url + reverse("wagtailadmin_pages:edit", args=[3]))
    page.wait_for_load_state("networkidle")
    expect(home_page).to_be_visible()

    assert violations == []
