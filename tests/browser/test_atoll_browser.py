"""On a phone, with and without JavaScript (issue 16): the menu reachable, the "Menu" skip link
working, the menu button announced as the dialog it opens, and the focus on the error summary
after a failed submit; axe finds nothing serious."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_portal_browser import BLOCKING, convocation  # noqa: F401 (fixture)
from tests.home.factories import seed_public_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def nojs_phone_page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844},
                                  is_mobile=True, java_script_enabled=False)  # fmt: skip
    page = context.new_page()
    yield page
    context.close()


def blocking(page):
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in BLOCKING]


def test_phone_without_javascript__menu_and_search_in_the_page(live_server, nojs_phone_page):
    seed_public_site()
    page = nojs_phone_page
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav).to_be_visible()
    nav.get_by_role("link", name="Contact").click()
    page.wait_for_url("**/contact/")
    expect(page.get_by_role("searchbox")).to_be_visible()
    # The skip link lands on the navigation, which is in view.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Menu", exact=True).focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#fr-navigation"
    expect(nav).to_be_visible()
    assert nav.bounding_box()["height"] > 0


def test_phone_with_javascript__skip_link_opens_the_menu_dialog(live_server, phone_page):
    seed_public_site()
    page = phone_page
    page.goto(live_server.url + "/")
    button = page.locator("#button-menu")
    assert button.get_attribute("aria-haspopup") == "dialog"
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav).to_be_hidden()
    page.keyboard.press("Tab")  # the first skip link appears on focus
    page.get_by_role("link", name="Menu", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('menu-modal').classList.contains('fr-modal--opened')"
    )
    expect(nav).to_be_visible()
    focused = page.evaluate("document.activeElement.closest('#menu-modal') !== null")
    assert focused, "la fenêtre du menu doit recevoir le focus"
    assert blocking(page) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "sans-js"])
def test_failed_entry__focus_on_the_error_summary(
    live_server,
    convocation,  # noqa: F811 (the fixture imported above)
    browser,
    screenshot,
    javascript,
):
    from missions.models import Intervenant

    person = Intervenant.objects.get(identifier=convocation["identifier"])
    person.user.set_password("Atoll-Rapa-2026")
    person.user.save()
    person.must_change_password = False
    person.save(update_fields=["must_change_password"])
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844},
                                  is_mobile=True, java_script_enabled=javascript)  # fmt: skip
    page = context.new_page()
    page.goto(live_server.url + "/espace/connexion/")
    page.locator("#id_username").fill(convocation["identifier"])
    page.locator("#id_password").fill("pas le bon")
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    assert page.title().startswith("Erreur : ")
    assert page.evaluate("document.activeElement.id") == "error-summary"

    page.locator("#id_password").fill("Atoll-Rapa-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    if javascript:  # the list answered the post; imagin.js shows its own address
        page.wait_for_url("**/espace/")
    with page.expect_navigation():
        page.get_by_role("link", name="Philosophie").first.click()
    if javascript:
        page.get_by_role("button", name="Déclarer le travail effectué").click()
    form = page.locator("#form-travail")
    form.locator("#id_travail-quantity").fill("-3")
    with page.expect_navigation():
        form.get_by_role("button", name="Ajouter").click()
    assert page.title().startswith("Erreur : ")
    summary = page.locator("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expect(summary).to_be_visible()
    screenshot(
        page.locator("body").page, f"atoll-error-summary-390-{'js' if javascript else 'nojs'}"
    )
    # Its link takes the keyboard to the field.
    summary.get_by_role("link", name="ne peut pas être négative").click()
    assert page.evaluate("location.hash") == "#id_travail-quantity"
    if javascript:  # axe runs as a script in the page
        assert blocking(page) == []
    context.close()
