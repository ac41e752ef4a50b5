"""Smoke test of the benchmark table (the harness itself runs only with `make bench`)."""

import itertools

import pytest

from bench.report import table


def test_table_gives_ratios_to_floor_and_copy():
    pages = [
        ("floor", {"rps": 1000.0, "p50": 2.0, "p99": 9.0, "errors": 0}),
        ("home", {"rps": 250.0, "p50": 8.0, "p99": 30.0, "errors": 0}),
    ]
    bulk = [
        ("COPY", {"rows": 1000, "seconds": 0.1, "maxrss_mb": 100}),
        ("import", {"rows": 1000, "seconds": 1.0, "maxrss_mb": 150}),
        ("broken", {"rows": 10, "error": "boom"}),
    ]
    text = table(pages, bulk)
    assert "| home | 250 | 8.0 | 30.0 | 25.0 % | 0 | — |" in text
    assert "| import | 1 000 | 1.0 | 1 000 | 10.0 % | 150 | — |" in text
    assert "FAILED: boom" in text


def test_plan_facts_find_sequential_scans_of_large_tables_only():
    from bench.explain import _plan_facts

    plan = {
        "Execution Time": 12.5,
        "Plan": {
            "Node Type": "Hash Join",
            "Plans": [
                {"Node Type": "Seq Scan", "Relation Name": "missions_feepart"},
                {"Node Type": "Seq Scan", "Relation Name": "missions_activity"},
                {"Node Type": "Index Scan", "Relation Name": "missions_mission"},
            ],
        },
    }
    assert _plan_facts(plan) == (12.5, {"missions_feepart"})


@pytest.mark.django_db
def test_every_staff_listing_of_the_report_answers(settings):
    """The EXPLAIN report fetches real listings: each must answer 200 with its filters."""
    from bench.cookies import session_cookie
    from bench.explain import explain_listings, table
    from missions.models import Island
    from tests.factories import CentreFactory, MissionFactory, gestionnaire, parts_for

    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    mission = MissionFactory()
    parts_for(mission)
    island = Island.objects.get(name="Raiatea")
    user = gestionnaire()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    ids = {
        "session": mission.session_id,
        "centre": CentreFactory().pk,
        "island": island.pk,
        "archipelago": island.archipelago_id,
    }
    rows = explain_listings(session_cookie(user, device), ids)
    assert {row["status"] for row in rows} == {200}, [r for r in rows if r["status"] != 200]
    assert all(row["queries"] > 0 for row in rows), rows  # counted despite the log reset
    text = table(rows)
    assert len([line for line in text.splitlines() if line.startswith("| ")]) == len(rows) + 1
    assert "Staff screens within 150 ms (median of 5 requests): " in text


def test_staff_table_marks_each_screen_against_the_goal():
    from bench.explain import table

    rows = [
        {"label": "fast", "status": 200, "queries": 12, "slowest_ms": 3.0, "seq_scans": [],
         "page_ms": 80.0},
        {"label": "slow", "status": 200, "queries": 15, "slowest_ms": 90.0,
         "seq_scans": ["missions_feepart"], "page_ms": 151.0},
        {"label": "broken", "status": 500, "queries": 3, "slowest_ms": 0.0, "seq_scans": [],
         "page_ms": 10.0},
    ]  # fmt: skip
    text = table(rows)
    assert "| fast | 200 | 12 | 3.0 | none | 80 | met |" in text
    assert "| slow | 200 | 15 | 90.0 | feepart | 151 | **not met** |" in text
    assert "| broken | 500 | 3 | 0.0 | none | 10 | **not met** |" in text
    assert "within 150 ms (median of 5 requests): 1 of 3." in text


def _run(floor=1500.0, home=1400.0, portal=200.0, csv=52_000):
    pages = [
        ("floor (/bench/floor/)", {"rps": floor, "p50": 5.0, "p99": 15.0, "errors": 0}),
        ("home", {"rps": home, "p50": 6.0, "p99": 16.0, "errors": 0}),
        ("regulation (/reglementation/x/)", {"rps": 700.0, "p50": 6.0, "p99": 16.0}),
        ("portal: my missions (15)", {"rps": portal, "p50": 30.0, "p99": 90.0}),
        ("portal: mission page", {"rps": 100.0, "p50": 30.0, "p99": 90.0}),
    ]
    bulk = [
        ("COPY into a scratch table", {"rows": 100_000, "seconds": 2.0}),
        ("import missions (CSV, run_import)", {"rows": 100_000, "seconds": 4.0}),
        ("export états de frais CSV", {"rows": 100_000, "seconds": 100_000 / csv}),
        ("export états de frais XLSX", {"rows": 100_000, "error": "boom"}),
        ("convocations issued (1 PDF each)", {"rows": 2_000, "seconds": 50.0}),
    ]
    return pages, bulk


def test_earlier_targets__one_line_each_met_or_not():
    from bench.targets import earlier_targets

    pages, bulk = _run()
    text = earlier_targets(pages, bulk, total_seconds=600)
    lines = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines()}
    assert lines["home ≥ 50 % of floor"].endswith("| 93.3 % | met |")
    assert lines["regulation page ≥ 50 % of floor"].endswith("| 46.7 % | **not met** |")
    assert lines["portal: my missions ≥ 10 % of floor"].endswith("| 13.3 % | met |")
    assert lines["portal: mission page ≥ 10 % of floor"].endswith("| 6.7 % | **not met** |")
    assert lines["portal p99 < 20× the floor's p99"].endswith("| 6.0× | met |")
    assert lines["import 100k missions ≥ 10 000 rows/s"].endswith("| 25 000 rows/s | met |")
    assert lines["import within 6× of COPY"].endswith("| 2.0× | met |")
    assert lines["export CSV ≥ 50 000 rows/s"].endswith("| 52 000 rows/s | met |")
    assert "**not met**" in lines["export XLSX ≥ 5 000 rows/s"]
    assert lines["convocations ≥ 20 PDFs/s"].endswith("| 40 PDFs/s | met |")
    assert lines["`make bench` < 15 min"].endswith("| 10.0 min | met |")
    held = [line for line in text.splitlines() if "| issue 15 |" in line]
    assert [line.endswith("| met |") for line in held] == [True, True, False, True]
    assert "Earlier targets met in this run: 11 of 15." in text


def test_floor_check__flags_a_floor_far_from_usual(tmp_path):
    from bench.config import FLOOR_REFERENCE_RPS
    from bench.report import table
    from bench.targets import floor_check, previous_floor

    pages, _ = _run(floor=FLOOR_REFERENCE_RPS)
    assert floor_check(pages).endswith(": normal.")
    assert "req/s, 100 % of the usual" in floor_check(pages)
    pages, _ = _run(floor=FLOOR_REFERENCE_RPS * 0.5)
    assert floor_check(pages).startswith("**run to redo: abnormal floor**")
    pages, _ = _run(floor=FLOOR_REFERENCE_RPS * 2)
    assert "abnormal floor" in floor_check(pages)

    report = tmp_path / "benchmarks.md"
    assert previous_floor(report) is None
    report.write_text("## Results\n\n" + table(*_run(floor=1234.0)), encoding="utf-8")
    assert previous_floor(report) == 1234
    assert "previous report 1 234" in floor_check(pages, previous_floor(report))


def test_floor_check__says_which_runs_the_floor_is_the_median_of():
    from bench.targets import floor_check

    runs = [3300.0, 3000.0, 3600.0, 3100.0, 3400.0]
    pages = [("floor (/bench/floor/)", {"rps": 3300.0, "samples": runs})]
    assert "3 300 req/s" in floor_check(pages)
    assert "(median of 5 runs between the pages, 3 000 to 3 600)" in floor_check(pages)


def test_measure_in_rounds__each_page_against_the_floor_beside_it(monkeypatch):
    """The machine slows down by half during the series: the ratios do not move."""
    from types import SimpleNamespace

    from bench import load

    speed = {"/floor/": 1000.0, "/page/": 900.0, "/slow/": 300.0}
    loads = []

    def fake_wrk(url, seconds, connections, cookie=""):
        path = url.removeprefix("http://x")
        if seconds == 1:  # the warm-up
            return {"rps": 0.0}
        loads.append(path)
        drift = 1 - len(loads) / 40  # the machine's speed falls from 1 to about 0.5
        return {"rps": speed[path] * drift, "p50": 1.0, "p99": 2.0, "errors": 0}

    monkeypatch.setattr(load, "wrk", fake_wrk)
    monkeypatch.setattr(load, "check", lambda url, cookie="": (200, 10))
    monkeypatch.setattr(load, "ROUNDS", 3)  # rounds of 4 s: not taken for the 1 s warm-up
    urls = [("floor", "/floor/", ""), ("page", "/page/", ""), ("slow", "/slow/", "")]
    config = SimpleNamespace(duration=10, connections=8)
    found = dict(load.measure_in_rounds("http://x", urls, config, log=lambda _: None))

    # Every page between two floors, in rotated rounds.
    assert loads[:5] == ["/floor/", "/page/", "/floor/", "/slow/", "/floor/"]
    assert loads[10:15] == ["/floor/", "/slow/", "/floor/", "/page/", "/floor/"]
    assert len(loads) == 15
    assert abs(found["page"]["ratio"] - 0.9) < 0.02
    assert abs(found["slow"]["ratio"] - 0.3) < 0.01
    assert len(found["page"]["ratios"]) == 3 and "ratio" not in found["floor"]
    assert len(found["floor"]["samples"]) == 9
    # The quotient of the medians drifts with the machine.
    assert abs(found["page"]["rps"] / found["floor"]["rps"] - 0.9) > 0.02
    assert "| 90.0 % |" in table(list(found.items()), [])
    assert "| 3 rounds, middle half 90–90 % |" in table(list(found.items()), [])


def test_round_orders__each_url_early_midway_and_late():
    from bench.load import round_orders

    orders = round_orders(9, 3)
    assert orders[0] == list(range(9))
    assert all(sorted(order) == list(range(9)) for order in orders)
    # The floor (index 0) is measured first, then about two thirds and five sixths in.
    positions = [9 * number + order.index(0) for number, order in enumerate(orders)]
    assert positions == [0, 15, 21]
    # No URL sits in the same part of the series twice: a 10-20 s disturbance of the machine
    # (two or three slots) can spoil at most one of its rounds.
    for url in range(9):
        slots = [9 * number + order.index(url) for number, order in enumerate(orders)]
        assert min(b - a for a, b in itertools.pairwise(slots)) >= 6
    assert round_orders(1, 3) == [[0], [0], [0]]


def test_combine_rounds__the_median_round_with_every_rounds_errors():
    from bench.load import combine_rounds

    rounds = [
        {"rps": 900.0, "p50": 5.0, "p99": 9.0, "errors": 0},
        {"rps": 600.0, "p50": 8.0, "p99": 30.0, "errors": 2},  # a disturbed round
        {"rps": 950.0, "p50": 4.5, "p99": 8.0, "errors": 0},
    ]
    line = combine_rounds(rounds)
    assert (line["rps"], line["p50"], line["p99"]) == (900.0, 5.0, 9.0)
    assert line["errors"] == 2
    assert line["samples"] == [900.0, 600.0, 950.0]
    assert combine_rounds(rounds[:2])["rps"] == 600.0  # an even count keeps the lower one


def test_median_run__the_middle_rate_and_never_a_hidden_failure():
    from bench.run import median_run

    runs = [
        {"rows": 100, "seconds": 4.0, "maxrss_mb": 300},
        {"rows": 100, "seconds": 5.5, "maxrss_mb": 310},  # a slow sitting
        {"rows": 100, "seconds": 3.9, "maxrss_mb": 305},
    ]
    line = median_run(runs)
    assert (line["seconds"], line["maxrss_mb"]) == (4.0, 300)
    assert line["samples"] == [25.0, 100 / 5.5, 100 / 3.9]
    assert "| 100 | 4.0 | 25 | 100.0 % | 300 | 25 · 18 · 26 |" in table([], [("COPY", line)])
    broken = [runs[0], {"rows": 100, "error": "boom"}, runs[2]]
    assert median_run(broken) == {"rows": 100, "error": "boom"}


def test_table_shows_each_lines_rounds():
    pages = [("floor", {"rps": 1000.0, "p50": 2.0, "p99": 9.0, "errors": 0,
                        "samples": [1000.0, 980.0, 1010.0]})]  # fmt: skip
    assert "| 0 | 1 000 · 980 · 1 010 |" in table(pages, [])


def test_goals_of_the_round__each_page_against_its_floor_and_the_staff_screens():
    from bench.goals import table as goals_table

    def page(rps, errors=0):
        return {"rps": rps, "p50": 1.0, "p99": 2.0, "errors": errors}

    pages = [
        ("floor (/bench/floor/)", page(1000.0)),
        ("home", page(950.0)),
        ("regulation (/reglementation/x/)", page(899.0)),
        ("documentation (/documentation/)", page(920.0)),
        ("contact (/contact/)", page(930.0)),
        ("request form (/demande/)", page(0, errors=500)),
        ("portal: my missions (15)", page(200.0)),
        ("portal: mission page", page(149.0)),
        ("admin missions, filtered by session", page(25.0)),
        ("floor (/bench/floor/) — Redis cache + sessions", page(800.0)),
    ]
    staff = [
        {"label": "missions, search", "status": 200, "page_ms": 151.0},
        {"label": "service fait", "status": 200, "page_ms": 90.0},
    ]
    text = goals_table(pages, staff)
    assert "| home ≥ 90% of floor | 95.0 % | met |" in text
    assert "| regulation (/reglementation/x/) ≥ 90% of floor | 89.9 % | **not met** |" in text
    assert "| request form (/demande/) ≥ 90% of floor | not measured | **not met** |" in text
    assert "| portal: mission page ≥ 15% of floor | 14.9 % | **not met** |" in text
    assert "| admin missions, filtered by session ≥ 2% of floor | 2.5 % | met |" in text
    assert "1 of 2 (slowest: missions, search, 151 ms) | **not met** |" in text
    assert "| a line with Redis as cache and session backend | 1 page(s) | met |" in text
    assert "Goals of this round met in this run: 6 of 10" in text


def test_runs_cell__a_pages_rounds_as_the_middle_half_of_its_ratios():
    from bench.report import runs_cell

    ratios = [0.80, 0.99, 0.95, 1.10, 0.97, 0.93, 1.01, 0.96]
    assert runs_cell([3000.0] * 8, ratios) == "8 rounds, middle half 95–99 %"
    admin = [0.026, 0.027, 0.025, 0.028, 0.027]
    assert runs_cell([80.0] * 5, admin) == "5 rounds, middle half 2.6–2.7 %"
    assert runs_cell([3300.0, 3000.0, 3600.0, 3100.0, 3400.0]) == "5 runs, 3 000–3 600"
    assert runs_cell([3300.0, 3000.0]) == "3 300 · 3 000"


def test_measure_in_rounds__logged_in_pages_in_a_third_of_the_rounds_spread_out(monkeypatch):
    from types import SimpleNamespace

    from bench import load

    loads = []

    def fake_wrk(url, seconds, connections, cookie=""):
        loads.append(url.removeprefix("http://x"))  # the three 1 s warm-ups first
        return {"rps": 1000.0, "p50": 1.0, "p99": 2.0, "errors": 0}

    monkeypatch.setattr(load, "wrk", fake_wrk)
    monkeypatch.setattr(load, "check", lambda url, cookie="": (200, 10))
    monkeypatch.setattr(load, "ROUNDS", 6)
    monkeypatch.setattr(load, "LOGGED_IN_ROUNDS", 2)
    urls = [("floor", "/floor/", ""), ("public", "/p/", ""), ("portal", "/espace/", "s=1")]
    config = SimpleNamespace(duration=10, connections=8)
    found = dict(load.measure_in_rounds("http://x", urls, config, log=lambda _: None))
    assert len(found["public"]["ratios"]) == 6
    assert len(found["portal"]["ratios"]) == 2
    measured = loads[3:]  # after the three warm-ups
    portal_slots = [i for i, path in enumerate(measured) if path == "/espace/"]
    assert len(portal_slots) == 2 and portal_slots[1] - portal_slots[0] >= len(measured) / 3
    assert [load.is_due(2, number, 6) for number in range(6)] == [0, 0, 1, 0, 0, 1]
    assert load.rounds_of("", most=2) == 2 and load.rounds_of("s=1", most=None) == 2
