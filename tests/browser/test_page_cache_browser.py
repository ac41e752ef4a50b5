"""A page served from the page cache still runs the DSFR's scripts under the site's CSP."""

import io

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from imagin_site.common import page_cache

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded(live_server):
    call_command("seed_demo", missions=0, password="demo-password", stdout=io.StringIO())
    return live_server


def test_cached_home__mobile_menu_opens_without_csp_violation(seeded, phone_page, screenshot):
    problems = []  # DSFR's own accessibility warnings aside: errors and CSP violations
    phone_page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    phone_page.on("pageerror", lambda error: problems.append(str(error)))
    phone_page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    phone_page.goto(seeded.url + "/")
    host = seeded.url.removeprefix("http://")
    _, cached = page_cache.fetch(RequestFactory().get("/", HTTP_HOST=host))
    assert cached is not None, "the first visit stored the page"

    response = phone_page.goto(seeded.url + "/")  # served from the cache
    assert response.body() == cached.content
    menu = phone_page.locator("#menu-modal")
    assert not menu.is_visible()
    phone_page.locator("#button-menu").click()
    menu.wait_for(state="visible")
    screenshot(phone_page, "cached-home-phone-menu-open")
    assert "fr-modal--opened" in menu.get_attribute("class")
    assert menu.get_by_role("link", name="Réglementation").is_visible()
    assert problems == []
