"""Request parameters read defensively: a hand-edited URL or form (letters, NUL bytes,
5,000 digits) gets "not found" or the form again, never a server error."""

import datetime

MAX_PK = 2**63 - 1  # PostgreSQL bigint


def parse_pk(value):
    """A primary key from a request, or None (which matches nothing) when it is not one."""
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= MAX_PK else None


def pks(values):
    """The primary keys among a list of request values (checkboxes); the others dropped."""
    return [pk for pk in map(parse_pk, values) if pk is not None]


def parse_date(value):
    """An ISO date (AAAA-MM-JJ) from a request, or None."""
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        return None
