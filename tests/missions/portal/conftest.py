import datetime

import pytest

from missions.enums import PartStatus
from missions.models import DossierFinancier
from missions.services.convocations import issue_mission
from tests.factories import DossierFactory, IntervenantFactory, MissionFactory, commune

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF"


@pytest.fixture
def today(monkeypatch):
    """The portal's 'today': during the session's entry window."""
    day = datetime.date(2026, 7, 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
    return day


def issued_mission(intervenant=None, **kwargs):
    intervenant = intervenant or IntervenantFactory(home_commune=commune("Uturoa"))
    if not DossierFinancier.objects.filter(intervenant=intervenant).exists():
        DossierFactory(intervenant=intervenant)
    mission = MissionFactory(intervenant=intervenant, **kwargs)
    issue_mission(mission, today=datetime.date(2026, 6, 30))
    return mission


@pytest.fixture
def alice(db):
    return IntervenantFactory(first_name="Alice", home_commune=commune("Uturoa"))


@pytest.fixture
def bruno(db):
    return IntervenantFactory(first_name="Bruno", home_commune=commune("Papeete"))


@pytest.fixture
def alice_mission(alice):
    return issued_mission(alice)


@pytest.fixture
def bruno_mission(bruno):
    return issued_mission(bruno)


__all__ = ["PDF", "PNG", "PartStatus"]
