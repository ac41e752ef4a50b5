"""`make bench`: the whole benchmark, end to end, on the PostgreSQL of DATABASE_URL
(scripts/with_postgres.sh gives a throwaway one). Prints the table and writes
docs/benchmarks.md."""

import datetime
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def prepare(config):
    from django.core.management import call_command

    from bench import dataset

    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    password = "bench-demo-password-0"  # noqa: S105 (throwaway benchmark database)
    call_command("seed_demo", missions=0, password=password, stdout=io.StringIO())
    log(f"migrate + seed_demo: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    counts = dataset.build(config)
    seconds = time.perf_counter() - started
    log(f"dataset in {seconds:.1f} s: {counts}")
    return counts, seconds


def public_targets():
    """The floor and one page of each public page type, as an anonymous visitor."""
    from home.models import ContactPage
    from regulations.models.pages import (
        DocumentationPage,
        IntervenantRequestPage,
        RegulationPage,
    )

    pages = list(RegulationPage.objects.live().specific())
    regulation = next((p for p in pages if "rate_table" in str(p.body.raw_data)), pages[0])
    return [
        ("floor (/bench/floor/)", "/bench/floor/", ""),
        ("home", "/", ""),
        (f"regulation ({regulation.url})", regulation.url, ""),
        *[
            (f"{label} ({page.url})", page.url, "")
            for label, model in [
                ("documentation", DocumentationPage),
                ("contact", ContactPage),
                ("request form", IntervenantRequestPage),
            ]
            if (page := model.objects.live().order_by("pk").first())
        ],
    ]


def targets():
    """URLs to load and the cookies they need."""
    from django.contrib.auth import get_user_model

    from bench import dataset
    from bench.config import BENCH_USERNAME
    from bench.cookies import session_cookie
    from missions.models import Mission, Session

    User = get_user_model()
    person = User.objects.get(username=BENCH_USERNAME)
    gestionnaire = User.objects.get(username="gestionnaire")
    device = dataset.otp_device(gestionnaire)
    mission = Mission.objects.filter(intervenant__user=person).order_by("pk").first()
    session = Session.objects.filter(name__startswith=dataset.PREFIX).order_by("pk").first()
    portal = session_cookie(person)
    staff = session_cookie(gestionnaire, device)
    return [
        *public_targets(),
        ("portal: my missions (15)", "/espace/", portal),
        ("portal: mission page", f"/espace/missions/{mission.pk}/", portal),
        (
            "admin missions, filtered by session",
            f"/admin/snippets/missions/mission/?session={session.pk}",
            staff,
        ),
    ]


def explain_listings():
    from django.contrib.auth import get_user_model

    from bench import dataset, explain
    from bench.cookies import session_cookie
    from missions.models import Archipelago, Centre, Island, Session

    gestionnaire = get_user_model().objects.get(username="gestionnaire")
    ids = {
        "session": Session.objects.filter(name__startswith=dataset.PREFIX).order_by("pk")[0].pk,
        "centre": Centre.objects.order_by("pk")[0].pk,
        "island": Island.objects.get(name="Raiatea").pk,
        "archipelago": Archipelago.objects.order_by("pk").last().pk,
    }
    cookie = session_cookie(gestionnaire, dataset.otp_device(gestionnaire))
    rows = explain.explain_listings(cookie, ids)
    log(f"EXPLAIN of {len(rows)} staff listings done")
    return rows


def load_pages(config, urls):
    from django.db import connections

    from bench.load import Server, measure_in_rounds

    connections.close_all()
    server = Server(config.workers)
    try:
        return measure_in_rounds(server.base, urls, config, log)
    finally:
        server.stop()


# The short bulk paths run BULK_ROUNDS times, in rounds (copy, import, exports; again...), and
# count for their median run: one run of the import swung from 4.0 to 5.5 s between two
# sittings of the same code on the same data. The convocation run (about a minute) runs once.
BULK_ROUNDS = 3
BULK_PATHS = [
    ("COPY into a scratch table", "copy", "import_rows"),
    ("import missions (CSV, run_import)", "import", "import_rows"),
    ("export états de frais CSV", "export_csv", "export_rows"),
    ("export états de frais XLSX", "export_xlsx", "export_rows"),
]
ONCE = [("convocations issued (1 PDF each)", "convocations", "convocations")]


def bulk_paths(config):
    runs = {label: [] for label, _, _ in BULK_PATHS}
    for _ in range(BULK_ROUNDS):
        for label, name, size in BULK_PATHS:
            runs[label].append(_bulk_run(label, name, getattr(config, size)))
    results = [(label, median_run(runs[label])) for label, _, _ in BULK_PATHS]
    for label, name, size in ONCE:
        results.append((label, _bulk_run(label, name, getattr(config, size))))
    return results


def _bulk_run(label, name, rows):
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.bulk", name, str(rows)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        result = {"rows": rows, "error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    log(f"{label}: {result}")
    return result


def median_run(runs):
    """The run of median rate, with every run's rows/s; a failed run is the result (a failure
    is never outvoted)."""
    failed = [run for run in runs if run.get("error") or not run.get("seconds")]
    if failed:
        return failed[0]
    ranked = sorted(runs, key=lambda run: run["rows"] / run["seconds"])
    return {
        **ranked[(len(ranked) - 1) // 2],
        "samples": [run["rows"] / run["seconds"] for run in runs],
    }


def write_report(
    config, machine, counts, dataset_seconds, table, plans, total_seconds, sections=()
):
    from bench.load import BROWSER_ENCODING, LOGGED_IN_ROUNDS, ROUNDS, round_seconds

    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (bench/run.py); do not edit by hand, re-run instead.",
        f"Run of {datetime.datetime.now():%Y-%m-%d %H:%M}, scale `{config.scale}`, "
        f"{total_seconds / 60:.1f} min end to end.",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in machine.items()],
        "",
        "## Set-up",
        "",
        f"- Dataset (COPY): {counts} in {dataset_seconds:.1f} s.",
        f"- gunicorn, {config.workers} sync workers, settings `bench.settings` (production + "
        "plain static storage + `/bench/floor/`), PostgreSQL on the same machine.",
        f"- wrk from 127.0.0.1: 2 threads, {config.connections} connections, "
        f"a 1 s warm-up per URL, then {ROUNDS} rounds of {round_seconds(config)} s per page, "
        f"each round starting 1/{ROUNDS} further into the list, with the floor loaded "
        f"before and after every page (bench/load.py); logged-in pages, far from their "
        f"goals, and the Redis lines in {LOGGED_IN_ROUNDS} of the rounds, spread out. "
        "A page's ratio to the floor is the median over its rounds of its req/s over the "
        "mean of its two floors (the runs column gives the middle half of those ratios); its "
        "req/s, the median round's. Every "
        f"request says `Accept-Encoding: {BROWSER_ENCODING}`, as browsers do (since "
        "2026-12-01; before, wrk asked for plain text, a path no browser takes). Logged-in "
        "pages reuse one session cookie made in the session store (admin: with the OTP device "
        "id).",
        '- Rows "— Redis cache + sessions": the same gunicorn with `REDIS_URL` on a throwaway '
        "redis-server (bench/redis_backend.py): page cache, version keys and sessions in Redis.",
        "- Bulk paths: each in its own process; peak RSS is that process's `ru_maxrss` "
        f"(includes Django itself, about 100 MB). COPY, import and exports run {BULK_ROUNDS} "
        "times in rounds and count for their median run (any failed run is the result); the "
        "convocation run once.",
        "",
        "## Results",
        "",
        table,
        "",
        "## Staff listings: EXPLAIN ANALYZE on the large dataset",
        "",
        "Each listing fetched in-process as the gestionnaire (second request, caches warm); "
        "every query it runs on a large table explained. A sequential scan is acceptable on a "
        "bounded count (COUNT over LIMIT 10 001) or a whole-table aggregate (dashboard), not "
        "on a page's rows.",
        "",
        plans,
        "",
        "The machine is shared and loaded (2 cores, other jobs running): figures are noisy; "
        "ratios to the floor and to COPY measured in the same run are what to compare.",
        "",
        *sections,
    ]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines), encoding="utf-8")


def main():
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL (use scripts/with_postgres.sh).")
    django.setup()
    from bench import atoll, explain, goals, redis_backend
    from bench import config as config_module
    from bench import machine as machine_module
    from bench import targets as earlier
    from bench.assignment import summary as assignment_summary
    from bench.report import table

    started = time.perf_counter()
    previous_floor = earlier.previous_floor(ROOT / "docs" / "benchmarks.md")
    config = config_module.load()
    log(f"config: {config}")
    counts, dataset_seconds = prepare(config)
    machine = machine_module.describe()
    urls = targets()
    staff_rows = explain_listings()
    plans = explain.table(staff_rows)
    pages = load_pages(config, urls)
    # The same floor, home and portal list with Redis as cache and session backend.
    pages += redis_backend.load_pages(config, urls, log)
    bulk = bulk_paths(config)
    atoll_section = atoll.run_or_report_failure(config, log)  # its own gunicorn and Chromium
    # The assignment solver, in its own process; it writes docs/benchmarks-assignment.md.
    assignment = subprocess.run(
        [sys.executable, "-m", "bench.assignment"], cwd=ROOT, capture_output=True, text=True
    )
    log(f"assignment: {(assignment.stdout.strip().splitlines() or ['échec'])[-1]}")
    if assignment.returncode:
        log(f"assignment stderr: {assignment.stderr.strip()[-1500:]}")
    text = "### Goals of this round (issue 15)\n\n" + goals.table(pages, staff_rows)
    text += "\n\n" + table(pages, bulk)
    text += "\n\n" + assignment_summary(assignment.stdout)
    total = time.perf_counter() - started
    machine["Floor of this run"] = earlier.floor_check(pages, previous_floor)
    text += "\n\n### Earlier targets (no regression)\n\n" + earlier.earlier_targets(
        pages, bulk, total
    )
    log(f"floor: {machine['Floor of this run']}")
    print(text)
    print(plans)
    write_report(config, machine, counts, dataset_seconds, text, plans, total, [atoll_section])
    log(f"done in {total / 60:.1f} min; written docs/benchmarks.md")


if __name__ == "__main__":
    main()
