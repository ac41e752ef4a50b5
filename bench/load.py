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
    """Status and size of one request (no redirect followed): a 302 to a login page would
    make a page look fast."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
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
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    return parse_wrk(output)


# Each URL is loaded in ROUNDS short runs spread over the series instead of one long run: a
# disturbance of the shared machine lasting 10-20 s (seen 20-40 s into two runs, on whichever
# page was measured then, while the same pages alone matched the floor) then spoils one round of
# a few URLs instead of a whole line, and the median of the rounds sets it aside. The floor is
# measured the same way, so each ratio compares medians taken over the same span of time.
ROUNDS = 3


def round_seconds(config):
    """Seconds of wrk per URL and round: the configured duration shared out, at least 2."""
    return max(2, -(-config.duration // ROUNDS))


def round_orders(count, rounds=ROUNDS):
    """The indexes 0..count-1 in the order of each round: round r starts r/rounds of the way
    into the list, so every URL is measured early, midway and late in the series."""
    return [
        [(start + i) % count for i in range(count)]
        for start in (r * count // rounds for r in range(rounds))
    ]


def combine_rounds(samples):
    """One line from a URL's rounds: the round of median req/s (its latencies with it), the
    errors of all rounds, and every round's req/s in the order measured."""
    ranked = sorted(samples, key=lambda result: result["rps"])
    middle = ranked[(len(ranked) - 1) // 2]
    return {
        **middle,
        "errors": sum(result.get("errors", 0) for result in samples),
        "samples": [result["rps"] for result in samples],
    }


def measure_in_rounds(base, urls, config, log=print, suffix=""):
    """[(label, result)] for urls [(label, path, cookie)], the floor first: each URL checked
    (200 or it is not measured), warmed up for 1 s, then loaded in ROUNDS runs of
    duration/ROUNDS seconds (at least 2) in round_orders."""
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
    samples = {index: [] for index in live}
    for number, order in enumerate(round_orders(len(live)), start=1):
        for position in order:
            index = live[position]
            label, path, cookie = urls[index]
            samples[index].append(wrk(base + path, seconds, config.connections, cookie))
        log(f"round {number} of {ROUNDS} done")
    for index, runs in samples.items():
        results[index] = combine_rounds(runs)
        log(f"{urls[index][0]}{suffix}: {results[index]}")
    return [(urls[index][0] + suffix, results[index]) for index in range(len(urls))]
