"""How staff screens show raw values: never "None", dates and times in Tahiti time."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

EMPTY = "—"


def display_value(value):
    """A field's value as staff read it. Aware datetimes are converted to the current time
    zone (Pacific/Tahiti): Wagtail's inspect template formats them with `localize`, which
    does not convert, so they showed in UTC."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    return value


class LocalInspectMixin:
    """For Wagtail inspect views: no internal id, no "None", local dates and times."""

    def get_fields(self):
        return [name for name in super().get_fields() if name != "id"]

    def get_field_display_value(self, field_name, field):
        return display_value(super().get_field_display_value(field_name, field))
