"""What people see: an intervenant declares unavailability in the portal; a chef
d'établissement manages their staff's competences and unavailability and sees their
missions, and nobody else's."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from assignment.models import AssignmentProfile, Competence, EnteredBy, SchoolHead, Unavailability
from missions import roles
from tests.assignment.factories import CompetenceFactory, UnavailabilityFactory, activity
from tests.factories import (
    CentreFactory,
    IntervenantFactory,
    MissionFactory,
    UserFactory,
    gestionnaire,
)

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=30)


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def person(client):
    intervenant = IntervenantFactory()
    client.force_login(intervenant.user)
    return intervenant


def test_portal__declare_and_list_unavailability(client, person):
    url = reverse("assignment_portal:unavailability")
    response = client.post(
        url,
        {"start_date": SOON, "end_date": SOON, "period": "matin", "reason": "Examen médical"},
    )
    assert response.status_code == 302
    absence = Unavailability.objects.get(intervenant=person)
    assert absence.entered_as == EnteredBy.INTERVENANT
    assert absence.entered_by == person.user
    assert "Examen médical" in text(client.get(url))


def test_portal__end_before_start_is_refused_in_french(client, person):
    response = client.post(
        reverse("assignment_portal:unavailability"),
        {"start_date": SOON, "end_date": SOON - datetime.timedelta(days=1), "period": "journee"},
    )
    assert "La fin précède le début." in text(response)
    assert not Unavailability.objects.exists()


def test_portal__absence_over_a_mission_is_refused(client, person):
    MissionFactory(intervenant=person, start_date=SOON)
    response = client.post(
        reverse("assignment_portal:unavailability"),
        {"start_date": SOON, "end_date": SOON, "period": "journee"},
    )
    assert "Vous êtes déjà convoqué(e)" in text(response)
    assert not Unavailability.objects.exists()


def test_portal__cannot_delete_someone_elses_or_the_schools(client, person):
    other = UnavailabilityFactory(start_date=SOON, end_date=SOON)
    schools = UnavailabilityFactory(
        intervenant=person, start_date=SOON, end_date=SOON, entered_as=EnteredBy.SCHOOL
    )
    for absence in (other, schools):
        response = client.post(reverse("assignment_portal:delete", args=[absence.pk]))
        assert response.status_code == 404
    assert Unavailability.objects.count() == 2


@pytest.fixture
def school_setup(client):
    school, elsewhere = CentreFactory(), CentreFactory()
    head = UserFactory(role=roles.CHEFS_ETABLISSEMENT)
    SchoolHead.objects.create(user=head, school=school)
    mine, theirs = IntervenantFactory(last_name="Mine"), IntervenantFactory(last_name="Autre")
    AssignmentProfile.objects.create(intervenant=mine, school=school)
    AssignmentProfile.objects.create(intervenant=theirs, school=elsewhere)
    client.force_login(head)
    return head, mine, theirs


def test_school__sees_their_staff_and_missions_only(
    client, school_setup, django_assert_max_num_queries
):
    _, mine, theirs = school_setup
    MissionFactory(intervenant=mine, start_date=SOON, epreuve="Philosophie")
    MissionFactory(intervenant=theirs, start_date=SOON, epreuve="Économie")
    with django_assert_max_num_queries(25):
        response = client.get(reverse("assignment_school:index"))
    page = text(response)
    assert mine.full_name in page and "Philosophie" in page
    assert theirs.full_name not in page and "Économie" not in page


def test_school__enters_competence_and_unavailability_for_their_staff(client, school_setup):
    head, mine, _ = school_setup
    client.post(
        reverse("assignment_school:add_competence"),
        {"intervenant": mine.pk, "activity": activity("oral").pk, "epreuve": "Anglais"},
    )
    client.post(
        reverse("assignment_school:add_unavailability"),
        {"intervenant": mine.pk, "start_date": SOON, "end_date": SOON, "period": "journee"},
    )
    assert Competence.objects.get(intervenant=mine).entered_by == head
    assert Unavailability.objects.get(intervenant=mine).entered_as == EnteredBy.SCHOOL


def test_school__cannot_touch_another_schools_staff(client, school_setup):
    _, _, theirs = school_setup
    response = client.post(
        reverse("assignment_school:add_competence"),
        {"intervenant": theirs.pk, "activity": activity("oral").pk},
    )
    assert "Sélectionnez un choix valide" in text(response)
    competence = CompetenceFactory(intervenant=theirs)
    response = client.post(reverse("assignment_school:delete", args=["competence", competence.pk]))
    assert response.status_code == 404
    assert Competence.objects.filter(intervenant=theirs).count() == 1


def test_school__screen_refused_to_other_roles(client):
    client.force_login(gestionnaire())
    assert client.get(reverse("assignment_school:index")).status_code == 403
