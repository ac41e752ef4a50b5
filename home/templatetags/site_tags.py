from django import template
from django.utils.formats import date_format
from wagtail.models import Site

register = template.Library()


@register.inclusion_tag("components/_main_menu.html", takes_context=True)
def main_menu(context):
    """The live children of the site root flagged 'show in menus', current one marked."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    items = []
    if site is not None:
        items = list(site.root_page.get_children().live().in_menu().only("title", "url_path"))
    current = context.get("page")
    current_path = getattr(current, "url_path", "") or ""
    return {
        "items": [
            {
                "title": item.title,
                "url": item.get_url(request),
                "active": current_path.startswith(item.url_path),
            }
            for item in items
        ],
        "request": request,
    }


@register.inclusion_tag("components/_breadcrumb.html", takes_context=True)
def page_breadcrumb(context, page):
    """DSFR breadcrumb from the page's ancestors below the site root."""
    request = context.get("request")
    ancestors = list(page.get_ancestors().filter(depth__gt=2).only("title", "url_path"))
    return {
        "links": [{"url": a.get_url(request), "title": a.title} for a in ancestors],
        "current": page.title,
    }


@register.filter
def date_fr(value):
    """'1er janvier 2022', '22 septembre 2023': French usage for the first of the month."""
    if not value:
        return ""
    text = date_format(value, "j F Y")
    return f"1er{text[1:]}" if value.day == 1 else text
