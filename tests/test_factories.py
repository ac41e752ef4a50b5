"""What the factories give must not make a test's outcome depend on the order tests run in."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import NEW_PASSWORD

User = get_user_model()  # unsaved instances: no database needed
# Far beyond the sequence numbers a whole run reaches in one worker.
SEQUENCES = range(20_000)


def test_new_password__passes_the_validators_for_any_factory_sequence_number():
    # Found by CI: "Tiare-Tahiti-2026" was too close to "teriitehau202" for Django's
    # similarity check, so the end-to-end test failed only when the intervenant got that number.
    refused = []
    for n in SEQUENCES:
        user = User(
            username=f"PF{100_000 + n}",
            first_name="Vaiana",
            last_name=f"TERIITEHAU{n}",
            email=f"intervenant{n}@example.pf",
        )
        other = User(username=f"user{n}", first_name="", last_name="", email=f"user{n}@example.pf")
        for person in (user, other):
            try:
                validate_password(NEW_PASSWORD, person)
            except ValidationError:
                refused.append(n)
    assert refused == []


@pytest.mark.parametrize("password", ["Tiare-Tahiti-2026"])
def test_the_check_above_would_have_caught_the_ci_failure(password):
    user = User(
        username="PF100202", first_name="Vaiana", last_name="TERIITEHAU202",
        email="intervenant202@example.pf",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        validate_password(password, user)
