"""Every staff and portal page reachable by each role, on the seeded demo, reads as French:
no English word of the admin chrome we own, no raw "None", no broken elision (issue 14)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from missions.models import Intervenant
from tests.crawl import crawl, defects

ROLES = {
    "admin": ["/admin/"],
    "gestionnaire": ["/admin/"],
    "editeur": ["/admin/"],
    "chef.centre": ["/admin/", "/admin/service-fait/"],
    "chef.etablissement": ["/admin/", "/admin/etablissement/"],
    "intervenant": ["/espace/", "/espace/dossier/", "/espace/indisponibilites/"],
}
ANONYMOUS_PAGES = ["/admin/login/", "/espace/connexion/"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module and rolled back after it (each test runs in a
    savepoint inside this transaction)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", password="demo-password", missions=60, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def user_of(role):
    if role == "intervenant":
        return Intervenant.objects.get(identifier="PF000001").user
    return get_user_model().objects.get(username=role)


def report(pages):
    problems = [f"{url}: {d}" for url, (_, text) in pages.items() for d in defects(text)]
    errors = [f"{url}: HTTP {status}" for url, (status, _) in pages.items() if status >= 500]
    return problems + errors


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_each_role_reads_as_french(demo, db, client, role):
    client.force_login(user_of(role))
    pages = crawl(client, ROLES[role])
    reached = [url for url, (status, _) in pages.items() if status == 200]
    assert len(reached) >= 3, pages
    problems = report(pages)
    assert problems == [], "\n".join(problems)


def test_login_pages_read_as_french(demo, db, client):
    pages = crawl(client, ANONYMOUS_PAGES, per_pattern=1, limit=len(ANONYMOUS_PAGES))
    assert [status for status, _ in pages.values()] == [200] * len(ANONYMOUS_PAGES), pages
    problems = report(pages)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "text",
    [
        "Issued by None",
        "Masked iban",
        "Actuellement : rib.pdf Effacer",
        "Correction de copies (à l'copie)",
        "Il n'y a pas de entrées de journal",
        "Password",
        "Accueil Fragments Missions",
    ],
)
def test_defects__finds_each_class(text):
    assert defects(text)


@pytest.mark.parametrize(
    "text",
    [
        "Surveillance et aide au déroulement des épreuves",
        "Collège de Uturoa, Lycée d'Uturoa",
        "Correction de copies (unité : copie)",
        "Effacer ce choix",
        "Nonette est une commune",
    ],
)
def test_defects__passes_correct_french(text):
    assert defects(text) == []
