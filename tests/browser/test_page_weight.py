"""The page-weight budget (issue 16): bytes on the wire, as Chromium counts them (CDP
`Network.loadingFinished` encodedDataLength: headers and compressed body), for each page type
of the public site and the portal, cold and warm, and the requests and round trips of the
intervenant's task "login → mission → work line → validate", with and without JavaScript.

Static files are served as WhiteNoise serves them in production: compressed (gzip here, Brotli
over HTTPS in production, smaller still) and cacheable for good (hashed names). Bytes and
requests are deterministic; `make bench` times the same pages under slow-link emulation."""

import re

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread
from wagtail.models import Page

from imagin_site.middleware.compression import TextGZipMiddleware
from missions.services.convocations import issue_mission
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, intervenant_ready_to_enter
from tests.factories import MissionFactory
from tests.home.factories import seed_public_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRST_VISIT_BUDGET = 150_000  # bytes, any page, empty cache
REPEAT_VISIT_BUDGET = 10_000  # bytes, same page again, statics cached
TASK_ROUND_TRIPS = 5  # page loads: login, then each post or link answered by its page
PASSWORD = "Atoll-Tubuai-2026"


class ProductionLikeStatic(StaticFilesHandler):
    """Static files compressed and cached for good, as WhiteNoise serves the manifest's."""

    def get_response(self, request):
        response = super().get_response(request)
        response["Cache-Control"] = "max-age=315360000, public, immutable"
        return TextGZipMiddleware(lambda r: response).process_response(request, response)


@pytest.fixture
def server():
    thread = LiveServerThread("127.0.0.1", ProductionLikeStatic)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@pytest.fixture
def site(server):
    """The public pages, and an intervenant with a mission to enter (password already chosen)."""
    from home.models import ContactPage
    from regulations.models import DocumentationPage, IntervenantRequestPage, RegulationPage

    seed_public_site()
    person, mission, day = intervenant_ready_to_enter(PASSWORD)
    public = {
        "accueil": "/",
        "taux": RegulationPage.objects.live().get(slug="frais-de-remuneration").url,
        "documentation": DocumentationPage.objects.live().first().url,
        "contact": ContactPage.objects.live().get().url,
        "demande (formulaire)": IntervenantRequestPage.objects.live().get().url,
        "mentions légales": Page.objects.get(slug="mentions-legales").url,
    }
    return {"server": server, "public": public, "person": person, "mission": mission,
            "day": day}  # fmt: skip


class Wire:
    """Bytes, requests and page loads (document requests, redirects included) seen by CDP."""

    def __init__(self, context, page):
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        self.bytes = {}
        self.documents = []
        self.cached = set()
        self.cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.requestWillBeSent", self._sent)

    def _finished(self, event):
        if event["requestId"] not in self.cached:  # from the browser's cache: no request
            self.bytes[event["requestId"]] = event["encodedDataLength"]

    def _sent(self, event):
        if event.get("type") == "Document":
            self.documents.append((event["request"]["method"], event["request"]["url"]))

    def reset(self):
        self.bytes.clear()
        self.documents.clear()
        self.cached.clear()

    @property
    def total(self):
        return sum(self.bytes.values())


def new_page(browser, javascript=True):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844},
                                  is_mobile=True, java_script_enabled=javascript)  # fmt: skip
    page = context.new_page()
    return context, page, Wire(context, page)


def load(page, wire, url):
    wire.reset()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return wire.total, len(wire.bytes)


def log_in(page, site):
    page.locator("#id_username").fill(site["person"].identifier)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("heading", name="Mes missions", level=1).count() == 1


def measure_pages(browser, site):
    """{page type: (cold bytes, cold requests, warm bytes)} at 390 px."""
    base = site["server"]
    results = {}
    for name, path in site["public"].items():
        context, page, wire = new_page(browser)
        cold = load(page, wire, base + path)
        results[name] = (*cold, load(page, wire, base + path)[0])
        context.close()
    context, page, wire = new_page(browser)
    cold = load(page, wire, base + "/espace/connexion/")
    results["espace : connexion"] = (*cold, load(page, wire, base + "/espace/connexion/")[0])
    log_in(page, site)
    for name, path in [
        ("espace : mes missions", "/espace/"),
        ("espace : mission", f"/espace/missions/{site['mission'].pk}/"),
        ("espace : dossier", "/espace/dossier/"),
    ]:
        # Statics are cached by then; "cold" is the page's own weight for a first visit.
        context_cold = browser.new_context(storage_state=context.storage_state())
        cold_page = context_cold.new_page()
        cold = load(cold_page, Wire(context_cold, cold_page), base + path)
        context_cold.close()
        load(page, wire, base + path)
        results[name] = (*cold, load(page, wire, base + path)[0])
    context.close()
    return results


def run_task(browser, site, javascript, screenshot=None):
    """Login page → log in → open the mission → add a work line → validate; returns
    (bytes, requests, page loads)."""
    context, page, wire = new_page(browser, javascript)
    wire.reset()
    page.goto(site["server"] + "/espace/connexion/")
    log_in(page, site)
    with page.expect_navigation():
        page.get_by_role("link", name=site["mission"].epreuve, exact=True).first.click()
    if javascript:
        page.get_by_role("button", name="Déclarer le travail effectué").click()
    elif screenshot:
        screenshot(page, "atoll-mission-390-nojs")
    form = page.locator("#form-travail")
    form.locator("#id_travail-date").fill(site["day"].isoformat())
    form.locator("#id_travail-quantity").fill("12")
    with page.expect_navigation():
        form.get_by_role("button", name="Ajouter").click()
    assert "Ligne ajoutée" in page.content()
    page.get_by_text("Je certifie l'exactitude").click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Valider ma saisie")).click()
    assert "Votre saisie est validée" in page.content()
    if javascript:  # the page answered the post; its own address is shown, for a reload
        page.wait_for_function(f"location.pathname === '/espace/missions/{site['mission'].pk}/'")
    page.wait_for_load_state("networkidle")
    result = (wire.total, len(wire.bytes), list(wire.documents))
    context.close()
    return result


def test_page_weight__first_and_repeat_visits_within_budget(site, capsys):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results = measure_pages(browser, site)
        browser.close()
    with capsys.disabled():
        print("\npage                        1re visite (o, requêtes)   visite suivante (o)")
        for name, (cold, requests, warm) in results.items():
            print(f"{name:<28}{cold:>10} ({requests:>2}){warm:>22}")
    over = {name: r for name, r in results.items() if r[0] > FIRST_VISIT_BUDGET}
    assert not over, f"première visite > {FIRST_VISIT_BUDGET} o : {over}"
    over = {name: r for name, r in results.items() if r[2] > REPEAT_VISIT_BUDGET}
    assert not over, f"visite suivante > {REPEAT_VISIT_BUDGET} o : {over}"


def test_task__with_and_without_javascript__few_round_trips_no_redirect_chain(
    site, screenshot, capsys
):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with_js = run_task(browser, site, javascript=True)
        # A second mission for the run without scripts (the first one is validated).
        site["mission"] = second_mission(site)
        without_js = run_task(browser, site, javascript=False, screenshot=screenshot)
        browser.close()
    with capsys.disabled():
        for label, (total, requests, documents) in [("avec JS", with_js), ("sans JS", without_js)]:
            print(f"\ntâche {label} : {total} o, {requests} requêtes, {len(documents)} pages")
    for _total, _requests, documents in (with_js, without_js):
        assert len(documents) <= TASK_ROUND_TRIPS, documents
        # Logging in, a saved line and the validation answer with the resulting page itself:
        # no redirect at all.
        methods = [method for method, _url in documents]
        assert "".join(m[0] for m in methods) == "GPGPP", documents


def second_mission(site):
    mission = MissionFactory(intervenant=site["person"], session=site["mission"].session,
                             start_date=site["day"], epreuve="Mathématiques (oral)")  # fmt: skip
    issue_mission(mission)
    return mission
