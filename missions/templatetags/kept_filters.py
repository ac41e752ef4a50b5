"""`{% kept_filters filters %}`: the listings' filter menus (missions/templates/wagtailadmin/
shared/headers/_filters.html replaces Wagtail's with this tag), Wagtail's template rendered
once per filter set, chosen values and reference data version (missions/backoffice/
kept_choices.py), for the filter sets that say their menus depend on nothing else."""

from django import template

from missions.backoffice import kept_choices

register = template.Library()


@register.simple_tag(takes_context=True)
def kept_filters(context, filters):
    return kept_choices.render_filters(context, filters)
