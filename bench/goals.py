"""The goals of the current round (issue 15), one line each, measured in this run: what
`make bench` is asked to show met, on this machine, in one run."""

from bench.explain import GOAL_MS
from bench.report import ratio_to_floor

PUBLIC_MINIMUM = 0.90
PORTAL_MINIMUM = 0.15
ADMIN_UNDER_LOAD_MINIMUM = 0.02
# Labels of bench/run.py's targets: the page types of the public site.
PUBLIC_PAGES = ("home", "regulation", "documentation", "contact", "request form")
PORTAL_PAGES = ("portal: my missions", "portal: mission page")
ADMIN_UNDER_LOAD = "admin missions, filtered by session"
REDIS_SUFFIX = "— Redis cache + sessions"


def _ratio(pages, prefix, floor_rps):
    page = next((r for label, r in pages if label.startswith(prefix)), None)
    if page is None or not floor_rps or page.get("errors"):
        return None
    return ratio_to_floor(page, floor_rps)


def goal_rows(pages, staff_rows):
    """[(goal, this run, met)] for every goal of the round."""
    plain = [(label, r) for label, r in pages if not label.endswith(REDIS_SUFFIX)]
    floor_rps = next((r["rps"] for label, r in plain if label.startswith("floor")), 0)
    rows = []

    def ratio_goal(prefix, minimum):
        ratio = _ratio(plain, prefix, floor_rps)
        label = next((label for label, _ in plain if label.startswith(prefix)), prefix)
        measured = "not measured" if ratio is None else f"{100 * ratio:.1f} %"
        rows.append(
            (f"{label} ≥ {minimum:.0%} of floor", measured, bool(ratio and ratio >= minimum))
        )

    for prefix in PUBLIC_PAGES:
        ratio_goal(prefix, PUBLIC_MINIMUM)
    for prefix in PORTAL_PAGES:
        ratio_goal(prefix, PORTAL_MINIMUM)
    ratio_goal(ADMIN_UNDER_LOAD, ADMIN_UNDER_LOAD_MINIMUM)
    within = [r for r in staff_rows if r["status"] == 200 and r["page_ms"] <= GOAL_MS]
    slowest = max(staff_rows, key=lambda r: r["page_ms"], default=None)
    measured = f"{len(within)} of {len(staff_rows)}"
    if slowest is not None:
        measured += f" (slowest: {slowest['label']}, {slowest['page_ms']:.0f} ms)"
    rows.append(
        (f"every staff screen ≤ {GOAL_MS} ms in-process", measured,
         bool(staff_rows) and len(within) == len(staff_rows))
    )  # fmt: skip
    redis = [r for label, r in pages if label.endswith(REDIS_SUFFIX)]
    redis_ok = bool(redis) and all(r["rps"] and not r.get("errors") for r in redis)
    rows.append(
        ("a line with Redis as cache and session backend", f"{len(redis)} page(s)", redis_ok)
    )
    return rows


def table(pages, staff_rows):
    rows = goal_rows(pages, staff_rows)
    lines = [
        "| Goal | this run | met? |",
        "|---|---:|---|",
        *(f"| {goal} | {seen} | {'met' if ok else '**not met**'} |" for goal, seen, ok in rows),
        "",
        f"Goals of this round met in this run: {sum(ok for *_, ok in rows)} of {len(rows)}; "
        "the bulk paths' figures to hold are in the table of earlier targets below.",
    ]  # fmt: skip
    return "\n".join(lines)
