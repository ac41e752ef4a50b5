"""The machine and the versions, for the report."""

import os
import platform
import shutil
import subprocess


def describe():
    import django
    import wagtail
    from django.db import connection

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    memory = "?"
    try:
        with open("/proc/meminfo") as info:
            kib = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
            memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    try:
        wrk = subprocess.run(  # noqa: S603
            [shutil.which("wrk") or "/usr/bin/wrk", "--version"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.splitlines()[0]
    except (OSError, IndexError):
        wrk = "?"
    return {
        "CPU": f"{cpu} × {os.cpu_count()} (nproc)",
        "Memory": memory,
        "Load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "Wagtail": wagtail.__version__,
        "PostgreSQL": postgres,
        "wrk": wrk,
    }
