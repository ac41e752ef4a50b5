"""The assignment benchmark's line in docs/benchmarks.md, read from the module's output."""

import json

from bench.assignment import _reading, summary

RESULT = {
    "total_s": 14.2, "solve_s": 9.5, "status": "OPTIMAL", "covered_share": 0.977,
    "places": 4391, "greedy_covered_share": 0.967, "saving_share": 0.0243,
    "saving_per_place_share": 0.0343, "gap": 0.0, "max_saving_at_greedy_coverage": 0.1332,
    "load_average_at_start": "5.71 / 6.27 / 6.27",
}  # fmt: skip


def test_summary__every_measure_the_issue_asks_for():
    line = summary("log line\n" + json.dumps(RESULT))
    for expected in ("14.2 s", "97.7% of 4391 places", "2.4% below greedy", "gap 0.00%",
                     "13.3% cheaper", "load average at start 5.71 / 6.27 / 6.27"):  # fmt: skip
        assert expected in line


def test_summary__a_failed_run_says_so_without_breaking_the_report():
    assert "failed" in summary("")
    assert "failed" in summary(json.dumps({**RESULT, "gap": None}))


TRIPS = {
    **RESULT, "covered": 4290, "greedy_covered": 4246, "bound_at_greedy_coverage": 33584331,
    "off_island_places": 696, "trips": 424, "greedy_off_island_places": 696,
    "greedy_trips": 644, "island_day_breaks": 0, "greedy_island_day_breaks": 55,
}  # fmt: skip


def test_reading__says_whether_the_goal_is_met_and_what_bounds_it():
    met = _reading({**TRIPS, "saving_share": 0.2735, "max_saving_at_greedy_coverage": 0.3713})
    assert "The 20 % goal is met (27.4% cheaper" in met
    assert "33\u202f584\u202f331 XPF" in met and "424 trips, the baseline 696 with 644" in met
    out = _reading({**TRIPS, "saving_share": 0.0243, "max_saving_at_greedy_coverage": 0.1332})
    assert "out of reach on this session for any solver" in out
    room = _reading({**TRIPS, "saving_share": 0.12, "max_saving_at_greedy_coverage": 0.30})
    assert "not met although the proven bound leaves room" in room
