"""The one table of a run, as Markdown (printed and written to docs/benchmarks.md)."""


def _num(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ")


def table(pages, bulk):
    """pages: [(label, {rps, p50, p99, errors, samples?})], the floor first (rps: the median
    round, samples: every round's req/s);
    bulk: [(label, {rows, seconds, maxrss_mb, error?, samples?})], COPY first (samples: the
    rows/s of every run when the line is the median of several)."""
    floor = pages[0][1]["rps"] if pages else 0
    lines = [
        "| Page | req/s | p50 (ms) | p99 (ms) | ratio to floor | non-2xx/errors | rounds (req/s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in pages:
        ratio = f"{100 * r['rps'] / floor:.1f} %" if floor else "—"
        rounds = " · ".join(_num(rps) for rps in r.get("samples", ())) or "—"
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
        runs = " · ".join(_num(rate) for rate in r.get("samples", ())) or "—"
        lines.append(
            f"| {label} | {_num(r['rows'])} | {_num(r['seconds'], 1)} | {_num(rate)} "
            f"| {ratio} | {_num(r.get('maxrss_mb'))} | {runs} |"
        )
    return "\n".join(lines)
