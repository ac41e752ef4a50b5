"""Browser tests check what a page shows through Playwright's expect(), which waits for the
page, never through an immediate `assert locator.is_visible()`: after a click that submits a
form, the old page is still on screen for a moment, and such an assert failed on CI (the
request form's error summary, stop 24)."""

import re
from pathlib import Path

BROWSER_TESTS = Path(__file__).parent / "browser"
IMMEDIATE_VISIBILITY = re.compile(r"^\s*assert\b.*\.is_(visible|hidden)\(\)", re.M)


def test_browser_tests__check_visibility_with_waiting_expect():
    offenders = [
        f"{path.name}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted(BROWSER_TESTS.glob("*.py"))
        for text in [path.read_text()]
        for match in IMMEDIATE_VISIBILITY.finditer(text)
    ]
    assert offenders == [], "use expect(locator).to_be_visible() / to_be_hidden()"


def test_the_check_would_catch_an_immediate_assert():
    sample = 'page.click()\n    assert page.get_by_role("alert").is_visible()\n'
    assert IMMEDIATE_VISIBILITY.search(sample)
    assert not IMMEDIATE_VISIBILITY.search("expect(page.get_by_role('alert')).to_be_visible()")
