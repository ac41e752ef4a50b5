"""Portal credentials: the first password printed on the convocation."""

import secrets

from django.db import transaction

from .intervenants import ensure_portal_account

# No 0/O, 1/l/I: the password is read off paper and typed by hand.
READABLE_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def readable_password(groups=4, size=4):
    return "-".join(
        "".join(secrets.choice(READABLE_ALPHABET) for _ in range(size)) for _ in range(groups)
    )


@transaction.atomic
def issue_first_password(intervenant):
    """Give the intervenant's account a new first password and return it in clear, to be
    printed once on the convocation; it is stored only hashed, and must be replaced at the
    first login."""
    user = ensure_portal_account(intervenant)
    password = readable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    intervenant.must_change_password = True
    intervenant.save(update_fields=["must_change_password"])
    return password


def needs_first_password(intervenant):
    """An account nobody has logged into yet gets a (new) first password on (re)issue."""
    user = intervenant.user
    return user is None or user.last_login is None
