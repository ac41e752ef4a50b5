"""Headers by area (security issue, items 7 and 8): nothing shown to a logged-in person is
kept by a shared cache or the browser's history; the public site and the admin each send
their own enforced Content-Security-Policy, and nothing report-only."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from missions.enums import PartNature
from missions.models import WorkLine
from missions.services.convocations import issue_mission
from tests.factories import DossierFactory, IntervenantFactory, MissionFactory, gestionnaire
from tests.home.factories import seed_public_site

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def today(monkeypatch):
    day = datetime.date(2026, 7, 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
    return day


@pytest.fixture
def intervenant_world(today):
    person = IntervenantFactory()
    dossier = DossierFactory(intervenant=person)
    dossier.rib_document.save("rib.pdf", ContentFile(PDF))
    mission = MissionFactory(intervenant=person)
    issue_mission(mission, today=datetime.date(2026, 6, 30))
    part = mission.etat.parts.get(nature=PartNature.REMUNERATION)
    line = WorkLine.objects.create(part=part, date=mission.start_date, quantity=3)
    line.receipt.save("r.png", ContentFile(PNG))
    return person, mission, line


def private(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_portal_pages_and_files__are_private_and_not_stored(client, intervenant_world):
    person, mission, line = intervenant_world
    client.force_login(person.user)
    urls = [
        reverse("portal:missions"),
        reverse("portal:mission", args=[mission.pk]),
        reverse("portal:dossier"),
        reverse("portal:dossier_document", args=["rib"]),
        reverse("portal:recap_pdf", args=[mission.pk]),
        reverse("portal:receipt", args=["travail", line.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert private(response), f"{url}: {response.get('Cache-Control')}"


def test_staff_screens_and_exports__are_private_and_not_stored(client):
    client.force_login(gestionnaire())
    for url in [
        reverse("wagtailadmin_home"),
        reverse("missions_control"),
        reverse("missions_export", args=["intervenants", "csv"]),
        reverse("wagtailsnippets_missions_intervenant:list") + "?export=xlsx",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert private(response), f"{url}: {response.get('Cache-Control')}"


def test_anonymous_public_page__stays_cacheable(client):
    seed_public_site()
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


def test_public_site__its_own_policy_only(client):
    seed_public_site()
    response = client.get("/")
    assert "Content-Security-Policy-Report-Only" not in response
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_admin__an_enforced_policy_of_its_own(client):
    client.force_login(gestionnaire())
    response = client.get(reverse("wagtailadmin_home"))
    assert "Content-Security-Policy-Report-Only" not in response
    policy = directives(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_admin_inline_scripts__carry_the_responses_nonce(client):
    """A mission's form has chooser and date widgets: Wagtail writes their initialisation
    inline; each carries this response's nonce, and no inline script goes without it."""
    import re

    client.force_login(gestionnaire())
    mission = MissionFactory()
    response = client.get(reverse("wagtailsnippets_missions_mission:edit", args=[mission.pk]))
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")([^>]*)>", html)
    assert inline, "the form should have inline initialisation scripts"
    for attributes in inline:
        assert f'nonce="{nonce}"' in attributes, attributes
