"""Smoke test of the benchmark table (the harness itself runs only with `make bench`)."""

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
    assert "| home | 250 | 8.0 | 30.0 | 25.0 % | 0 |" in text
    assert "| import | 1 000 | 1.0 | 1 000 | 10.0 % | 150 |" in text
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
    assert table(rows).count("\n") == len(rows) + 1
