"""Lighter HTML for the page cache: the indentation and blank lines the templates leave
between tags are a quarter of a public page (the regulation page: 40 KB, 30 KB without them),
bytes every uncompressed hit and every satellite link pays for.

In the text between tags, each run of whitespace that holds a line break becomes that one line
break. A browser lays the page out the same: in normal flow a run of whitespace shows as one
space whatever it holds, and a line break is whitespace like any other. Left byte for byte:
the tags themselves (attribute values), comments, and the content of <pre>, <textarea>,
<script> and <style>, where whitespace may be the content, even when such an element is never
closed. It holds while no style sheet gives line breaks a meaning (`white-space: pre...`):
tests/test_html_whitespace.py checks the templates and style sheets the cached pages use.
"""

import re

_TAG = rb"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
_KEPT = rb"(?:pre|textarea|script|style)\b"
# What is copied as is, first match wins: a comment (an apostrophe in it is no quote), a kept
# element and its content, a kept element left open (to the end of the page), any other tag.
AS_IS = re.compile(
    rb"<!--.*?-->"
    + rb"|<("
    + _KEPT
    + rb")"
    + _TAG[1:]
    + rb".*?</\1\s*>"
    + rb"|<"
    + _KEPT
    + rb".*"
    + rb"|"
    + _TAG,
    re.IGNORECASE | re.DOTALL,
)
# Spaces before a line break, the break, and any whitespace after it (HTML's whitespace:
# space, tab, line feed, form feed, carriage return).
RUN_WITH_BREAK = re.compile(rb"[ \t\r\f]*\n[ \t\n\r\f]*")


def collapse(html):
    """`html` (bytes) with each run of whitespace holding a line break, in the text between
    tags, reduced to one line break."""
    chunks, start = [], 0
    for kept in AS_IS.finditer(html):
        chunks += (RUN_WITH_BREAK.sub(b"\n", html[start : kept.start()]), kept.group())
        start = kept.end()
    chunks.append(RUN_WITH_BREAK.sub(b"\n", html[start:]))
    return b"".join(chunks)


def collapse_text(html):
    """`collapse` for a page held as text."""
    return collapse(html.encode()).decode()
