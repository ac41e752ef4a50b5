"""The layout shows the architecture (docs/architecture.md): who may import whom, no import
circle, no long module without a reason. Read from the source, so it fails at the commit that
breaks a rule."""

import pytest

from tests.architecture.import_graph import ROOT, cycles, edges, source_files, within

DOMAIN = ("missions.models", "missions.services")
# (importer, what it must not import, why)
FORBIDDEN = [
    (DOMAIN, "missions.io", "the domain does not know how files are read or written"),
    (DOMAIN, "missions.backoffice", "the domain does not know the staff screens"),
    (DOMAIN, "missions.portal", "the domain does not know the intervenant's screens"),
    (DOMAIN, "missions.demo", "the domain does not know the demo"),
    (("missions.portal",), "missions.backoffice", "the portal and the back-office are apart"),
    (("missions.io",), "missions.backoffice", "import/export is used by screens, not the reverse"),
    (("missions.io",), "missions.portal", "import/export is used by screens, not the reverse"),
    (("imagin_site.common", "imagin_site.middleware"), "missions", "helpers know no app"),
    (("imagin_site.common", "imagin_site.middleware"), "regulations", "helpers know no app"),
    (("imagin_site.common", "imagin_site.middleware"), "assignment", "helpers know no app"),
]
# Other apps use home only for its page and settings models and their blocks.
HOME_PUBLIC = ("home.models", "home.blocks")
LONG_MODULE = 400
LONG_MARK = "# Long module, one cohesive piece:"


@pytest.fixture(scope="module")
def graph():
    return edges()


def test_import_graph__sees_the_imports_we_know(graph):
    # Guards the test itself: if the parser stopped finding edges, every rule would pass.
    pairs = {(edge.source, edge.target) for edge in graph}
    assert ("missions.backoffice.viewsets", "missions.models") in pairs
    assert ("missions.io.payment_files", "missions.services.payments") in pairs
    assert len(graph) > 300


@pytest.mark.parametrize(("sources", "forbidden", "why"), FORBIDDEN)
def test_layers__no_forbidden_import(graph, sources, forbidden, why):
    found = [
        f"{edge.source}:{edge.line} → {edge.target}"
        for edge in graph
        if any(within(edge.source, source) for source in sources) and within(edge.target, forbidden)
    ]
    assert not found, f"{why}: {found}"


def test_home__other_apps_use_only_its_models_and_blocks(graph):
    found = [
        f"{edge.source}:{edge.line} → {edge.target}"
        for edge in graph
        if not any(within(edge.source, owner) for owner in ("home", "imagin_site.urls"))
        and within(edge.target, "home")
        and not any(within(edge.target, public) for public in HOME_PUBLIC)
    ]
    assert not found, f"cross-app helpers live in imagin_site/common: {found}"


def test_no_import_circle(graph):
    # Imports inside functions count too: a circle hidden in a function is still a circle.
    assert cycles(graph, include_deferred=True) == []


def test_long_modules_say_why_in_their_first_line():
    found = []
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LONG_MODULE and not text.startswith(LONG_MARK):
            found.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not found, f"split them, or start them with '{LONG_MARK} <why>': {found}"


def test_wagtail_hooks_only_register():
    # The staff screens live in missions/backoffice; the hooks file only wires them in.
    text = (ROOT / "missions" / "wagtail_hooks.py").read_text(encoding="utf-8")
    assert "def " not in text and "class " not in text
