"""Browser tests check what a page shows through Playwright's expect(), which waits for the
page, never through an immediate `assert locator.is_visible()`: after a click that submits a
form, the new page is not drawn yet for a moment, and such an assert failed on CI (the
request form's error summary, stop 24). Likewise a click that loads a page is wrapped in
`with page.expect_navigation()`: a `wait_for_load_state()` after it may see the old page."""

import re
from pathlib import Path

BROWSER_TESTS = Path(__file__).parent / "browser"
IMMEDIATE_VISIBILITY = re.compile(r"^\s*assert\b.*\.is_(visible|hidden)\(\)", re.M)
LOAD_STATE_AFTER_CLICK = re.compile(r"\.click\([^\n]*\)\n\s*\S*\.wait_for_load_state\(\)")


def offenders(pattern):
    return [
        f"{path.name}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted(BROWSER_TESTS.glob("*.py"))
        for text in [path.read_text()]
        for match in pattern.finditer(text)
    ]


def test_browser_tests__check_visibility_with_waiting_expect():
    assert offenders(IMMEDIATE_VISIBILITY) == [], "expect(locator).to_be_visible() / to_be_hidden()"


def test_browser_tests__wait_for_the_page_a_click_loads():
    assert offenders(LOAD_STATE_AFTER_CLICK) == [], "with page.expect_navigation(): ….click()"


def test_the_check_would_catch_an_immediate_assert():
    sample = 'page.click()\n    assert page.get_by_role("alert").is_visible()\n'
    assert IMMEDIATE_VISIBILITY.search(sample)
    assert not IMMEDIATE_VISIBILITY.search("expect(page.get_by_role('alert')).to_be_visible()")
    assert LOAD_STATE_AFTER_CLICK.search("button.click()\n    page.wait_for_load_state()\n")
    assert not LOAD_STATE_AFTER_CLICK.search("page.goto(url)\n    page.wait_for_load_state()\n")
