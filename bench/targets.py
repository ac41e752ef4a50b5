"""What a run says about itself: whether its floor is the usual one (else its figures are
not comparable and the run is to redo), and one line per target of the earlier rounds, so that
no goal already reached regresses unnoticed."""

import re

from bench.config import FLOOR_REFERENCE_RPS, FLOOR_USUAL_RANGE
from bench.report import ratio_to_floor

# Figures reached when issue 15 was filed: "hold them (no regression)". Held within 10 %,
# the spread of two runs on this machine.
HELD_WITHIN = 0.9


def previous_floor(path):
    """The floor's req/s in the report at `path` (the previous run), or None."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"^\| floor \(/bench/floor/\) \| ([\d  ]+) \|", text, re.MULTILINE)
    return int(re.sub(r"\D", "", found.group(1))) if found else None


def floor_check(pages, previous=None):
    """One line: this run's floor against the usual one, flagged when far from it."""
    result = next((r for label, r in pages if label.startswith("floor")), {})
    floor = result.get("rps") or 0
    low, high = FLOOR_USUAL_RANGE
    usual = f"usual {_fmt(FLOOR_REFERENCE_RPS)} req/s (bench/config.py)"
    if previous:
        usual += f", previous report {_fmt(previous)}"
    ratio = floor / FLOOR_REFERENCE_RPS
    line = f"{_fmt(floor)} req/s, {100 * ratio:.0f} % of the {usual}"
    samples = result.get("samples", ())
    if len(samples) > 1:
        line += (
            f" (median of {len(samples)} runs between the pages, "
            f"{_fmt(min(samples))} to {_fmt(max(samples))})"
        )
    if low <= ratio <= high:
        return f"{line}: normal."
    return (
        f"**run to redo: abnormal floor** ({line}; usual range {low:.0%}–{high:.0%}). The "
        "machine was busy or different: ratios and timings of this run are not comparable."
    )


def _page(pages, prefix):
    return next((r for label, r in pages if label.startswith(prefix)), None)


def _bulk_rate(bulk, prefix):
    r = next((r for label, r in bulk if label.startswith(prefix)), None)
    if not r or r.get("error") or not r.get("seconds"):
        return None
    return r["rows"] / r["seconds"]


def _fmt(value, unit=""):
    return "—" if value is None else f"{value:,.0f}{unit}".replace(",", " ")


def earlier_targets(pages, bulk, total_seconds):
    """Markdown table: one line per earlier target, measured in this run, met or not."""
    floor = _page(pages, "floor")
    floor_rps = floor["rps"] if floor else 0
    rows = []

    def ratio_line(target, source, prefix, minimum):
        page = _page(pages, prefix)
        if not page or not floor_rps:
            rows.append((target, source, "not measured", False))
            return
        ratio = ratio_to_floor(page, floor_rps)
        rows.append((target, source, f"{100 * ratio:.1f} %", ratio >= minimum))

    def rate_line(target, source, prefix, minimum, unit=" rows/s"):
        rate = _bulk_rate(bulk, prefix)
        measured = "failed or not measured" if rate is None else _fmt(rate, unit)
        rows.append((target, source, measured, rate is not None and rate >= minimum))

    ratio_line("home ≥ 50 % of floor", "issue 8", "home", 0.5)
    ratio_line("regulation page ≥ 50 % of floor", "issue 8", "regulation", 0.5)
    ratio_line("portal: my missions ≥ 10 % of floor", "issue 8", "portal: my missions", 0.1)
    ratio_line("portal: mission page ≥ 10 % of floor", "issue 8", "portal: mission page", 0.1)
    portal = _page(pages, "portal: my missions")
    if portal and floor and portal.get("p99") and floor.get("p99"):
        times = portal["p99"] / floor["p99"]
        rows.append(("portal p99 < 20× the floor's p99", "issue 8", f"{times:.1f}×", times < 20))
    else:
        rows.append(("portal p99 < 20× the floor's p99", "issue 8", "not measured", False))
    rate_line("import 100k missions ≥ 10 000 rows/s", "issue 8", "import missions", 10_000)
    copy, imported = _bulk_rate(bulk, "COPY"), _bulk_rate(bulk, "import missions")
    within = copy / imported if copy and imported else None
    rows.append(
        (
            "import within 6× of COPY",
            "issue 8",
            "—" if within is None else f"{within:.1f}×",
            within is not None and within <= 6,
        )
    )
    rate_line("export CSV ≥ 50 000 rows/s", "issue 8", "export états de frais CSV", 50_000)
    rate_line("export XLSX ≥ 5 000 rows/s", "issue 8", "export états de frais XLSX", 5_000)
    rate_line("convocations ≥ 20 PDFs/s", "issue 8", "convocations", 20, " PDFs/s")
    rows.append(
        ("`make bench` < 15 min", "issue 8", f"{total_seconds / 60:.1f} min", total_seconds < 900)
    )
    held = [
        ("import missions", "import missions", 20_500, " rows/s"),
        ("CSV export", "export états de frais CSV", 50_900, " rows/s"),
        ("XLSX export", "export états de frais XLSX", 11_700, " rows/s"),
        ("convocation PDFs", "convocations", 28, " PDFs/s"),
    ]
    for name, prefix, figure, unit in held:
        rate_line(
            f"{name} held at {_fmt(figure, unit)} (≥ {HELD_WITHIN:.0%} of it)",
            "issue 15",
            prefix,
            figure * HELD_WITHIN,
            unit,
        )
    lines = [
        "| Earlier target | from | this run | met? |",
        "|---|---|---:|---|",
        *(f"| {t} | {s} | {m} | {'met' if ok else '**not met**'} |" for t, s, m, ok in rows),
    ]
    met = sum(1 for *_, ok in rows if ok)
    lines += ["", f"Earlier targets met in this run: {met} of {len(rows)}."]
    return "\n".join(lines)
