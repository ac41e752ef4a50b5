"""The demo's session to staff: needs, competences and a chef d'établissement, so that the
README's tour can compute a proposal and open "Mon établissement"."""

import datetime
import html

import pytest
from django.urls import reverse

from assignment import demo
from assignment.models import Need, Proposal, SchoolHead
from assignment.services import proposals
from home.demo.site import seed_accounts
from missions.demo import seed as missions_demo
from missions.models import Session

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 26)


@pytest.fixture
def seeded():
    seed_accounts("demo-password-for-tests")
    missions_demo.seed_missions(today=TODAY, intervenants=40, missions=60)
    return demo.seed_assignment(today=TODAY)


def test_seed__a_session_to_staff_with_needs_and_a_chef_etablissement(seeded):
    session = Session.objects.get(name=demo.session_name(TODAY))
    assert session.start_date > TODAY
    assert Need.objects.filter(session=session).count() == len(demo.NEEDS)
    head = SchoolHead.objects.get(user__username=demo.CHEF_ETABLISSEMENT)
    assert head.school.uai == demo.SCHOOL_UAI
    assert head.school.staff_profiles.exists()


def test_seed__a_proposal_covers_most_needs_and_is_idempotent(seeded):
    session = Session.objects.get(name=demo.session_name(TODAY))
    summary = proposals.compute(session, time_limit=10)
    assert summary.covered >= summary.places * 0.6
    assert Proposal.objects.filter(need__session=session).count() == summary.covered
    assert demo.seed_assignment(today=TODAY) == "session d'affectation déjà présente"
    assert Need.objects.filter(session=session).count() == len(demo.NEEDS)


def test_seed__the_chef_etablissement_sees_their_staff(seeded, client):
    head = SchoolHead.objects.select_related("user", "school").get(
        user__username=demo.CHEF_ETABLISSEMENT
    )
    client.force_login(head.user)
    response = client.get(reverse("assignment_school:index"))
    assert response.status_code == 200
    staff = head.school.staff_profiles.select_related("intervenant").first().intervenant
    assert staff.last_name.upper() in html.unescape(response.content.decode()).upper()
