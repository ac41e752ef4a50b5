"""The DEC's assignment screen: solve in the background, read, pin, swap, accept."""

import html

import pytest
from django.urls import reverse

from assignment.models import Proposal, ProposalStatus, SolveRun, SolveStatus
from tests.assignment.factories import CompetenceFactory, NeedFactory
from tests.factories import (
    CentreFactory,
    IntervenantFactory,
    SessionFactory,
    chef_de_centre,
    commune,
    gestionnaire,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(gestionnaire())
    return client


@pytest.fixture
def session_with_need():
    session = SessionFactory()
    need = NeedFactory(session=session, centre=CentreFactory(commune=commune("Papeete")))
    near = IntervenantFactory(home_commune=commune("Papeete"))
    far = IntervenantFactory(home_commune=commune("Mahina"))
    for person in (near, far):
        CompetenceFactory(intervenant=person)
    return session, need, near, far


def url(name, *args):
    return reverse(f"assignment_admin:{name}", args=args)


def test_solve__runs_as_a_task_and_shows_proposals_with_reasons(
    staff, session_with_need, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    session, _need, near, _far = session_with_need
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url("session_action", session.pk, "calculer"))
    assert response.status_code == 302
    run = SolveRun.objects.get(session=session)
    assert run.status == SolveStatus.DONE
    assert run.summary["covered"] == 1
    with django_assert_max_num_queries(20):
        page = staff.get(url("session", session.pk))
    text = page.content.decode()
    assert near.full_name in text
    assert "Candidat suivant" in text
    assert "0 besoin(s) non couvert(s)" in text


def test_pin_by_identifier_then_resolve_keeps_it(
    staff, session_with_need, django_capture_on_commit_callbacks
):
    session, need, _near, far = session_with_need
    response = staff.post(url("pin", need.pk), {"identifier": far.identifier.lower()})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url("session_action", session.pk, "calculer"))
    assert list(Proposal.objects.filter(need=need).values_list("intervenant", "pinned")) == [
        (far.pk, True)
    ]


def test_pin__unknown_identifier_is_refused_in_french(staff, session_with_need):
    _session, need, *_ = session_with_need
    response = staff.post(url("pin", need.pk), {"identifier": "PF000000"}, follow=True)
    text = html.unescape(response.content.decode())
    assert "Aucun intervenant n'a l'identifiant « PF000000 »" in text
    assert not Proposal.objects.exists()


def test_swap_and_accept_all(staff, session_with_need, django_capture_on_commit_callbacks):
    session, need, _near, far = session_with_need
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url("session_action", session.pk, "calculer"))
    proposal = Proposal.objects.get(need=need)
    staff.post(url("pin", need.pk), {"identifier": far.identifier, "replace": proposal.pk})
    staff.post(url("session_action", session.pk, "tout-accepter"))
    accepted = Proposal.objects.get(need=need)
    assert accepted.intervenant == far and accepted.status == ProposalStatus.ACCEPTED
    assert accepted.mission.issued_at is None


def test_second_solve_while_one_is_running_is_refused(staff, session_with_need):
    session, *_ = session_with_need
    SolveRun.objects.create(session=session, status=SolveStatus.RUNNING)
    response = staff.post(url("session_action", session.pk, "calculer"), follow=True)
    assert "déjà en cours" in response.content.decode()
    assert SolveRun.objects.count() == 1


def test_chef_de_centre_is_refused(client, session_with_need):
    session, *_ = session_with_need
    client.force_login(chef_de_centre())
    assert client.get(url("session", session.pk)).status_code == 403
    assert client.post(url("session_action", session.pk, "tout-accepter")).status_code == 403


def test_index__the_next_session_with_needs_chosen_and_counts_in_the_labels(staff):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    empty = SessionFactory(name="Session sans besoin")
    past = SessionFactory(name="Session passée")
    NeedFactory(session=past, date=today - datetime.timedelta(days=30))
    later = SessionFactory(name="Session plus tard")
    NeedFactory(session=later, date=today + datetime.timedelta(days=40))
    soon = SessionFactory(name="Session bientôt")
    for days in (5, 6):
        NeedFactory(session=soon, date=today + datetime.timedelta(days=days))
    page = staff.get(url("index")).content.decode()
    chosen = page[page.index("selected") - 200 : page.index("selected")]
    assert f'value="{soon.pk}"' in chosen
    first = today + datetime.timedelta(days=5)
    assert f"Session bientôt — 2 besoin(s) à partir du {first:%d/%m/%Y}" in page
    assert "Session sans besoin — aucun besoin saisi" in page
    # Sessions with needs first, soonest first; the empty one last.
    order = [page.index(name) for name in (past.name, soon.name, later.name, empty.name)]
    assert order == sorted(order)
    assert staff.get(url("index"), {"session": soon.pk}).url == url("session", soon.pk)
