from django import template
from django.utils.formats import date_format

from home.site_chrome import site_chrome

register = template.Library()


@register.inclusion_tag("components/_main_menu.html", takes_context=True)
def main_menu(context):
    """The live children of the site root flagged 'show in menus', current one marked."""
    request = context.get("request")
    current = context.get("page")
    current_path = getattr(current, "url_path", "") or ""
    return {
        "items": [
            {
                "title": entry.title,
                "url": entry.url,
                "active": current_path.startswith(entry.url_path),
            }
            for entry in site_chrome(request).menu
        ],
        "request": request,
    }


@register.simple_tag(takes_context=True)
def site_contact(context):
    """The DEC's contact details (ContactSettings) for the footer."""
    return site_chrome(context.get("request")).contact


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
