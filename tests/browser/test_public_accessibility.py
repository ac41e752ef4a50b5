import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# One URL per page type, plus the site-wide views.
URLS = [
    "/",  # HomePage
    "/reglementation/",  # RegulationIndexPage
    "/reglementation/frais-de-remuneration/",  # RegulationPage with rate tables
    "/reglementation/frais-de-deplacement/",
    "/comment-ca-marche/",  # DocumentationIndexPage
    "/comment-ca-marche/guide-intervenant/",  # DocumentationPage
    "/intervenant-exterieur/",  # IntervenantRequestPage
    "/contact/",  # ContactPage
    "/mentions-legales/",  # ContentPage
    "/plan-du-site/",  # SitemapPage
    "/recherche/?q=frais",
    "/page-inexistante/",
]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def seeded(live_server):
    call_command("seed_demo", missions=0, password="demo-password", stdout=io.StringIO())
    return live_server


def blocking_violations(results):
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_every_page_type__has_no_serious_accessibility_violation(seeded, page, axe):
    failures = {}
    for path in URLS:
        page.goto(seeded.url + path)
        violations = blocking_violations(axe.run(page))
        if violations:
            failures[path] = violations
    assert failures == {}


def test_request_form_with_errors__has_no_serious_accessibility_violation(seeded, page, axe):
    page.goto(seeded.url + "/intervenant-exterieur/")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma demande").click()
    assert blocking_violations(axe.run(page)) == []
