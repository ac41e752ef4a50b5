import io

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from wagtail.documents import get_document_model
from wagtail.models import Page

from home.models import ContactPage, ContactSettings, ContentPage, HomePage, SitemapPage
from regulations.models import (
    DocumentationIndexPage,
    DocumentationPage,
    FeeSimulatorPage,
    IntervenantRequestPage,
    RegulationIndexPage,
    RegulationPage,
)
from tests.home.factories import contact_page, content_page, home_page, sitemap_page

pytestmark = pytest.mark.django_db

PUBLIC_PAGE_TYPES = {
    HomePage,
    ContactPage,
    ContentPage,
    SitemapPage,
    RegulationIndexPage,
    RegulationPage,
    DocumentationIndexPage,
    DocumentationPage,
    IntervenantRequestPage,
    FeeSimulatorPage,
}


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_seed__creates_every_page_type_and_each_renders(client, public_site):
    pages = Page.objects.live().exclude(depth=1).specific()
    assert {type(page) for page in pages} == PUBLIC_PAGE_TYPES
    for page in pages:
        html = html_of(client, page.url)
        assert f"<h1>{page.title}</h1>" in html.replace("&#x27;", "'"), page.url


def test_seed__is_idempotent_for_pages_and_documents(public_site):
    pages, documents = Page.objects.count(), get_document_model().objects.count()
    call_command("seed_demo", missions=0, stdout=io.StringIO())
    assert Page.objects.count() == pages
    assert get_document_model().objects.count() == documents == 3


def test_footer_links__all_lead_to_real_pages(client, public_site):
    for url in [
        "/accessibilite/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/plan-du-site/",
    ]:
        html_of(client, url)


def test_home_page__explains_login_and_links_to_the_main_pages(client, public_site):
    html = html_of(client, "/")
    assert "À quoi sert IMAG'IN&nbsp;?" in html.replace("&#x27;", "'")
    assert "premier mot de passe" in html
    assert 'class="fr-btn fr-btn--lg fr-icon-account-circle-line" href="/espace/"' in html
    for url in [
        "/reglementation/frais-de-remuneration/",
        "/reglementation/frais-de-deplacement/",
        "/reglementation/se-faire-indemniser/",
        "/comment-ca-marche/",
        "/intervenant-exterieur/",
        "/contact/",
    ]:
        assert f'href="{url}"' in html, url


def test_contact_page__shows_the_site_setting(client):
    home = home_page()
    settings = ContactSettings.for_site(home.get_site())
    settings.phone, settings.email = "40 99 99 99", "dec-test@example.pf"
    settings.opening_hours = "Du lundi au vendredi, 8 h – 12 h"
    settings.save()
    page = contact_page(home)
    html = html_of(client, page.url)
    assert "Direction des examens, des certifications professionnelles et des concours" in html
    assert "25 avenue Pierre Loti" in html and "BP 1632" in html and "98713 Papeete" in html
    assert 'href="tel:40999999"' in html
    assert "dec-test@example.pf" in html
    assert "Du lundi au vendredi, 8 h – 12 h" in html


def test_content_page__renders_blocks_and_table_of_contents(client):
    page = content_page(
        body=[
            {"type": "heading", "value": {"text": "Éditeur", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Le Vice-rectorat.</p>"},
            {"type": "heading", "value": {"text": "Hébergement", "level": "h2"}},
            {
                "type": "callout",
                "value": {"tone": "warning", "title": "Attention", "text": "<p>Texte</p>"},
            },
            {
                "type": "accordion",
                "value": {
                    "title": "Questions",
                    "items": [{"question": "Pourquoi ?", "answer": "<p>Parce que.</p>"}],
                },
            },
        ]
    )
    html = html_of(client, page.url)
    assert '<h2 id="editeur" class="fr-mt-6w">Éditeur</h2>' in html
    assert 'class="fr-summary__link" href="#hebergement"' in html
    assert 'href="#questions"' in html
    assert "fr-alert--warning" in html
    assert "fr-accordion__btn" in html and "Parce que." in html


def test_sitemap_page__lists_the_tree(client, public_site):
    html = html_of(client, "/plan-du-site/")
    assert 'href="/reglementation/frais-de-deplacement/"' in html
    assert 'href="/comment-ca-marche/guide-chef-de-centre/"' in html


def test_breadcrumb__shows_ancestors_below_home(client, public_site):
    html = html_of(client, "/reglementation/frais-de-deplacement/")
    assert 'class="fr-breadcrumb"' in html
    assert '<a class="fr-breadcrumb__link" href="/reglementation/">Réglementation</a>' in html
    assert 'aria-current="page">Frais de déplacement</a>' in html


def test_search__finds_pages_by_their_body(client, public_site):
    html = html_of(client, "/recherche/?q=nuitée")
    assert 'href="/reglementation/frais-de-deplacement/"' in html
    assert "Aucun résultat" in html_of(client, "/recherche/?q=zzzyyyxxx")
    assert "Rechercher sur le site" in html_of(client, "/recherche/")


def test_sitemap_xml__lists_live_pages(client, public_site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "/reglementation/frais-de-remuneration/</loc>" in xml
    assert "/intervenant-exterieur/</loc>" in xml


def test_robots_txt__hides_admin_and_points_to_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_page_types__can_only_be_created_where_they_belong():
    home = home_page()
    assert not RegulationPage.can_create_at(home)
    assert not DocumentationPage.can_create_at(home)
    assert RegulationIndexPage.can_create_at(home)
    assert ContentPage.can_create_at(home)
    assert not ContentPage.can_create_at(Page.get_first_root_node())
    assert ContactPage.subpage_types == [] and RegulationPage.subpage_types == []


def test_sitemap_page__renders_without_the_seed(client):
    page = sitemap_page()
    content_page(title="Données personnelles", slug="donnees-personnelles")
    assert 'href="/donnees-personnelles/"' in html_of(client, page.url)


BOUNDED_URLS = [
    "/",
    "/reglementation/",
    "/reglementation/frais-de-remuneration/",
    "/reglementation/frais-de-deplacement/",
    "/comment-ca-marche/",
    "/comment-ca-marche/guide-intervenant/",
    "/intervenant-exterieur/",
    "/plan-du-site/",
    "/contact/",
    "/recherche/?q=frais",
]


def test_public_pages__render_with_a_bounded_number_of_queries(
    client, public_site, django_assert_max_num_queries
):
    for url in BOUNDED_URLS:
        client.get(url)  # warm the site-root cache, as any served request would
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200, url


def test_500_page__renders_without_database_or_context():
    html = render_to_string("500.html")
    assert "Erreur inattendue" in html and 'lang="fr"' in html


def test_admin__every_page_type_opens_in_the_editor(client, public_site):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="editrice", is_superuser=True, is_staff=True))
    for page in Page.objects.live().exclude(depth=1).specific():
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, type(page).__name__


def test_date_fr__writes_the_first_of_the_month_as_1er():
    import datetime

    from home.templatetags.site_tags import date_fr

    assert date_fr(datetime.date(2022, 1, 1)) == "1er janvier 2022"
    assert date_fr(datetime.date(2023, 9, 22)) == "22 septembre 2023"
    assert date_fr(None) == ""
