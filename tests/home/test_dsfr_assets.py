"""The slim DSFR (home/dsfr_assets.py): the committed stylesheet is what the build gives, holds
every icon and utility our templates write, and the fonts cover French."""

import re

from django.conf import settings
from fontTools.ttLib import TTFont

from home import dsfr_assets

STATIC = settings.PROJECT_DIR / "static"


def test_committed_stylesheet__is_the_build_output():
    committed = (STATIC / dsfr_assets.CSS_NAME).read_text(encoding="utf-8")
    assert committed == dsfr_assets.build_css(), "lancez manage.py build_dsfr_assets"


def test_every_icon_our_templates_write__is_in_the_stylesheet():
    css = (STATIC / dsfr_assets.CSS_NAME).read_text(encoding="utf-8")
    for folder in ["imagin_site", "home", "regulations", "missions"]:
        for path in (settings.BASE_DIR / folder).rglob("*.html"):
            for icon in re.findall(r"fr-icon-[a-z0-9-]+", path.read_text(encoding="utf-8")):
                assert f".{icon}:before" in css, f"{icon} ({path.name})"


def test_utilities__kept_when_used_and_dropped_otherwise():
    css = (STATIC / dsfr_assets.CSS_NAME).read_text(encoding="utf-8")
    assert ".fr-mb-4w{" in css  # written by our templates
    assert ".fr-col-md-7{" in css
    assert ".fr-mt-15v{" not in css and ".fr-col-offset-lg-11" not in css
    assert ".fr-icon-lock-line:" in css and ".fr-icon-zoom-in-line" not in css


def test_purge__keeps_the_used_selectors_of_a_shared_rule():
    css = "@media (min-width:48em){.fr-mb-1v,.fr-mb-7v{margin:1px}.fr-mt-2v{margin:2px}}a{b:c}"
    assert (
        dsfr_assets.purge_utilities(css, {"fr-mb-1v"})
        == "@media (min-width:48em){.fr-mb-1v{margin:1px}}a{b:c}"
    )


def test_fonts__three_weights_subset_to_french_and_swapped():
    css = (STATIC / dsfr_assets.CSS_NAME).read_text(encoding="utf-8")
    faces = re.findall(r"@font-face\{[^}]*\}", css)
    assert len(faces) == 3
    assert all("font-display:swap" in face and "italic" not in face for face in faces)
    for name, _weight in dsfr_assets.FONTS:
        font = TTFont(STATIC / dsfr_assets.FONTS_DIR / dsfr_assets.font_file_name(name))
        cmap = font.getBestCmap()
        for char in "Les élèves d’Ua Pou : « ça coûte 1 000 € », Mā’ohi, œuvre, Ÿ…":
            assert ord(char) in cmap, (name, char)
        assert ord("Ж") not in cmap and ord("ǅ") not in cmap
