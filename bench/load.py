"""gunicorn with the bench settings on a free loopback port, loaded by wrk."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every request asks for compressed text as every browser does: the bytes and the work are
# those a visitor's browser gets (without it, a measured path no browser takes).
BROWSER_ENCODING = "gzip, deflate, br"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, workers, settings="bench.settings"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(gunicorn),
                "imagin_site.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": settings},
        )
        self._wait()

    def _wait(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/bench/floor/", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def check(url, cookie=""):
    """Status and size on the wire of one request (no redirect followed): a 302 to a login
    page would make a page look fast."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    headers = {"Accept-Encoding": BROWSER_ENCODING, **({"Cookie": cookie} if cookie else {})}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


def _ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(match.group(1)) * UNITS[match.group(2)] if match else None


def parse_wrk(output):
    """requests/s, p50 and p99 (ms), non-2xx count from `wrk --latency` output."""
    result = {"rps": 0.0, "p50": None, "p99": None, "errors": 0}
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(line.split()[1])
        elif re.match(r"^50(\.0+)?%\s", line):
            result["p50"] = _ms(line.split()[1])
        elif re.match(r"^99(\.0+)?%\s", line):
            result["p99"] = _ms(line.split()[1])
        elif line.startswith("Non-2xx or 3xx responses:"):
            result["errors"] += int(line.split(":")[1])
        elif line.startswith("Socket errors:"):
            result["errors"] += sum(int(n) for n in re.findall(r"\d+", line))
    return result


def wrk(url, duration, connections, cookie=""):
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk absent : lancez scripts/system_deps.sh")
    command = [binary, "--latency", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s"]
    command += ["-H", f"Accept-Encoding: {BROWSER_ENCODING}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    return parse_wrk(output)


# Each URL is loaded in ROUNDS short runs spread over the series instead of one long run, and
# the floor between every two of them: a page's ratio is its req/s over the mean of the floor
# just before and just after it, and its line the median of its rounds. The shared machine's
# speed drifts by 20-30 % within a run and wobbles by 6-10 % from one second to the next (a
# plain CPU loop does too); a ratio of two loads a second apart cancels the drift, and the
# wobble averages out over many short pairs rather than a few long ones: with 1 s pairs the
# spread of one ratio is about 9 %, with 4 s pairs hardly less. Anonymous pages, whose goal
# sits within a few % of the floor, get ROUNDS rounds (the median's spread falls as the
# square root of their count); logged-in pages, several times away from their goals, a third.
# (Within issue 8's 15 minutes for the whole of `make bench`.)
ROUNDS = 23
LOGGED_IN_ROUNDS = 8


def rounds_of(cookie, most=None):
    rounds = min(ROUNDS, LOGGED_IN_ROUNDS) if cookie else ROUNDS
    return min(rounds, most or rounds)


def round_seconds(config):
    """Seconds of wrk per URL and round: the configured duration shared out, at least 1."""
    return max(1, -(-config.duration // ROUNDS))


def is_due(rounds, number, total):
    """Whether a page of `rounds` rounds is loaded in round `number` of `total`: every
    total/rounds-th round, spread over the series."""
    return (number + 1) * rounds // total > number * rounds // total


def round_orders(count, rounds=ROUNDS):
    """The indexes 0..count-1 in the order of each round: round r starts r/rounds of the way
    into the list, so every URL is measured early, midway and late in the series."""
    return [
        [(start + i) % count for i in range(count)]
        for start in (r * count // rounds for r in range(rounds))
    ]


def middle(values):
    """The median of an odd count, the lower of the two middle values of an even one."""
    return sorted(values)[(len(values) - 1) // 2]


def combine_rounds(samples):
    """One line from a URL's runs: the run of median req/s (its latencies with it), the
    errors of all runs, and every run's req/s in the order measured."""
    ranked = sorted(samples, key=lambda result: result["rps"])
    return {
        **ranked[(len(ranked) - 1) // 2],
        "errors": sum(result.get("errors", 0) for result in samples),
        "samples": [result["rps"] for result in samples],
    }


def measure_in_rounds(base, urls, config, log=print, suffix="", most=None):
    """[(label, result)] for urls [(label, path, cookie)], the floor first: each URL checked
    (200 or it is not measured) and warmed up for 1 s; then ROUNDS rounds of the pages in
    round_orders, each page loaded for round_seconds between two loads of the floor, in the
    rounds it is due (rounds_of, at most `most`). A page's result carries `ratio`, the median
    over its rounds of its req/s over the mean of its two floors, and `ratios`; the floor's
    result is the median of all its loads."""
    seconds = round_seconds(config)
    results, live = {}, []
    for index, (label, path, cookie) in enumerate(urls):
        status, size = check(base + path, cookie)
        log(f"{label}{suffix}: HTTP {status}, {size} bytes")
        if status != 200:
            results[index] = {"rps": 0, "p50": None, "p99": None, "errors": status}
            continue
        wrk(base + path, 1, config.connections, cookie)  # warm-up
        live.append(index)
    paired = bool(live) and live[0] == 0  # no floor, no ratio: the pages alone, in rounds
    pages = live[1:] if paired else live
    samples = {index: [] for index in live}
    ratios = {index: [] for index in pages}

    def load(index):
        _, path, cookie = urls[index]
        samples[index].append(wrk(base + path, seconds, config.connections, cookie))
        return samples[index][-1]["rps"]

    counts = {index: rounds_of(urls[index][2], most) for index in pages}
    total = max(counts.values(), default=ROUNDS)
    for number, order in enumerate(round_orders(len(pages), total)):
        due = [pages[position] for position in order
               if is_due(counts[pages[position]], number, total)]  # fmt: skip
        if not due:
            continue
        before = load(0) if paired else None
        for index in due:
            rps = load(index)
            if paired:
                after = load(0)
                floor = (before + after) / 2
                ratios[index].append(rps / floor if floor else 0.0)
                before = after
        log(f"round {number + 1} of {total} done")
    for index, runs in samples.items():
        results[index] = combine_rounds(runs)
        if paired and index != 0:
            results[index]["ratio"] = middle(ratios[index])
            results[index]["ratios"] = ratios[index]
        log(f"{urls[index][0]}{suffix}: {results[index]}")
    return [(urls[index][0] + suffix, results[index]) for index in range(len(urls))]
