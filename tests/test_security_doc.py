"""docs/security.md states how many cases each class of the security suite has: the numbers
must be those pytest collects, so the document stays true as tests are added."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\| [^|]+ \| `(?P<path>tests/[^`]+\.py)` \| (?P<count>\d+) \|", re.MULTILINE)


def collected(paths):
    output = subprocess.run(  # noqa: S603 (our own interpreter and test paths)
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTEST_ADDOPTS": ""},
    ).stdout
    return {
        path: int(count) for path, count in re.findall(r"^(tests/\S+\.py): (\d+)$", output, re.M)
    }


def test_security_doc__counts_match_the_suite():
    table = {
        m["path"]: int(m["count"]) for m in ROW.finditer((ROOT / "docs/security.md").read_text())
    }
    assert len(table) >= 8
    assert collected(sorted(table)) == table
