import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page, Site

from home.models import HomePage
from missions import roles

pytestmark = pytest.mark.django_db


def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_settings_are_french_in_tahiti(settings):
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Pacific/Tahiti"


def test_seed_demo__builds_site_and_one_account_per_role(demo_site):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    assert users.get(username="gestionnaire").groups.filter(name=roles.GESTIONNAIRES).exists()
    assert users.get(username="editeur").groups.filter(name=roles.EDITORS).exists()
    assert users.get(username="chef.centre").groups.filter(name=roles.CHEFS_DE_CENTRE).exists()
    chef_etablissement = users.get(username="chef.etablissement")
    assert chef_etablissement.groups.filter(name=roles.CHEFS_ETABLISSEMENT).exists()
    assert not users.get(username="PF000001").is_staff


def test_seed_demo__is_idempotent(demo_site):
    pages, users = Page.objects.count(), get_user_model().objects.count()
    call_command("seed_demo", missions=0, stdout=io.StringIO())
    assert Page.objects.count() == pages
    assert get_user_model().objects.count() == users
    assert Site.objects.count() == 1


def test_home_page__renders_with_dsfr_header_and_footer(client, demo_site):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "fr-header" in html
    assert "Vice-rectorat<br>de la Polynésie<br>française" in html
    assert "IMAG'IN" in html
    assert "25 avenue Pierre Loti" in html  # footer contact from the site setting
    assert 'lang="fr"' in html


def test_unknown_page__is_a_dsfr_404(client, demo_site):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_admin__login_page_is_served(client, demo_site):
    response = client.get("/admin/login/")
    assert response.status_code == 200


def test_roles__editors_can_edit_pages_gestionnaires_manage_missions(demo_site):
    users = get_user_model().objects
    editor = users.get(username="editeur")
    assert editor.has_perm("wagtailadmin.access_admin")
    home = Site.objects.get(is_default_site=True).root_page
    assert home.permissions_for_user(editor).can_edit()
    chef = users.get(username="chef.centre")
    assert not home.permissions_for_user(chef).can_edit()
