"""Dates and times read in Tahiti time on every staff screen (issue 14): 02:26 UTC on
1 December is 16:26 on 30 November in Papeete.

The moment is in a year gone by: the pages also show times of today (the audit trail of the
rows the test creates), and the UTC reading must not be a date the test can run on."""

import datetime

import pytest
from django.urls import reverse

from missions.models import ConvocationRun, Mission
from tests.factories import DossierFactory, MissionFactory, SessionFactory, gestionnaire

UTC_MOMENT = datetime.datetime(2025, 12, 1, 2, 26, tzinfo=datetime.UTC)
LOCAL = "30/11/2025 16:26"

pytestmark = pytest.mark.django_db


def assert_local(html):
    assert LOCAL in html
    # With its date: a bare "02:26" would also match a time of today.
    for utc_text in ("2025 02:26", "2025 à 02:26", "01/12/2025", "1 décembre 2025"):
        assert utc_text not in html


def test_mission_inspect__issue_and_creation_times_in_tahiti_time(client):
    mission = MissionFactory(convocation_number="2026-000001")
    Mission.objects.filter(pk=mission.pk).update(issued_at=UTC_MOMENT, created_at=UTC_MOMENT)
    client.force_login(gestionnaire())
    url = reverse("wagtailsnippets_missions_mission:inspect", args=[mission.pk])
    html = client.get(url).content.decode()
    assert html.count(LOCAL) >= 2  # issued at, created at
    assert_local(html)


def test_dossier_inspect__check_time_in_tahiti_time_and_no_none(client):
    dossier = DossierFactory(checked_at=UTC_MOMENT)
    client.force_login(gestionnaire())
    url = reverse("wagtailsnippets_missions_dossierfinancier:inspect", args=[dossier.pk])
    html = client.get(url).content.decode()
    assert_local(html)
    assert ">None<" not in html.replace(" ", "").replace("\n", "")
    assert "Masked iban" not in html and "Bank name" not in html


def test_convocation_run__named_by_its_local_time():
    run = ConvocationRun.objects.create(session=SessionFactory())
    ConvocationRun.objects.filter(pk=run.pk).update(created_at=UTC_MOMENT)
    run.refresh_from_db()
    assert str(run).startswith(f"Émission du {LOCAL}")
