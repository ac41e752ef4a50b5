"""The one table of a run, as Markdown (printed and written to docs/benchmarks.md)."""


def _num(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ")


def ratio_to_floor(result, floor_rps):
    """A page's ratio to the floor: measured against the floor loaded beside it when the run
    paired them (bench/load.py), else its req/s over the floor's; None without a floor."""
    if "ratio" in result:
        return result["ratio"]
    return result["rps"] / floor_rps if floor_rps else None


def runs_cell(samples, ratios=()):
    """A line's runs: a page's ratio per round as the middle half of them (how far one short
    pair can be trusted), else each run, or their count and range when there are many."""
    if ratios:
        ranked, last = sorted(ratios), len(ratios) - 1
        low, high = ranked[round(last / 4)], ranked[round(3 * last / 4)]  # the quartiles
        digits = 1 if high < 0.1 else 0  # 2.6–2.8 %, not 3–3 %
        return f"{len(ratios)} rounds, middle half {100 * low:.{digits}f}–{100 * high:.{digits}f} %"
    if not samples:
        return "—"
    if len(samples) > 4:
        return f"{len(samples)} runs, {_num(min(samples))}–{_num(max(samples))}"
    return " · ".join(_num(value) for value in samples)


def table(pages, bulk):
    """pages: [(label, {rps, p50, p99, errors, samples?, ratio?})], the floor first (rps: the
    median run, samples: every run's req/s, ratio: to the floor loaded beside the page);
    bulk: [(label, {rows, seconds, maxrss_mb, error?, samples?})], COPY first (samples: the
    rows/s of every run when the line is the median of several)."""
    floor = pages[0][1]["rps"] if pages else 0
    lines = [
        "| Page | req/s | p50 (ms) | p99 (ms) | ratio to floor | non-2xx/errors | runs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in pages:
        found = ratio_to_floor(r, floor)
        ratio = "—" if found is None else f"{100 * found:.1f} %"
        rounds = runs_cell(r.get("samples", ()), r.get("ratios", ()))
        lines.append(
            f"| {label} | {_num(r['rps'])} | {_num(r['p50'], 1)} | {_num(r['p99'], 1)} "
            f"| {ratio} | {r.get('errors', 0)} | {rounds} |"
        )
    copy_rate = None
    if bulk and bulk[0][1].get("seconds"):
        copy_rate = bulk[0][1]["rows"] / bulk[0][1]["seconds"]
    lines += [
        "",
        "| Bulk path | rows | seconds | rows/s | ratio to COPY | peak RSS (MB) | runs (rows/s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in bulk:
        if r.get("error") or not r.get("seconds"):
            lines.append(
                f"| {label} | {r.get('rows', 0)} | — | FAILED: {r.get('error')} | — | — | — |"
            )
            continue
        rate = r["rows"] / r["seconds"]
        ratio = f"{100 * rate / copy_rate:.1f} %" if copy_rate else "—"
        runs = runs_cell(r.get("samples", ()))
        lines.append(
            f"| {label} | {_num(r['rows'])} | {_num(r['seconds'], 1)} | {_num(rate)} "
            f"| {ratio} | {_num(r.get('maxrss_mb'))} | {runs} |"
        )
    return "\n".join(lines)
