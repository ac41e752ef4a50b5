import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_site(db):
    """The seeded demo page tree and accounts."""
    call_command("seed_demo", password="demo-password-for-tests", stdout=io.StringIO())
