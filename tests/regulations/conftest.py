import pytest

from tests.home.factories import seed_public_site


@pytest.fixture
def public_site(db):
    """The seeded public pages (home, regulations, documentation, form, legal pages)."""
    return seed_public_site()
