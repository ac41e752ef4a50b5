from django import template

from ..enums import STATUS_BADGES, PartNature
from ..money import format_eur, format_xpf, xpf_to_eur

register = template.Library()


@register.filter
def xpf(amount):
    return format_xpf(amount or 0)


@register.filter
def eur(amount_xpf):
    return format_eur(xpf_to_eur(amount_xpf or 0))


@register.filter
def status_badge(status):
    """The DSFR badge modifier of a part status."""
    return STATUS_BADGES.get(status, "info")


@register.filter
def nature_label(value):
    """A part nature's label, e.g. for accessible names built in templates."""
    return PartNature(value).label if value in PartNature.values else value
