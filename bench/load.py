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


def floor_again(server, config, first, log=print):
    """The floor measured again after the pages, and the mean of both samples as the floor:
    one 10-second sample swings by about 15 % between runs on this shared machine, and every
    ratio to the floor swung with it. The result keeps both samples."""
    second = wrk(server.base + "/bench/floor/", config.duration, config.connections)
    log(f"floor again: {second}")
    samples = [first["rps"], second["rps"]]
    return {**first, "rps": sum(samples) / 2, "samples": samples}
