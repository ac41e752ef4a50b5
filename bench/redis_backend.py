"""The same pages as bench/load.py with Redis as the cache and session backend: a throwaway
redis-server (Debian's, scripts/system_deps.sh installs it) on a free loopback port, and
gunicorn with REDIS_URL set, so the public page cache, the version keys of the per-process
memos and the sessions (cached_db: read from Redis, written through to PostgreSQL) all go
through it, as on several app servers. A failure gives rows marked as errors, never aborts
the run."""

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager

from bench.load import LOGGED_IN_ROUNDS, Server, free_port, measure_in_rounds

SUFFIX = " — Redis cache + sessions"
# The floor (same server, same middleware), the public page cache and a logged-in portal page.
WANTED = ("floor", "home", "portal: my missions")


@contextmanager
def redis_server():
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server absent : lancez scripts/system_deps.sh")
    with tempfile.TemporaryDirectory(prefix="imagin-bench-redis.") as folder:
        port = free_port()
        process = subprocess.Popen(  # noqa: S603
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
             "--appendonly", "no", "--dir", folder, "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"redis://127.0.0.1:{port}/0"
        try:
            client = redis.Redis.from_url(url)
            deadline = time.monotonic() + 20
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("redis-server n'a pas démarré") from None
                    time.sleep(0.1)
            yield url, client
        finally:
            process.terminate()
            process.wait(timeout=10)


def load_pages(config, urls, log=print):
    """[(label, wrk result)] for the WANTED urls served with REDIS_URL set."""
    from django.db import connections

    chosen = [u for u in urls if u[0].startswith(WANTED)]
    try:
        with redis_server() as (url, client):
            connections.close_all()
            previous = os.environ.get("REDIS_URL")
            os.environ["REDIS_URL"] = url  # read by gunicorn's production settings
            try:
                server = Server(config.workers)
            finally:
                if previous is None:
                    os.environ.pop("REDIS_URL")
                else:
                    os.environ["REDIS_URL"] = previous
            try:
                return _measure(config, server, chosen, client, log)
            finally:
                server.stop()
    except Exception as error:  # a failed extra line must not cost the rest of the run
        log(f"Redis lines failed: {error}")
        return [(label + SUFFIX, {"rps": 0, "p50": None, "p99": None, "errors": str(error)})
                for label, _, _ in chosen]  # fmt: skip


def _measure(config, server, chosen, client, log):
    # Lines that show the Redis set-up works and what it costs, without a goal of their own
    # near the floor: as few rounds as the logged-in pages.
    results = measure_in_rounds(server.base, chosen, config, log, SUFFIX, LOGGED_IN_ROUNDS)
    keys = client.dbsize()
    sessions = len(client.keys("*session*"))
    log(f"Redis after the Redis lines: {keys} keys, {sessions} session(s)")
    if not sessions and any(cookie for _, _, cookie in chosen):
        log("warning: no session in Redis: the portal line did not use it")
    return results
