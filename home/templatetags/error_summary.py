"""`{% error_summary form other_forms %}`: the summary of a failed submit, at the top of the
page, with a link to each invalid field; focus moves to it on load (no script needed).
Arguments are forms, lists of forms or None; a form without errors adds nothing."""

from django import template

register = template.Library()


def _forms(arguments):
    for argument in arguments:
        if isinstance(argument, list | tuple):
            yield from _forms(argument)
        elif argument is not None and getattr(argument, "errors", None):
            yield argument


def _anchor(field):
    # A group of radios or checkboxes has no element of its own id: link the first option.
    if field.widget_type in {"radioselect", "inlineradioselect", "checkboxselectmultiple"}:
        return f"{field.auto_id}_0"
    return field.id_for_label


def summary_rows(*forms):
    """(anchor or None, label or None, message) of each error, in the order of the page."""
    rows = []
    for form in _forms(forms):
        visible = [field for field in form if not field.is_hidden]
        for message in form.non_field_errors():
            rows.append((_anchor(visible[0]) if visible else None, None, message))
        for field in form:
            for message in field.errors:
                rows.append((_anchor(field), field.label, message))
    return rows


@register.inclusion_tag("components/_error_summary.html")
def error_summary(*forms):
    return {"rows": summary_rows(*forms)}


@register.simple_tag
def error_title_prefix(*forms):
    """'Erreur : ' for the <title> of a page whose submit failed."""
    return "Erreur : " if any(True for _ in _forms(forms)) else ""
