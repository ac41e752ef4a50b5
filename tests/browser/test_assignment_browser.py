"""The assignment in Chromium: the gestionnaire computes a proposal, swaps in (pins) another
person, re-solves, accepts, issues the convocations; the intervenant sees the mission in the
portal; the chef d'établissement's screen. Screenshots of both staff screens."""

import datetime
import re

import pytest
from django.utils import timezone

from assignment.models import AssignmentProfile, SchoolHead
from missions import roles
from missions.services.accounts import issue_first_password
from tests.assignment.factories import CompetenceFactory, NeedFactory
from tests.browser.test_staff_payments_browser import tall_screenshot
from tests.factories import (
    NEW_PASSWORD,
    CentreFactory,
    DossierFactory,
    IntervenantFactory,
    SessionFactory,
    UserFactory,
    chef_de_centre,
    commune,
    gestionnaire,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "motdepasse-de-test"  # UserFactory's


@pytest.fixture
def session_to_staff():
    day = timezone.localdate() + datetime.timedelta(days=20)
    deadline = day + datetime.timedelta(days=60)
    session = SessionFactory(name="BTS 2027, session de test", year=day.year, start_date=day,
                             end_date=day, entry_deadline=deadline)  # fmt: skip
    school = CentreFactory(name="Lycée de Faa'a", commune=commune("Faa'a"))
    centre = CentreFactory(name="Lycée Paul-Gauguin", commune=commune("Papeete"))
    NeedFactory(session=session, centre=centre, date=day, epreuve="Anglais")
    near = IntervenantFactory(
        first_name="Teva", last_name="Proche", home_commune=commune("Papeete")
    )
    far = IntervenantFactory(user=None, first_name="Hina", last_name="Loin",
                             home_commune=commune("Mahina"), address="BP 12")  # fmt: skip
    chef_de_centre(centre)  # a convocation names the centre's chef
    for person in (near, far):
        CompetenceFactory(intervenant=person)
        DossierFactory(intervenant=person)
    AssignmentProfile.objects.create(intervenant=far, school=school)
    return {"session": session, "near": near, "far": far, "school": school}


def test_gestionnaire_staffs_a_session_and_the_intervenant_sees_the_mission(
    live_server, browser, page, admin_log_in, screenshot, session_to_staff
):
    session, near, far = (session_to_staff[k] for k in ("session", "near", "far"))
    admin_log_in(page, live_server, gestionnaire(), PASSWORD)
    page.goto(f"{live_server.url}/admin/affectation/session/{session.pk}/")
    page.get_by_role("button", name="Calculer une proposition").click()
    row = page.locator("table.listing tbody tr").first
    assert near.full_name in row.inner_text()
    assert "Candidat suivant" in row.inner_text()

    # Pin the other person in place of the proposal, then solve again around the pin.
    row.get_by_label("Remplacer par (identifiant)").fill(far.identifier)
    row.get_by_role("button", name="Échanger").click()
    page.get_by_role("button", name="Calculer une proposition").click()
    row = page.locator("table.listing tbody tr").first
    assert far.full_name in row.inner_text() and "épinglée" in row.inner_text()
    assert near.full_name not in page.locator("table.listing tbody").inner_text()
    tall_screenshot(screenshot, page, "assignment-proposals")

    page.get_by_role("button", name="Tout accepter").click()
    page.get_by_text("1 proposition(s) acceptée(s)").wait_for()
    page.get_by_role("link", name="Émettre les convocations").click()
    page.get_by_role("button", name=re.compile(r"Émettre 1 convocation")).click()
    page.wait_for_url(re.compile(r"/admin/convocations/\d+/$"))
    page.get_by_text("Terminé").first.wait_for()

    # The intervenant logs in with the first password of the convocation.
    portal = browser.new_context(locale="fr-FR").new_page()
    far.refresh_from_db()
    password = issue_first_password(far)
    portal.goto(live_server.url + "/espace/")
    portal.locator("#id_username").fill(far.identifier)
    portal.locator("#id_password").fill(password)
    portal.get_by_role("button", name="Se connecter").click()
    portal.wait_for_url(re.compile(r"/espace/mot-de-passe/$"))
    portal.locator("#id_old_password").fill(password)
    portal.locator("#id_new_password1").fill(NEW_PASSWORD)
    portal.locator("#id_new_password2").fill(NEW_PASSWORD)
    portal.get_by_role("button", name="Enregistrer mon mot de passe").click()
    portal.wait_for_url(re.compile(r"/espace/$"))
    assert "Anglais" in portal.locator("main").inner_text()


def test_chef_etablissement_screen(live_server, page, admin_log_in, screenshot, session_to_staff):
    head = UserFactory(username="chef.etablissement", role=roles.CHEFS_ETABLISSEMENT)
    SchoolHead.objects.create(user=head, school=session_to_staff["school"])
    admin_log_in(page, live_server, head, PASSWORD)
    page.get_by_role("link", name="Mon établissement").click()
    page.get_by_label("Personnel").first.select_option(label=str(session_to_staff["far"]))
    page.get_by_label("Type de mission").select_option(label="Correction de copies")
    page.get_by_label("Épreuve").fill("Philosophie")
    page.get_by_role("button", name="Ajouter la compétence").click()
    table = page.locator("table.listing").inner_text()
    assert session_to_staff["far"].full_name in table
    assert "Correction de copies — Philosophie" in table
    assert session_to_staff["near"].full_name not in table
    tall_screenshot(screenshot, page, "assignment-chef-etablissement")


def test_demo_tour__staff_the_demo_session_and_the_chef_etablissement_screen(
    live_server, page, admin_log_in, screenshot
):
    """The README's tour on the demo as `make run` seeds it."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from assignment import demo
    from missions.models import Session

    call_command("seed_demo", password=PASSWORD, missions=60, stdout=io.StringIO())
    session = Session.objects.get(name=demo.session_name(timezone.localdate()))
    users = get_user_model().objects
    admin_log_in(page, live_server, users.get(username="gestionnaire"), PASSWORD)
    page.goto(f"{live_server.url}/admin/affectation/")
    # The demo's session to staff is the one offered first.
    chosen = page.get_by_label("Session").locator("option:checked").inner_text()
    assert chosen.startswith(f"{session} — 15 besoin(s)")
    page.get_by_role("button", name="Ouvrir").click()
    page.get_by_role("button", name="Calculer une proposition").click()
    proposals = page.locator("table.listing tbody").inner_text()
    assert "Coût estimé" in proposals and "Candidat suivant" in proposals
    tall_screenshot(screenshot, page, "assignment-demo-proposals")

    chef = page.context.browser.new_context(locale="fr-FR").new_page()
    admin_log_in(chef, live_server, users.get(username=demo.CHEF_ETABLISSEMENT), PASSWORD)
    chef.get_by_role("link", name="Mon établissement").click()
    staff = AssignmentProfile.objects.filter(school__uai=demo.SCHOOL_UAI).select_related(
        "intervenant"
    )
    text = chef.locator("main").inner_text()
    assert staff and all(profile.intervenant.full_name in text for profile in staff)
    tall_screenshot(screenshot, chef, "assignment-demo-chef-etablissement")
