"""First passwords: printed once on the convocation, stored hashed, replaced at first login."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import override_settings

from missions.services.accounts import (
    FIRST_PASSWORD_ITERATIONS,
    issue_first_password,
    issue_first_passwords,
)
from tests.factories import IntervenantFactory, UserFactory

pytestmark = pytest.mark.django_db

PBKDF2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def test_issue_first_passwords__creates_or_links_accounts_in_one_go():
    new, linked = IntervenantFactory(user=None), IntervenantFactory(user=None)
    existing = UserFactory(username=linked.identifier)
    has_account = IntervenantFactory()
    account = has_account.user
    passwords = issue_first_passwords([new, linked, has_account])
    for person in (new, linked, has_account):
        person.refresh_from_db()
        assert person.user.check_password(passwords[person.pk])
        assert person.must_change_password
    assert new.user.username == new.identifier
    assert (linked.user, has_account.user) == (existing, account)
    assert len(set(passwords.values())) == 3


@override_settings(PASSWORD_HASHERS=PBKDF2)
def test_first_password__cheaper_hash_rehashed_at_full_strength_on_first_login():
    person = IntervenantFactory(user=None)
    password = issue_first_password(person)
    user = person.user
    algorithm, iterations, *_ = user.password.split("$")
    assert (algorithm, int(iterations)) == ("pbkdf2_sha256", FIRST_PASSWORD_ITERATIONS)
    assert not user.check_password("abcd-efgh-jkmn-pqrs")

    assert user.check_password(password)  # what the login form does
    user.refresh_from_db()
    assert int(user.password.split("$")[1]) == PBKDF2PasswordHasher.iterations
    assert user.check_password(password)


def test_first_password__other_hashers_are_used_as_configured():
    person = IntervenantFactory(user=None)  # the test settings hash with MD5
    password = issue_first_password(person)
    assert person.user.password.startswith("md5$")
    assert person.user.check_password(password)
