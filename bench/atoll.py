"""`make bench`, atoll part (issue 16): the public and portal pages and the intervenant's task
"login page → log in → open the mission → add a work line → validate", timed in Chromium at
390 px under CDP network emulation (a shared satellite link and a better one), on production
settings under gunicorn with static files as production serves them (bench/atoll_static.py).

Run alone against a database the bench prepared (or any seeded one):
`./scripts/with_postgres.sh .venv/bin/python -m bench.atoll` (seeds it when empty)."""

import datetime
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.config import BENCH_PASSWORD

ROOT = Path(__file__).resolve().parent.parent

USERNAME = "bench.atoll"
IDENTIFIER = "BA000001"
PASSWORD = BENCH_PASSWORD
EPREUVE = "Atoll"
TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class Profile:
    name: str
    down_kbit: int
    up_kbit: int
    latency_ms: int
    goals: dict = field(default_factory=dict)  # task seconds: {"cold": 14, "warm": 6}
    runs: tuple = (("cold", True), ("warm", True))  # task runs: (cache, with scripts)
    pages: bool = True  # every page type, or only the task

    def conditions(self):
        return {
            "offline": False,
            "latency": self.latency_ms,
            "downloadThroughput": self.down_kbit * 1000 / 8,  # bytes/s
            "uploadThroughput": self.up_kbit * 1000 / 8,
        }


# Without scripts, the task is timed on the slow link only (the bench stays about 2 min).
PROFILES = [
    Profile(
        "256 kbit/s ↓, 64 kbit/s ↑, 600 ms",
        256,
        64,
        600,
        goals={"cold": 14.0, "warm": 6.0},
        runs=(("cold", True), ("warm", True), ("cold", False), ("warm", False)),
    ),
    Profile("1 Mbit/s ↓, 256 kbit/s ↑, 300 ms", 1000, 256, 300),
]
FIRST_VISIT_GOAL = 150_000  # bytes, any page type, empty cache
REPEAT_VISIT_GOAL = 10_000  # bytes, the same page again


# --- Data (in the bench process, through the ORM) -------------------------------------------


def prepare():
    """The atoll intervenant (identifier and password), one mission to enter per task run,
    and the URLs of each page type. Idempotent: the previous run's missions are deleted."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from missions.models import (
        Activity,
        Centre,
        DossierFinancier,
        Exam,
        Intervenant,
        Mission,
        Session,
    )
    from missions.services.convocations import issue_missions

    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    with transaction.atomic():
        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        user.password = make_password(PASSWORD)
        user.save()
        centre = Centre.objects.select_related("commune").order_by("pk").first()
        person, _ = Intervenant.objects.update_or_create(
            identifier=IDENTIFIER,
            defaults={
                "user": user,
                "civility": "Mme",
                "last_name": "Tetuanui",
                "first_name": "Hinano",
                "email": "bench.atoll@exemple.pf",
                # Living where the centre is: no travel to declare, as for most missions.
                "home_commune": centre.commune,
                "home_island": None,
                "work_commune": None,
                "work_island": None,
                "must_change_password": False,
            },
        )
        DossierFinancier.objects.update_or_create(
            intervenant=person,
            defaults={"iban": "FR7630001007941234567890185", "bic": "BDFEFRPP",
                      "account_holder": "Hinano Tetuanui", "vehicle_horsepower": 5},
        )  # fmt: skip
        exam = Exam.objects.filter(code="bac-general").first() or Exam.objects.first()
        session, _ = Session.objects.update_or_create(
            name="BENCH atoll (saisie ouverte)",
            defaults={"exam": exam, "year": yesterday.year, "start_date": yesterday,
                      "end_date": yesterday,
                      "entry_deadline": today + datetime.timedelta(days=20)},
        )  # fmt: skip
        Mission.objects.filter(intervenant=person).delete()
        common = {"intervenant": person, "session": session, "centre": centre,
                  "activity": Activity.objects.get(code="correction"), "start_date": yesterday,
                  "end_date": yesterday, "start_time": datetime.time(7, 30),
                  "end_time": datetime.time(12, 30), "expected_quantity": 40}  # fmt: skip
        missions = [
            Mission.objects.create(epreuve=f"{EPREUVE} {index + 1}", **common)
            for index in range(sum(len(profile.runs) for profile in PROFILES))
        ]
        issue_missions(missions)
    return {"missions": [m.pk for m in missions], "day": yesterday.isoformat(),
            "public": public_urls(), "portal": portal_urls(missions[-1].pk)}  # fmt: skip


def public_urls():
    from regulations.models import DocumentationPage, IntervenantRequestPage, RegulationPage

    def url_of(queryset):
        page = queryset.live().first()
        return page.url if page else None

    # One page of each type (the other content pages weigh the same as the documentation).
    urls = {
        "accueil": "/",
        "réglementation (taux)": url_of(RegulationPage.objects.filter(slug="frais-de-remuneration"))
        or url_of(RegulationPage.objects),
        "documentation": url_of(DocumentationPage.objects),
        "demande (formulaire)": url_of(IntervenantRequestPage.objects),
    }
    return {name: url for name, url in urls.items() if url}


def portal_urls(mission_pk):
    # The mission measured is the last one: still to enter when the pages are measured.
    return {
        "espace : mes missions": "/espace/",
        "espace : mission": f"/espace/missions/{mission_pk}/",
        "espace : dossier": "/espace/dossier/",
    }


# --- The browser side -----------------------------------------------------------------------


class Wire:
    """Bytes on the wire (CDP encodedDataLength: headers and compressed bodies), requests and
    document requests (page loads, redirects included) of one page, under emulation."""

    def __init__(self, context, page, profile):
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", profile.conditions())
        self.bytes, self.documents, self.cached = {}, [], set()
        self.cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.requestWillBeSent", self._sent)

    def _finished(self, event):
        # From the browser's cache, or a data: URL (DSFR's inline pictures): no request.
        if event["requestId"] not in self.cached:
            self.bytes[event["requestId"]] = event["encodedDataLength"]

    def _sent(self, event):
        if event["request"]["url"].startswith("data:"):
            self.cached.add(event["requestId"])
        elif event.get("type") == "Document":
            self.documents.append(event["request"]["method"])

    def reset(self):
        self.bytes.clear()
        self.documents.clear()
        self.cached.clear()

    @property
    def total(self):
        return sum(self.bytes.values())


def new_page(browser, profile, javascript=True, storage_state=None):
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        java_script_enabled=javascript,
        storage_state=storage_state,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    return context, page, Wire(context, page, profile)


LOAD_END = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  return n && n.loadEventEnd > 0 ? [performance.timeOrigin, n.loadEventEnd] : null;
}"""


def loaded_at(page):
    """(navigation start, load event end) of the page shown, in epoch ms (browser clock)."""
    page.wait_for_load_state("load")
    handle = page.wait_for_function(LOAD_END, timeout=TIMEOUT_MS)
    origin, load_end = handle.json_value()
    return origin, origin + load_end


def visit(page, wire, url, settle=True):
    """(bytes, requests, seconds from navigation start to the load event)."""
    wire.reset()
    page.goto(url, wait_until="load")
    start, end = loaded_at(page)
    if settle:
        page.wait_for_load_state("networkidle")  # requests after the load event count too
    return wire.total, len(wire.bytes), (end - start) / 1000


def measure_pages(browser, base, urls, profile, storage_state):
    """{page type: (cold bytes, cold requests, cold s, warm bytes, warm s)}."""
    results = {}
    for name, path in urls.items():
        state = storage_state if path.startswith("/espace/") and "connexion" not in path else None
        context, page, wire = new_page(browser, profile, storage_state=state)
        cold = visit(page, wire, base + path)
        warm = visit(page, wire, base + path, settle=False)
        results[name] = (*cold, warm[0], warm[2])
        context.close()
    return results


def log_in(page, identifier=IDENTIFIER):
    page.locator("#id_username").fill(identifier)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    if not page.get_by_role("heading", name="Mes missions", level=1).count():
        raise RuntimeError("la connexion n'a pas abouti à « Mes missions »")


def task(page, wire, base, mission_pk, day, javascript):
    """Login page → log in → open the mission → add a work line → validate. Returns
    (seconds from the login page's navigation start to the last page's load event, bytes,
    requests, page loads, {step: seconds of its page load})."""
    wire.reset()
    steps = {}
    page.goto(base + "/espace/connexion/", wait_until="load")
    start, end = loaded_at(page)
    steps["page de connexion"] = end - start
    log_in(page)
    origin, end = loaded_at(page)
    steps["connexion → mes missions"] = end - origin
    page.locator(f'a[href="/espace/missions/{mission_pk}/"]').first.click()
    page.wait_for_url(f"**/espace/missions/{mission_pk}/")
    origin, end = loaded_at(page)
    steps["mission"] = end - origin
    if javascript:
        page.get_by_role("button", name="Déclarer le travail effectué").click()
    form = page.locator("#form-travail")
    form.locator("#id_travail-date").fill(day)
    form.locator("#id_travail-quantity").fill("12")
    with page.expect_navigation():
        form.get_by_role("button", name="Ajouter").click()
    origin, end = loaded_at(page)
    steps["ajout de la ligne"] = end - origin
    if "Ligne ajoutée" not in page.content():
        raise RuntimeError("la ligne de travail n'a pas été enregistrée")
    page.get_by_text("Je certifie l'exactitude").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Valider ma saisie").click()
    origin, end = loaded_at(page)
    steps["validation"] = end - origin
    if "Votre saisie est validée" not in page.content():
        raise RuntimeError("la saisie n'a pas été validée")
    page.wait_for_load_state("networkidle")
    seconds = (end - start) / 1000
    return (
        seconds,
        wire.total,
        len(wire.bytes),
        len(wire.documents),
        {name: value / 1000 for name, value in steps.items()},
    )


def measure_tasks(browser, base, profile, missions, day):
    """{(when, javascript): task result}; cold in a new browser context (empty cache), warm
    in the same context logged out (cookies cleared, cache kept)."""
    results = {}
    context = None
    for when, javascript in profile.runs:
        if when == "cold":
            if context is not None:
                context.close()
            context, page, wire = new_page(browser, profile, javascript)
        else:
            context.clear_cookies()
        results[(when, javascript)] = task(page, wire, base, missions.pop(0), day, javascript)
    context.close()
    return results


def storage_after_login(browser, base):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(base + "/espace/connexion/")
    log_in(page)
    state = context.storage_state()
    context.close()
    return state


def run(config=None, log=print):
    """Everything: data, statics, gunicorn, Chromium. Returns the Markdown section."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from bench.atoll_static import collect
    from bench.load import Server

    started = time.perf_counter()
    data = prepare()
    if collect():
        log(f"atoll: static files collected in {time.perf_counter() - started:.0f} s")
    connections.close_all()
    workers = config.workers if config else 3
    server = Server(workers, settings="bench.atoll_settings")
    log(f"atoll: data, statics and gunicorn ready in {time.perf_counter() - started:.0f} s")
    base = server.base.replace("127.0.0.1", "localhost")  # Secure cookies over plain http
    pages, tasks = {}, {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            state = storage_after_login(browser, base)
            urls = {**data["public"], "espace : connexion": "/espace/connexion/",
                    **data["portal"]}  # fmt: skip
            missions = list(data["missions"])
            for profile in PROFILES:
                if profile.pages:
                    pages[profile.name] = measure_pages(browser, base, urls, profile, state)
                    log(f"atoll: pages at {profile.name} done")
                tasks[profile.name] = measure_tasks(browser, base, profile, missions, data["day"])
                log(f"atoll: task at {profile.name}: {summary(tasks[profile.name])}")
                for (when, javascript), result in tasks[profile.name].items():
                    steps = ", ".join(f"{name} {value:.1f}" for name, value in result[4].items())
                    log(f"atoll:   {when} {'JS' if javascript else 'sans JS'}: {steps}")
            browser.close()
    finally:
        server.stop()
    seconds = time.perf_counter() - started
    log(f"atoll: done in {seconds:.0f} s")
    return section(pages, tasks, seconds)


def run_or_report_failure(config, log):
    """The Markdown section, or one that says why the part failed: `make bench` goes on."""
    try:
        return run(config, log)
    except Exception as error:  # the other parts' results must be written
        log(f"atoll: FAILED {error!r}")
        return f"## From an atoll\n\nThis part failed: `{error!r}`.\n"


def summary(results):
    return ", ".join(
        f"{when}{'' if js else ' sans JS'} {r[0]:.1f} s" for (when, js), r in results.items()
    )


# --- Report ---------------------------------------------------------------------------------


def _kb(value):
    return f"{value / 1000:.1f}"


def section(pages, tasks, seconds):
    lines = [
        "## From an atoll: pages and the intervenant's task on a slow link",
        "",
        "Chromium at 390 px (phone), CDP `Network.emulateNetworkConditions` on each page; "
        "gunicorn, settings `bench.atoll_settings` (production, static files hashed, "
        "precompressed by WhiteNoise and cached for good). Bytes: CDP `encodedDataLength` "
        "(headers and compressed bodies). Times: navigation start to the load event. "
        f"Part of the run: {seconds:.0f} s.",
        "",
        "### Task: login page → log in → open the mission → add a work line → validate",
        "",
        "From the login page's navigation start to the load event of the last page, as "
        'Playwright fills and clicks (no reading time); "of which page loads": the sum, over '
        "the pages, of navigation start to load event (the rest is the automation between "
        "pages). Cold: new browser context, empty cache; warm: same context logged out, cache "
        "kept. Page loads count document requests, redirects included.",
        "",
        "| Link | Run | Time (s) | Goal (s) | Met | of which page loads (s) | KB on the wire "
        "| Requests | Page loads |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for profile in PROFILES:
        for (when, javascript), (total, size, requests, loads, steps) in tasks.get(
            profile.name, {}
        ).items():
            goal = profile.goals.get(when) if javascript else None
            met = "—" if goal is None else ("met" if total <= goal else "**not met**")
            lines.append(
                f"| {profile.name} | {when}, {'JS' if javascript else 'sans JS'} | {total:.1f} "
                f"| {goal if goal else '—'} | {met} | {sum(steps.values()):.1f} | {_kb(size)} "
                f"| {requests} | {loads} |"
            )
    lines += [
        "",
        "### Page types: first visit (empty cache) and repeat visit",
        "",
        f"Goals: first visit ≤ {FIRST_VISIT_GOAL // 1000} KB, repeat visit ≤ "
        f"{REPEAT_VISIT_GOAL // 1000} KB (bytes do not depend on the link). Portal pages: "
        "logged in, empty cache.",
        "",
    ]
    names = [profile.name for profile in PROFILES if profile.name in pages]
    header = "| Page | 1st visit KB | requests | repeat KB | Met |"
    header += "".join(f" 1st / repeat (s), {name} |" for name in names)
    lines += [header, "|---|---:|---:|---:|---|" + "---:|" * len(names)]
    first = pages[names[0]] if names else {}
    for page_name, (cold, requests, _s, warm, _w) in first.items():
        met = cold <= FIRST_VISIT_GOAL and warm <= REPEAT_VISIT_GOAL
        row = f"| {page_name} | {_kb(cold)} | {requests} | {_kb(warm)} | "
        row += "met |" if met else "**not met** |"
        for name in names:
            r = pages[name][page_name]
            row += f" {r[2]:.1f} / {r[4]:.1f} |"
        lines.append(row)
    lines.append("")
    return "\n".join(lines)


def main():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from bench import config as config_module
    from bench.run import prepare as prepare_bench

    config = config_module.load()
    prepare_bench(config)  # migrate, seed_demo, the dataset unless present
    text = run(config, log=lambda message: print(f"[{time.strftime('%H:%M:%S')}] {message}"))
    print(text)
    output = ROOT / "bench" / "output"
    output.mkdir(exist_ok=True)
    (output / "atoll.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
