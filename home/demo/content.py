"""The text of the demo public pages, read from the YAML files in home/demo/content/
(written from the domain reference, DOMAIN.md, the way editors would write it).

Bodies are written in a short form, one key per block (`heading: …`, `paragraph: …`,
`faq: …`), turned here into StreamField's JSON. Rate tables are not written in the files:
the rate-table blocks read them from the database."""

from functools import cache
from pathlib import Path

import yaml

FOLDER = Path(__file__).resolve().parent / "content"


@cache
def load(name):
    return yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8"))


def _block(short, documents):
    ((kind, value),) = short.items()
    if kind == "heading":
        value = value if isinstance(value, dict) else {"text": value, "level": "h2"}
        return {"type": "heading", "value": value}
    if kind == "paragraph":
        return {"type": "paragraph", "value": value}
    if kind == "callout":
        return {"type": "callout", "value": {"tone": "info", "title": "", **value}}
    if kind == "faq":
        return {"type": "accordion", "value": value}
    if kind == "downloads":
        items = [
            {"title": "", **item, "document": documents[item["document"]].pk}
            for item in value["documents"]
        ]
        return {"type": "documents", "value": {"title": value["title"], "documents": items}}
    if kind == "simulator_link":
        return {"type": "simulator", "value": {"title": value, "display": "lien"}}
    if kind == "rate_table":
        return {"type": "rate_table", "value": value}
    raise ValueError(f"Bloc inconnu dans le contenu de démonstration : {kind}")


def page(spec, documents=None):
    """Page fields from a page of the files: the body, when it is a list, becomes blocks."""
    fields = dict(spec)
    if isinstance(fields.get("body"), list):
        fields["body"] = [_block(short, documents or {}) for short in fields["body"]]
    return fields


def home_links(pages):
    """The home page's link tiles; `pages` maps the files' keys to the created pages."""
    return [
        {
            "type": "link",
            "value": {
                "page": pages[link["page"]].pk,
                "title": link["title"],
                "description": link["description"],
            },
        }
        for link in load("home")["links"]
    ]
