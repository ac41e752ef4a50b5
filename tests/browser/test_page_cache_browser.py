"""A page served from the page cache still runs the DSFR's scripts under the site's CSP."""

import io
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from playwright.sync_api import expect

from imagin_site.common import page_cache
from tests.browser.conftest import intervenant_ready_to_enter

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded(live_server):
    call_command("seed_demo", missions=0, password="demo-password", stdout=io.StringIO())
    return live_server


@contextmanager
def sync_browser_context(page):
    """A page in a second context of the same browser: another visitor, other cookies."""
    context = page.context.browser.new_context(locale="fr-FR")
    try:
        yield context.new_page()
    finally:
        context.close()


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

    response = phone_page.goto(seeded.url + "/")  # served from the cache, gzipped when stored
    assert response.headers["content-encoding"] == "gzip"
    assert response.body() == cached.content
    menu = phone_page.locator("#menu-modal")
    expect(menu).to_be_hidden()
    phone_page.locator("#button-menu").click()
    menu.wait_for(state="visible")
    screenshot(phone_page, "cached-home-phone-menu-open")
    assert "fr-modal--opened" in menu.get_attribute("class")
    expect(menu.get_by_role("link", name="Réglementation")).to_be_visible()
    assert problems == []


def test_cached_request_form__submitted_from_a_phone(seeded, phone_page, screenshot):
    """The form page is stored without CSRF tokens: a visitor served from the cache gets a
    token of their own and the request goes through."""
    from regulations.models import IntervenantRequest, IntervenantRequestPage
    from tests.browser.test_public_flow import fill_request_form

    url = seeded.url + IntervenantRequestPage.objects.get().url
    with sync_browser_context(phone_page) as other:
        other.goto(url)  # someone else's visit stores the page
    host = seeded.url.removeprefix("http://")
    path = IntervenantRequestPage.objects.get().url
    _, cached = page_cache.fetch(RequestFactory().get(path, HTTP_HOST=host))
    assert cached is not None, "the first visit stored the page"

    # Its fixed parts gzipped once, this visitor's token stored between them (gzip_splice).
    assert phone_page.goto(url).headers["content-encoding"] == "gzip"
    fill_request_form(phone_page)
    screenshot(phone_page, "cached-request-form-phone")
    phone_page.get_by_role("button", name="Envoyer ma demande").click()
    phone_page.wait_for_url("**/intervenant-exterieur/confirmation/")
    record = IntervenantRequest.objects.get()
    assert record.reference in phone_page.locator("main").inner_text()


@pytest.mark.parametrize(
    "path", ["/reglementation/frais-de-remuneration/", "/intervenant-exterieur/"]
)
def test_lighter_cached_page__looks_exactly_like_a_fresh_rendering(seeded, phone_page, path):
    """The page cache drops the templates' indentation: not one pixel may move."""
    from PIL import Image, ImageChops

    phone_page.goto(seeded.url + path)  # stored
    hit = len(phone_page.goto(seeded.url + path).body())
    hit_shot = phone_page.screenshot(full_page=True)
    fresh = len(phone_page.goto(seeded.url + path + "?fresh=1").body())  # never stored
    fresh_shot = phone_page.screenshot(full_page=True)

    assert hit < 0.9 * fresh
    images = [Image.open(io.BytesIO(shot)).convert("RGB") for shot in (hit_shot, fresh_shot)]
    assert images[0].size == images[1].size
    assert ImageChops.difference(*images).getbbox() is None


@pytest.fixture
def intervenant_with_a_mission(live_server):
    person, mission, _ = intervenant_ready_to_enter("Atoll-Tubuai-2026")
    return person, mission


def test_lighter_portal_pages__look_exactly_like_indented_ones(
    live_server, phone_page, intervenant_with_a_mission, monkeypatch
):
    """The portal's cached pages drop the templates' indentation too: not one pixel moves."""
    from PIL import Image, ImageChops

    from missions.portal import page_cache as portal_pages
    from missions.services import portal_versions

    person, mission = intervenant_with_a_mission
    phone_page.goto(live_server.url + "/espace/connexion/")
    phone_page.locator("#id_username").fill(person.identifier)
    phone_page.locator("#id_password").fill("Atoll-Tubuai-2026")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Se connecter").click()

    def shots():
        found = {}
        for path in ("/espace/", f"/espace/missions/{mission.pk}/"):
            size = len(phone_page.goto(live_server.url + path).body())
            found[path] = (size, phone_page.screenshot(full_page=True))
        return found

    lighter = shots()
    monkeypatch.setattr(portal_pages, "collapse_text", lambda html: html)
    portal_versions.bump_intervenants([person.pk])
    indented = shots()
    for path, (size, shot) in lighter.items():
        assert size < 0.9 * indented[path][0], path
        images = [Image.open(io.BytesIO(png)).convert("RGB") for png in (shot, indented[path][1])]
        assert images[0].size == images[1].size, path
        assert ImageChops.difference(*images).getbbox() is None, path
