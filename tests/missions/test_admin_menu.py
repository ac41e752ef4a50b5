"""The staff menu per role: grouped by task, one entry per task, nothing a role cannot
use, labels the sidebar shows whole (issue 14)."""

from collections import Counter

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu

from missions.backoffice.menu import MAX_LABEL, MAX_SUBMENU_LABEL
from tests.factories import UserFactory, chef_de_centre, gestionnaire

pytestmark = pytest.mark.django_db


def menu_of(user):
    reverse("wagtailadmin_home")  # loads the admin URLs, which register the viewsets' items
    request = RequestFactory().get("/admin/")
    request.user = user
    tree = {}
    for item in sorted(admin_menu.menu_items_for_request(request), key=lambda i: i.order):
        submenu = getattr(item, "menu", None)
        children = submenu.menu_items_for_request(request) if submenu else []
        tree[item.label] = [(child.label, getattr(child, "url", "")) for child in children] or [
            (item.label, item.url)
        ]
    return tree


def urls(tree):
    return [url for children in tree.values() for _, url in children if url.startswith("/")]


def test_gestionnaire__menu_grouped_by_task_without_duplicates():
    tree = menu_of(gestionnaire())
    assert list(tree)[:6] == [
        "Préparer", "Affecter", "Suivre", "Contrôler", "Mises en paiement", "Référentiels",
    ]  # fmt: skip
    assert {label for label, _ in tree["Affecter"]} >= {
        "Proposer une affectation", "Besoins", "Compétences", "Indisponibilités",
    }  # fmt: skip
    assert {label for label, _ in tree["Préparer"]} >= {
        "Sessions", "Centres d'épreuves", "Intervenants", "Missions", "Importer", "Convocations",
    }  # fmt: skip
    labels = [label for children in tree.values() for label, _ in children]
    assert not [label for label, n in Counter(labels).items() if n > 1]
    assert not [url for url, n in Counter(urls(tree)).items() if n > 1]
    # Payments and service fait once each; no "Fragments"/"Données" list of snippet types.
    assert "Lots de mise en paiement" not in labels
    assert "Attestations de service fait" not in labels
    assert not {"Fragments", "Données"} & set(labels)


@pytest.mark.parametrize("role", ["gestionnaire", "chef", "editeur", "admin"])
def test_every_label_is_shown_whole(role):
    users = {
        "gestionnaire": gestionnaire,
        "chef": chef_de_centre,
        "editeur": lambda: UserFactory(role="Éditeurs"),
        "admin": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    tree = menu_of(users[role]())
    for group, children in tree.items():
        assert len(group) <= MAX_LABEL, group
        for label, url in children:
            if url.startswith("/") and not url.startswith("/admin/reports/"):  # Wagtail's
                assert len(label) <= MAX_SUBMENU_LABEL, label


def test_chef_de_centre__sees_only_service_fait_and_their_missions():
    tree = menu_of(chef_de_centre())
    assert set(urls(tree)) == {
        "/admin/snippets/missions/mission/",
        "/admin/service-fait/",
        "/admin/snippets/missions/feepart/",
    }


def test_editeur__sees_pages_documents_and_contact_settings_only():
    tree = menu_of(UserFactory(role="Éditeurs"))
    assert "Préparer" not in tree and "Mises en paiement" not in tree
    assert "/admin/settings/home/contactsettings/" in urls(tree)
    assert "/admin/pages/" in urls(tree)


def test_every_role_opens_every_entry_of_its_menu(client):
    for user in (gestionnaire(), chef_de_centre()):
        client.force_login(user)
        for url in urls(menu_of(user)):
            assert client.get(url).status_code == 200, (user, url)


def test_no_gravatar_image(client):
    client.force_login(gestionnaire())
    assert "gravatar" not in client.get("/admin/").content.decode()
