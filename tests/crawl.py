"""A small crawler for the staff admin and the intervenant's space, and the checks of the
text it reads: English words of the admin chrome we own, raw "None", broken French
elisions. Used by tests/test_french_crawl.py."""

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Words of Django/Wagtail that show when a label, a choice or a value was left raw.
ENGLISH = re.compile(
    r"\b(None|True|False|Password|Issued by|Created by|Masked iban|Bank name|Currently|"
    r"Clear|Snippets?|Fragments?|Choose a|Change:)\b|\bActuellement\s*:"
)
# "à l'copie", "d'copies", "de entrées", "le école": an elision done where French needs
# none, or missing where it needs one. Lower case only: place names ("de Uturoa") are data.
ELISIONS = re.compile(
    r"(?<![\w-])(?:l|d|qu)'(?=[bcdfgjklmnpqrstvwxz])"
    r"|(?<![\w'-])(?:de|le|que|ne|je) (?=[aeiouéèêâîôû])"
)
# Attributes read aloud by screen readers or shown on hover.
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
SKIPPED_PATHS = re.compile(
    r"logout|deconnexion|/delete/|/supprimer|export|/bulk/|\.pdf|/pdf/|/document|/telecharger|"
    r"/fichier|/2fa/|/password_reset|/mot-de-passe"
)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "use", "path"}  # fmt: skip


class PageText(HTMLParser):
    """The text a person reads (or hears) on a page, and its links. Skips scripts, styles,
    templates and `hidden` elements."""

    def __init__(self):
        super().__init__()
        self.links, self.chunks, self._open = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if not self._hidden:
            self.chunks.extend(v for k, v in attrs.items() if k in READ_ATTRIBUTES and v)
        if tag not in VOID:
            hidden = tag in ("script", "style", "template") or "hidden" in attrs
            self._open.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    @property
    def _hidden(self):
        return any(hidden for _, hidden in self._open)

    def handle_data(self, data):
        if not self._hidden:
            self.chunks.append(data)

    @property
    def text(self):
        return " ".join(" ".join(self.chunks).split())


def defects(text):
    """Each defect with its surrounding words."""
    found = []
    for pattern, kind in ((ENGLISH, "anglais ou valeur brute"), (ELISIONS, "élision")):
        for match in pattern.finditer(text):
            found.append(f"{kind}: …{text[max(0, match.start() - 40) : match.end() + 30]}…")
    return found


def crawl(client, start_urls, roots=("/admin/", "/espace/"), per_pattern=2, limit=250):
    """GET pages reachable from `start_urls` under `roots`, at most `per_pattern` pages per
    URL shape (ids replaced), and return {url: (status, text)}."""
    queue, seen, pages, shapes = list(start_urls), set(), {}, Counter()
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            pages[url] = (response.status_code, "")
            continue
        parser = PageText()
        parser.feed(response.content.decode())
        pages[url] = (200, parser.text)
        for href in parser.links:
            parts = urlsplit(urljoin(url, href))
            if parts.netloc not in ("", "testserver") or not parts.path.startswith(roots):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if SKIPPED_PATHS.search(target) or target in seen or target in queue:
                continue
            shape = re.sub(r"\d+", "N", parts.path)
            shapes[shape] += 1
            if shapes[shape] <= per_pattern:
                queue.append(target)
    return pages
