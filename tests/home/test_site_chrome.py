"""The menu and footer contact kept per process for the current content generation: a
logged-in page runs no query for them, and an edit shows on the very next page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page

from home.models import ContactSettings
from regulations.models import DocumentationPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def intervenant_client(client, demo_site):
    from missions.models import Intervenant

    person = Intervenant.objects.filter(user__isnull=False).first()
    if person is None:
        from tests.factories import IntervenantFactory

        person = IntervenantFactory()
    client.force_login(person.user)
    return client


def portal_page(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:missions"))
    assert response.status_code == 200
    return response.content.decode(), queries


def test_portal_pages_reuse_the_menu_and_contact(intervenant_client):
    portal_page(intervenant_client)
    page, queries = portal_page(intervenant_client)
    assert "Réglementation" in page  # a menu entry
    assert not [q for q in queries if "wagtailcore_site" in q["sql"]]
    assert not [q for q in queries if "home_contactsettings" in q["sql"]]
    assert not [q for q in queries if "wagtailcore_page" in q["sql"]]


def test_publishing_a_menu_page_shows_on_the_next_portal_page(intervenant_client):
    portal_page(intervenant_client)
    root = Page.objects.get(depth=2)
    page = DocumentationPage(title="Foire aux questions", slug="faq-test", show_in_menus=True)
    root.add_child(instance=page)
    page.save_revision().publish()

    html, _ = portal_page(intervenant_client)
    assert "Foire aux questions" in html

    page.unpublish()
    html, _ = portal_page(intervenant_client)
    assert "Foire aux questions" not in html


def test_changing_the_contact_shows_on_the_next_portal_page(intervenant_client):
    portal_page(intervenant_client)
    contact = ContactSettings.objects.get()
    contact.phone = "40 99 99 99"
    contact.save()
    html, _ = portal_page(intervenant_client)
    assert "40 99 99 99" in html
