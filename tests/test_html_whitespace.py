"""The page cache's lighter HTML (imagin_site/common/html_whitespace.py): the templates'
indentation goes, nothing a browser shows or a form sends changes."""

import re
from pathlib import Path

import pytest

from imagin_site.common.html_whitespace import collapse


@pytest.mark.parametrize(
    ("html", "lighter"),
    [
        (
            b"<div>\n    <p>Taux\n      horaire</p>\n\n  </div>",
            b"<div>\n<p>Taux\nhoraire</p>\n</div>",
        ),
        # Spaces without a line break are left: they may be the only space between two words.
        (b"<p>1 637  XPF</p> <b>x</b>", b"<p>1 637  XPF</p> <b>x</b>"),
        (b"<td>a \t\r\n\t b</td>", b"<td>a\nb</td>"),
    ],
)
def test_collapse__each_run_holding_a_line_break_becomes_one(html, lighter):
    assert collapse(html) == lighter


@pytest.mark.parametrize(
    "kept",
    [
        b"<pre>  code\n\n    indented </pre>",
        b"<PRE class='x'>  code\n\n    indented </pre >",
        b'<textarea name="motif">\n  first line\n\n  second\n</textarea>',
        b"<script>\n  var a = `x\n\n   y`;\n</script>",
        b"<style>\n  p::after { content: '\\a  '; }\n</style>",
    ],
)
def test_collapse__leaves_elements_whose_whitespace_is_their_content(kept):
    assert collapse(b"<div>\n  " + kept + b"\n  </div>") == b"<div>\n" + kept + b"\n</div>"


def test_collapse__an_element_left_open_is_kept_to_the_end():
    html = b"<p>\n  a</p>\n  <textarea>\n  never closed\n\n  end"
    assert collapse(html) == b"<p>\na</p>\n<textarea>\n  never closed\n\n  end"


def test_collapse__attribute_values_are_left_byte_for_byte():
    html = b'<input type="hidden" value="a\n   b">\n   <a title="x > y\n   z">\n  t</a>'
    assert (
        collapse(html) == b'<input type="hidden" value="a\n   b">\n<a title="x > y\n   z">\nt</a>'
    )


def test_collapse__a_tag_name_that_only_starts_like_a_kept_one_is_not_kept():
    assert collapse(b"<preview>\n   x\n   </preview>") == b"<preview>\nx\n</preview>"


def test_collapse__a_comment_is_copied_as_is_and_its_apostrophe_opens_no_quote():
    kept = b"<textarea name=m>d'abord\n\n puis > ensuite\n\n fin</textarea>"
    html = b"<!-- l'aide\n\n  ici -->\n  " + kept + b"\n  <p>x</p>"
    assert collapse(html) == b"<!-- l'aide\n\n  ici -->\n" + kept + b"\n<p>x</p>"


def test_collapse__a_vertical_tab_is_no_html_whitespace():
    assert collapse(b"<p>a\v\n  b</p>") == b"<p>a\v\nb</p>"


ROOT = Path(__file__).resolve().parents[1]
# What the cached pages are made of: their templates (PDF layouts aside) and style sheets.
SERVED = [
    *ROOT.glob("home/templates/**/*.html"),
    *ROOT.glob("regulations/templates/**/*.html"),
    *ROOT.glob("imagin_site/templates/**/*.html"),
    *ROOT.glob("missions/templates/missions/portal/**/*.html"),
    *ROOT.glob("imagin_site/static/css/*.css"),
]
# Where a line break would show, or raw text no tag rule can find the end of.
BREAKS_SHOW = re.compile(r"white-space\s*:\s*(pre|break-spaces)|<(xmp|listing|plaintext)\b", re.I)


def test_served_templates_and_styles__give_no_line_break_a_meaning():
    """The collapse is invisible only while no element of a cached page keeps line breaks
    through CSS: adding one must come with a look at html_whitespace."""
    assert len(SERVED) > 20
    found = [
        f"{path.relative_to(ROOT)}: {match.group()}"
        for path in SERVED
        if "pdf" not in path.name
        for match in BREAKS_SHOW.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
