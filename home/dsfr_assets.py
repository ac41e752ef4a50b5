"""A slim DSFR for the public site and the portal: one stylesheet holding the DSFR core, the
components and the icons our pages use, and the Marianne weights they use, subset to the
characters of French (and of Polynesian names).

Built from django-dsfr's own per-component files by `manage.py build_dsfr_assets`; the output
is committed under imagin_site/static/ (a fresh machine needs no build step), and
tests/home/test_dsfr_assets.py fails when it no longer matches this module or the package.
Adding a component or an icon to a template: add it here and run the command.
"""

import posixpath
import re
from pathlib import Path

import dsfr
from django.conf import settings

DIST = Path(dsfr.__file__).parent / "static" / "dsfr" / "dist"
DIST_STATIC = "dsfr/dist"  # DIST's path under STATIC_URL
OUTPUT_DIR = settings.PROJECT_DIR / "static"
CSS_NAME = "css/dsfr-imagin.css"
FONTS_DIR = "fonts"

COMPONENTS = [
    "accordion",
    "alert",
    "badge",
    "breadcrumb",
    "button",
    "callout",
    "card",
    "checkbox",
    "download",
    "footer",
    "form",
    "header",
    "input",
    "link",
    "logo",
    "modal",
    "navigation",
    "notice",
    "pagination",
    "radio",
    "search",
    "select",
    "skiplink",
    "summary",
    "table",
    "tile",
    "upload",
]

# Every `fr-icon-*` class our templates and code write (the test greps them).
ICONS = [
    "account-circle-line",
    "bank-line",
    "calendar-line",
    "download-line",
    "external-link-line",
    "file-text-line",
    "information-line",
    "lightbulb-line",
    "lock-line",
    "logout-box-r-line",
    "mail-line",
    "phone-line",
    "time-line",
    "warning-fill",
]

# (DSFR file name, CSS weight). No italics (the browser slants the regular face where needed),
# no Light (nothing of ours uses it), no Spectral (no quotes or display titles).
FONTS = [("Marianne-Regular", 400), ("Marianne-Medium", 500), ("Marianne-Bold", 700)]

# French (Latin-1, œ, typographic quotes and spaces, €), Polynesian names (macrons, ʻeta) and
# the symbols our pages print (≤, →, ✓). Code points, inclusive ranges.
FONT_UNICODES = [
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x100, 0x101),  # Ā ā ... ū: the macron vowels of Polynesian names
    (0x112, 0x113),
    (0x12A, 0x12B),
    (0x14C, 0x14D),
    (0x152, 0x153),  # Œ œ
    (0x16A, 0x16B),
    (0x178, 0x178),  # Ÿ
    (0x2BB, 0x2BC),  # ʻ ʼ
    (0x2C6, 0x2C6),
    (0x2DC, 0x2DC),
    (0x2009, 0x200B),
    (0x2010, 0x2026),  # dashes, quotes, bullet, ellipsis
    (0x202F, 0x202F),  # narrow no-break space (French number formatting)
    (0x2039, 0x203A),
    (0x20AC, 0x20AC),
    (0x2122, 0x2122),
    (0x2190, 0x2193),
    (0x2212, 0x2212),
    (0x2264, 0x2265),
    (0x2713, 0x2713),
]

# Utility classes of the core that exist in hundreds of variants (spacing at each breakpoint,
# grid columns and offsets): only the ones a template writes are kept.
_UTILITY_CLASS = re.compile(r"\.(fr-(?:[mp][trblxy]?|col(?:-offset)?)-[a-z0-9-]+)(?![\w-])")


def _source_dirs():
    """Where the classes our pages write come from: our apps and django-dsfr's templates."""
    ours = ["imagin_site/templates", "home", "regulations", "missions"]
    return [settings.BASE_DIR / folder for folder in ours] + [DIST.parents[2] / "templates"]


_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
_URL = re.compile(r"url\(([^)\"']+)\)")
_LICENCE = re.compile(r"/\*!.*?\*/\s*", re.S)


def _rebase_urls(css, source_dir):
    """url(../x) written for a file in `source_dir` (under STATIC_URL), made relative to the
    output stylesheet's folder."""
    output_dir = posixpath.dirname(CSS_NAME)

    def rebase(match):
        url = match.group(1)
        if url.startswith(("data:", "/", "http:", "https:", "#")):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(source_dir, url))
        return f"url({posixpath.relpath(target, output_dir)})"

    return _URL.sub(rebase, css)


def used_classes():
    """Every `fr-*` class written in our templates and Python code, and django-dsfr's."""
    found = set()
    for folder in _source_dirs():
        for path in folder.rglob("*"):
            if path.suffix in (".html", ".py"):
                found.update(re.findall(r"fr-[a-z0-9_-]+", path.read_text(encoding="utf-8")))
    return found


def _blocks(css):
    """Top-level (prelude, body) pairs of minified CSS; a body keeps its nested braces."""
    blocks, start, depth, prelude_end = [], 0, 0, None
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                prelude_end = index
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append((css[start:prelude_end], css[prelude_end + 1 : index]))
                start = index + 1
    return blocks


def purge_utilities(css, keep):
    """Drop the selectors of unused spacing and grid utilities (in @media blocks too)."""
    out = []
    for prelude, body in _blocks(css):
        if prelude.startswith(("@media", "@supports")):
            inner = purge_utilities(body, keep)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
            continue
        if prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
            continue
        selectors = [
            selector
            for selector in prelude.split(",")
            if all(name in keep for name in _UTILITY_CLASS.findall(selector))
        ]
        if selectors:
            out.append(f"{','.join(selectors)}{{{body}}}")
    return "".join(out)


def _dist_css(relative_path):
    css = (DIST / relative_path).read_text(encoding="utf-8")
    css = _LICENCE.sub("", css)
    source_dir = posixpath.dirname(f"{DIST_STATIC}/{relative_path}")
    return _rebase_urls(css, source_dir)


def _icon_rules():
    sources = "".join(
        path.read_text(encoding="utf-8")
        for path in sorted((DIST / "utility" / "icons").glob("icons-*/icons-*.main.min.css"))
    )
    rules = []
    for name in ICONS:
        found = re.search(
            rf"\.fr-icon-{re.escape(name)}:after,\.fr-icon-{re.escape(name)}:before\{{[^}}]*\}}",
            sources,
        )
        if found is None:
            raise ValueError(f"Icône DSFR inconnue : fr-icon-{name}")
        rules.append(found.group(0))
    # Where the sources sit: every icon file is three folders below dist/.
    return _rebase_urls("".join(rules), f"{DIST_STATIC}/utility/icons/icons-x")


def _font_faces():
    return "".join(
        "@font-face{font-display:swap;font-family:Marianne;font-style:normal;"
        f'font-weight:{weight};src:url(../{FONTS_DIR}/{font_file_name(name)}) format("woff2")}}'
        for name, weight in FONTS
    )


def font_file_name(dsfr_name):
    return f"{dsfr_name.lower()}-fr.woff2"


def _component_file(name):
    """The modern-browser half of a component's CSS (a few ship only one file)."""
    main = f"component/{name}/{name}.main.min.css"
    return main if (DIST / main).exists() else f"component/{name}/{name}.min.css"


def build_css():
    version = re.search(r"DSFR v([\d.]+)", (DIST / "core" / "core.main.min.css").read_text())
    parts = [
        f"/*! DSFR v{version.group(1)} (MIT, restricted use) — IMAG'IN selection, built by "
        "manage.py build_dsfr_assets from home/dsfr_assets.py: do not edit. */",
        _font_faces(),
        purge_utilities(_FONT_FACE.sub("", _dist_css("core/core.main.min.css")), used_classes()),
    ]
    parts += [_dist_css(_component_file(name)) for name in COMPONENTS]
    parts.append(_icon_rules())
    return "\n".join(parts) + "\n"


def subset_font(dsfr_name):
    """The woff2 bytes of one Marianne weight, kept to FONT_UNICODES."""
    from io import BytesIO

    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "liga", "calt", "ccmp", "locl", "mark", "mkmk", "tnum"]
    options.name_IDs = ["*"]  # keep the licence and names
    font = subset.load_font(str(DIST / "fonts" / f"{dsfr_name}.woff2"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(
        unicodes=[c for first, last in FONT_UNICODES for c in range(first, last + 1)]
    )
    subsetter.subset(font)
    out = BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def build(output_dir=OUTPUT_DIR, fonts=True):
    """Write the stylesheet (and the fonts) under output_dir; return the written paths."""
    output_dir = Path(output_dir)
    css_path = output_dir / CSS_NAME
    css_path.parent.mkdir(parents=True, exist_ok=True)
    css_path.write_text(build_css(), encoding="utf-8")
    written = [css_path]
    if fonts:
        (output_dir / FONTS_DIR).mkdir(parents=True, exist_ok=True)
        for name, _weight in FONTS:
            path = output_dir / FONTS_DIR / font_file_name(name)
            path.write_bytes(subset_font(name))
            written.append(path)
    return written
