import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded(live_server):
    call_command("seed_demo", password="demo-password-for-tests", missions=0, stdout=io.StringIO())
    return live_server


def test_home_page__shows_dsfr_header_and_portal_button(seeded, page, screenshot):
    page.goto(seeded.url + "/")
    assert page.title().endswith("IMAG'IN Polynésie")
    assert page.locator(".fr-header__service-title").inner_text().strip() == "IMAG'IN"
    expect(page.get_by_role("link", name="Accéder à mon espace").first).to_be_visible()
    # The DSFR stylesheet really loaded: the header logo is laid out by it.
    assert page.locator(".fr-logo").first.evaluate("e => getComputedStyle(e).fontWeight") == "700"
    screenshot(page, "home-desktop")
