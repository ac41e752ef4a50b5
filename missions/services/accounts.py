"""Portal credentials: the first password printed on the convocation."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from missions.models import Intervenant
from missions.services import portal_versions

# No 0/O, 1/l/I: the password is read off paper and typed by hand.
READABLE_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Django's PBKDF2 default (1,000,000 iterations, 0.1 to 0.5 s a hash here) slows down the
# guessing of passwords people choose. A first password is drawn at random: 16 characters
# of a 55-symbol alphabet, 92 bits, out of reach of guessing whatever the iterations; it is
# rehashed at the default count at the first login (Django's `must_update`), where it must
# be replaced anyway. 10,000 iterations keep a margin for about 1/100 of the cost, which
# makes a run of thousands of new accounts minutes faster.
FIRST_PASSWORD_ITERATIONS = 10_000


def readable_password(groups=4, size=4):
    return "-".join(
        "".join(secrets.choice(READABLE_ALPHABET) for _ in range(size)) for _ in range(groups)
    )


def first_password_hash(password):
    """The stored form of a first password: the default hasher, with fewer PBKDF2
    iterations (see FIRST_PASSWORD_ITERATIONS); any other hasher is used as configured."""
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        iterations = min(hasher.iterations, FIRST_PASSWORD_ITERATIONS)
        return hasher.encode(password, hasher.salt(), iterations=iterations)
    return make_password(password)


@transaction.atomic
def issue_first_passwords(intervenants):
    """Give each intervenant's portal account (created if missing, its username being the
    identifier) a new first password, and return them in clear by intervenant pk, to be
    printed once on the convocation; they are stored only hashed, and must be replaced at
    the first login. A constant number of queries for the whole batch."""
    intervenants = list(intervenants)
    if not intervenants:
        return {}
    User = get_user_model()
    missing = [person for person in intervenants if person.user_id is None]
    if missing:
        # As `ensure_portal_account`: an existing user of that username is linked, not copied.
        User.objects.bulk_create(
            [
                User(
                    username=person.identifier,
                    first_name=person.first_name,
                    last_name=person.display_last_name,
                    email=person.email,
                    password=make_password(None),
                )
                for person in missing
            ],
            ignore_conflicts=True,
        )
        users = User.objects.in_bulk([p.identifier for p in missing], field_name="username")
        for person in missing:
            person.user = users[person.identifier]
    passwords = {}
    for person in intervenants:
        passwords[person.pk] = readable_password()
        person.user.password = first_password_hash(passwords[person.pk])
        person.must_change_password = True
    User.objects.bulk_update([person.user for person in intervenants], ["password"])
    bulk_update_with_history(intervenants, Intervenant, ["user", "must_change_password"])
    portal_versions.bump_intervenants(person.pk for person in intervenants)  # no signal above
    return passwords


def issue_first_password(intervenant):
    """`issue_first_passwords` for one intervenant: returns the password in clear."""
    return issue_first_passwords([intervenant])[intervenant.pk]


def needs_first_password(intervenant):
    """An account nobody has logged into yet gets a (new) first password on (re)issue."""
    user = intervenant.user
    return user is None or user.last_login is None
