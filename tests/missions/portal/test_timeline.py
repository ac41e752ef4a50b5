"""The intervenant's timeline shows the payment once, with its day and batch (issue 14)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.enums import PartNature
from missions.io import payment_files
from missions.services import payments
from tests.factories import controlled_parts, gestionnaire

pytestmark = pytest.mark.django_db


def test_timeline__payment_shown_once_with_its_batch(client):
    work, _ = controlled_parts()
    dec = gestionnaire()
    batch, _ = payments.create_batch(PartNature.REMUNERATION, user=dec)
    batch = payment_files.export_batch(batch, expected_payment_on=timezone.localdate())
    payments.mark_paid(batch, paid_on=timezone.localdate(), user=dec)
    mission = work.etat.mission
    client.force_login(mission.intervenant.user)
    html = client.get(reverse("portal:mission", args=[mission.pk])).content.decode()
    timeline = html[html.index("imagin-timeline") :]
    timeline = timeline[: timeline.index("</ol>")]
    assert timeline.count("Payé") == 1
    assert f"Payé</strong> (lot {batch.number})" in timeline
    assert "Gestionnaire DEC" not in timeline.split("Payé")[1]
