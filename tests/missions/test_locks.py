"""A mission whose parts are validated or beyond is read-only everywhere: admin forms, import
rows, services. Fields that record what the system did are never hand-editable."""

import datetime

import pytest
from django.forms import modelform_factory
from django.urls import reverse

from missions.enums import PartStatus
from missions.io.imports import read_file, run_import
from missions.models import Attestation, Centre, FeePart, Mission
from missions.models.locks import LockedError, check_unlocked, lock_reason
from tests.factories import (
    IntervenantFactory,
    MissionFactory,
    UserFactory,
    chef_de_centre,
    gestionnaire,
    parts_for,
)
from tests.missions.test_imports import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def controlled_mission():
    mission = MissionFactory(epreuve="Philosophie", expected_quantity=37)
    parts_for(mission, status=PartStatus.CONTROLLED)
    return Mission.objects.get(pk=mission.pk)


@pytest.fixture
def staff_client(client):
    client.force_login(gestionnaire())
    return client


def snapshot(mission):
    return Mission.objects.filter(pk=mission.pk).values().get()


def test_lock_reason__says_why_and_how_to_correct(controlled_mission):
    reason = lock_reason(controlled_mission)
    assert "est verrouillée" in reason
    assert "« Contrôlé »" in reason
    assert "renvoyez le dossier pour correction" in reason
    with pytest.raises(LockedError):
        check_unlocked(controlled_mission)


def test_lock_reason__none_while_the_intervenant_enters():
    mission = MissionFactory()
    parts_for(mission, status=PartStatus.TO_ENTER)
    assert lock_reason(mission) == ""


def test_admin_edit__locked_mission_is_shown_read_only_with_the_reason(
    staff_client, controlled_mission
):
    url = reverse("wagtailsnippets_missions_mission:edit", args=[controlled_mission.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lecture seule." in page
    assert "est verrouillée" in page
    assert "data-locked-actions" in page  # no save button
    form = response.context["form"]
    assert all(field.disabled for field in form.fields.values())
    # The system's own records are not fields of the form at all.
    assert not {"issued_at", "issued_by", "convocation_number"} & set(form.fields)


def test_admin_post__on_a_locked_mission_is_refused_and_changes_nothing(
    staff_client, controlled_mission
):
    before = snapshot(controlled_mission)
    other = IntervenantFactory()
    url = reverse("wagtailsnippets_missions_mission:edit", args=[controlled_mission.pk])
    response = staff_client.post(
        url,
        {
            "intervenant": other.pk,
            "session": controlled_mission.session_id,
            "epreuve": "Changée",
            "activity": controlled_mission.activity_id,
            "centre": controlled_mission.centre_id,
            "start_date": "2026-06-20",
            "end_date": "2026-06-20",
            "start_time": "07:30",
            "end_time": "12:30",
            "expected_quantity": "99",
        },
        follow=True,
    )
    assert "Modification refusée." in response.content.decode()
    assert snapshot(controlled_mission) == before


def test_admin_delete__locked_mission_is_refused(staff_client, controlled_mission):
    url = reverse("wagtailsnippets_missions_mission:delete", args=[controlled_mission.pk])
    staff_client.post(url)
    assert Mission.objects.filter(pk=controlled_mission.pk).exists()


def test_admin_post__on_a_locked_part_changes_nothing(staff_client, controlled_mission):
    part = FeePart.objects.filter(etat__mission=controlled_mission).first()
    url = reverse("wagtailsnippets_missions_feepart:edit", args=[part.pk])
    staff_client.post(url, {"etat": part.etat_id, "nature": part.nature, "status": "a_saisir",
                            "amount": "999999"})  # fmt: skip
    part.refresh_from_db()
    assert (part.status, part.amount) == (PartStatus.CONTROLLED, 0)


def test_admin_edit__unlocked_mission_still_saves(staff_client):
    mission = MissionFactory(epreuve="Avant")
    url = reverse("wagtailsnippets_missions_mission:edit", args=[mission.pk])
    form = staff_client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    data["epreuve"] = "Après"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    mission.refresh_from_db()
    assert mission.epreuve == "Après"


def test_import_row__changing_a_locked_mission_is_refused_in_french(controlled_mission):
    before = snapshot(controlled_mission)
    mission = controlled_mission
    row = {
        "Identifiant intervenant": mission.intervenant.identifier,
        "Session": mission.session.name,
        "Type de mission": mission.activity.code,
        "Épreuve": mission.epreuve,
        "Code UAI du centre": mission.centre.uai,
        "Premier jour": f"{mission.start_date:%d/%m/%Y}",
        "Dernier jour": f"{mission.end_date:%d/%m/%Y}",
        "Heure de début": "07:30",
        "Heure de fin": "12:30",
        "Quantité prévue": "99",
    }
    parsed = read_file(csv_bytes([row]), "missions.csv")
    report = run_import("missions", parsed, dry_run=False)
    messages = [error.message for error in report.errors]
    assert any("est verrouillée" in message for message in messages), messages
    assert snapshot(controlled_mission) == before


def test_user_choosers__offer_staff_only():
    staff = gestionnaire()
    chef = chef_de_centre()
    outsider = UserFactory()
    attested_by = modelform_factory(Attestation, fields=["attested_by"])().fields["attested_by"]
    chefs = modelform_factory(Centre, fields=["chefs"])().fields["chefs"]
    assert staff in attested_by.queryset
    assert outsider not in attested_by.queryset
    # A centre's chefs: accounts of that role only.
    assert chef in chefs.queryset
    assert staff not in chefs.queryset and outsider not in chefs.queryset


def test_issuing_fields__are_not_editable():
    for name in ("issued_at", "issued_by", "convocation_number"):
        assert Mission._meta.get_field(name).editable is False


def test_unlocked_mission_dates__may_still_change():
    mission = MissionFactory()
    mission.start_date = mission.end_date = datetime.date(2026, 6, 18)
    mission.save()
    check_unlocked(mission)


def test_service_save__of_a_locked_mission_is_refused_and_changes_nothing(controlled_mission):
    before = snapshot(controlled_mission)
    controlled_mission.intervenant = IntervenantFactory()
    controlled_mission.expected_quantity = 99
    with pytest.raises(LockedError, match="est verrouillée"):
        controlled_mission.save()
    assert snapshot(controlled_mission) == before
