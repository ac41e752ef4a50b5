from django import template
from django.template.defaultfilters import floatformat

from missions.durations import format_duration
from missions.enums import STATUS_BADGES, UNIT_PLURALS, PartNature, Unit
from missions.money import format_eur, format_xpf, xpf_to_eur

register = template.Library()


@register.filter
def xpf(amount):
    return format_xpf(amount or 0)


@register.filter
def eur(amount_xpf):
    return format_eur(xpf_to_eur(amount_xpf or 0))


@register.filter
def quantity(amount, unit):
    """ "6 h 30" for hours, "60 copies", "1 copie", "1,5 copie" otherwise: French keeps
    the singular below 2."""
    if amount is None:
        return ""
    if unit == Unit.HOUR:
        return format_duration(amount)
    label = Unit(unit).label if amount < 2 else UNIT_PLURALS[Unit(unit)]
    number = floatformat(amount, "-2")
    if "," in number:  # 1,50 → 1,5
        number = number.rstrip("0")
    return f"{number}\u00a0{label}"


@register.filter
def status_badge(status):
    """The DSFR badge modifier of a part status."""
    return STATUS_BADGES.get(status, "info")


@register.filter
def receipt_url(line):
    """Staff URL of a fee line's receipt ("" without one)."""
    from missions.backoffice.views.documents import receipt_url as url

    return url(line)


@register.filter
def dossier_document_url(dossier, document):
    """Staff URL of a dossier's "rib" or "identite" document ("" without one)."""
    from missions.backoffice.views.documents import dossier_document_url as url

    return url(dossier, document)


@register.filter
def receipt_lines(part):
    """The lines of a part (prefetched) that carry a receipt."""
    lines = [*part.worklines.all(), *part.travellegs.all(), *part.meallines.all(),
             *part.nightlines.all()]  # fmt: skip
    return [line for line in lines if line.receipt]


@register.filter
def nature_label(value):
    """A part nature's label, e.g. for accessible names built in templates."""
    return PartNature(value).label if value in PartNature.values else value
