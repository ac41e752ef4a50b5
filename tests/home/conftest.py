from decimal import Decimal

import pytest

from tests.home.factories import seed_public_site


@pytest.fixture
def public_site(db):
    """The seeded public pages (home, regulations, documentation, form, legal pages)."""
    return seed_public_site()


@pytest.fixture
def rate_page(db):
    """A regulation page whose rate table shows one rate (111,11 XPF)."""
    from missions.models import Activity, Rate, RateGroup
    from tests.regulations.factories import rate_table_block, regulation_page

    activity = Activity.objects.create(code="test-cache", name="Correction (cache)", unit="copy")
    group = RateGroup.objects.create(code="test-cache", name="Groupe (cache)")
    rate = Rate.objects.create(activity=activity, rate_group=group, amount=Decimal("111.11"))
    return rate, regulation_page(body=[rate_table_block(show_previous=False)])
