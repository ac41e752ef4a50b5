"""The page cache of the public site (imagin_site/common/page_cache.py): what is served from it,
what never is, and that every kind of edit shows at the next anonymous request."""

import datetime
import gzip
import io
import re
import zlib
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from home.models import ContactPage, ContactSettings, HomePage
from imagin_site.common import page_cache
from missions.models import Rate
from regulations.models import (
    DocumentationPage,
    IntervenantRequestPage,
    RegulationIndexPage,
    RegulationPage,
)
from tests.factories import IntervenantFactory, UserFactory
from tests.regulations.factories import valid_form_data

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
]


def queries_of(client, url, **extra):
    """The response and the number of SQL queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def public_urls():
    pages = [
        HomePage.objects.get(),
        RegulationPage.objects.live().first(),
        DocumentationPage.objects.live().first(),
        ContactPage.objects.get(),
        Page.objects.get(slug="mentions-legales"),
    ]
    return [page.url for page in pages]


def test_public_pages__the_second_anonymous_request_runs_no_query(
    client, public_site, django_assert_num_queries
):
    for url in [*public_urls(), "/plan-du-site/", "/recherche/", "/sitemap.xml"]:
        first = client.get(url)
        assert first.status_code == 200, url
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200
        assert second.content == first.content, url


def test_hit__from_this_process_memory_under_the_shared_generation(
    client, public_site, monkeypatch
):
    """A hit reads only the generation from the shared cache; a generation renewed by
    another app server (a publish there) makes this process render the page again."""
    client.get("/")
    read = []
    original_get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **kw: read.append(key) or original_get(key, *a, **kw)
    )
    assert client.get("/").status_code == 200
    assert read == [page_cache.GENERATION_KEY]
    HomePage.objects.filter(pk=HomePage.objects.get().pk).update(title="Accueil (autre serveur)")
    cache.set(page_cache.GENERATION_KEY, "renewed-by-another-process", None)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert len(queries) > 0  # rendered again, not served from memory


def test_stored_pages__without_the_templates_indentation_for_the_miss_and_the_hits(
    client, public_site
):
    for url in public_urls():
        fresh = client.get(url + "?fresh=1")  # a query string: rendered, never stored
        miss = client.get(url)
        hit, queries = queries_of(client, url)
        assert queries == 0
        assert hit.content == miss.content, url
        assert len(hit.content) < 0.9 * len(fresh.content), url
        assert hit["Content-Length"] == str(len(hit.content))
        text = re.sub(rb"<[^>]*>", b"<>", hit.content)  # tags themselves are left as is
        assert not re.search(rb"\n[ \t\n]", text), url
        # The same words in the same order: only whitespace went (ids differ per rendering).
        words = [re.sub(rb"<[^>]*>", b" ", r.content).split() for r in (hit, fresh)]
        assert words[0] == words[1], url


def test_hit__carries_an_etag_computed_once(client, public_site):
    first = client.get("/")
    second = client.get("/")
    assert first["ETag"] == second["ETag"]
    assert client.get("/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_hit_and_miss__carry_the_same_headers(client, public_site, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    url = RegulationPage.objects.live().first().url
    miss = client.get(url, secure=True)
    hit, queries = queries_of(client, url, secure=True)
    assert queries == 0
    assert dict(hit.headers) == dict(miss.headers)
    for header in SECURITY_HEADERS:
        assert hit[header], header


def test_public_csp__scripts_from_self_only_without_nonce(client, public_site):
    for _ in range(2):  # miss, then hit
        response = client.get("/")
        script_src = re.search(r"script-src ([^;]*)", response["Content-Security-Policy"])
        assert script_src.group(1).strip() == "'self'"
        html = response.content.decode()
        assert "nonce" not in html and "nonce" not in response["Content-Security-Policy"]
        # DSFR's scripts and ours are files, and no inline script is left to need a nonce.
        scripts = re.findall(r"<script[^>]*>", html)
        assert len(scripts) == 3 and all(" src=" in tag for tag in scripts)


def test_a_page_that_used_a_nonce__is_not_stored():
    from csp.middleware import CSPMiddleware

    request = RequestFactory().get("/")
    CSPMiddleware(lambda r: HttpResponse()).process_request(request)
    assert page_cache.is_cacheable_response(request, HttpResponse("page"))
    str(request.csp_nonce)
    assert not page_cache.is_cacheable_response(request, HttpResponse("page"))


def test_publish__the_next_anonymous_request_shows_the_new_content(client, public_site):
    page = RegulationPage.objects.live().first()
    assert "Nouveau titre publié" not in client.get(page.url).content.decode()
    assert "Nouveau titre publié" not in client.get("/plan-du-site/").content.decode()

    page.title = "Nouveau titre publié"
    page.save_revision().publish()

    assert "Nouveau titre publié" in client.get(page.url).content.decode()
    # Every page changes with the tree (menus, breadcrumbs, sitemap), not only this one.
    assert "Nouveau titre publié" in client.get("/plan-du-site/").content.decode()


def test_move__the_sitemap_follows_at_the_next_request(client, public_site):
    index = RegulationIndexPage.objects.get()
    first, *_, last = index.get_children().specific()
    html = client.get("/plan-du-site/").content.decode()
    assert html.index(first.title) < html.index(last.title)

    last.move(index, pos="first-child")

    html = client.get("/plan-du-site/").content.decode()
    assert html.index(last.title) < html.index(first.title)


def test_clear_page_cache_command__drops_every_page(client, public_site):
    client.get("/")
    call_command("clear_page_cache", stdout=io.StringIO())
    assert queries_of(client, "/")[1] > 0


def test_draft__is_not_shown_to_anonymous_visitors(client, public_site):
    page = RegulationPage.objects.live().first()
    client.get(page.url)
    page.title = "Brouillon non publié"
    page.save_revision()
    assert "Brouillon non publié" not in client.get(page.url).content.decode()


def test_unpublish_in_the_admin__the_page_is_gone_at_the_next_request(client, public_site):
    page = DocumentationPage.objects.live().first()
    anonymous = Client()
    assert anonymous.get(page.url).status_code == 200
    assert anonymous.get(page.url).status_code == 200  # now cached

    client.force_login(UserFactory(username="editrice", is_superuser=True, is_staff=True))
    response = client.post(f"/admin/pages/{page.pk}/unpublish/")
    assert response.status_code == 302

    assert anonymous.get(page.url).status_code == 404


def test_contact_settings_edited_in_the_admin__show_in_every_footer(client, public_site):
    anonymous = Client()
    contact_url = ContactPage.objects.get().url
    for url in ["/", contact_url]:
        anonymous.get(url)
    settings_row = ContactSettings.for_default_site()

    client.force_login(UserFactory(username="editrice", is_superuser=True, is_staff=True))
    response = client.post(
        f"/admin/settings/home/contactsettings/{settings_row.site_id}/",
        {
            "organisation": settings_row.organisation,
            "service": settings_row.service,
            "address": settings_row.address,
            "phone": "40 99 99 99",
            "email": "examens@example.pf",
            "opening_hours": settings_row.opening_hours,
        },
    )
    assert response.status_code == 302

    for url in ["/", contact_url]:
        assert "40 99 99 99" in anonymous.get(url).content.decode(), url


def test_rate_change__shows_at_the_next_request(client, rate_page):
    rate, page = rate_page
    assert "111,11\u00a0XPF" in client.get(page.url).content.decode()
    rate.amount = Decimal("222.22")
    rate.save()
    assert "222,22\u00a0XPF" in client.get(page.url).content.decode()

    rate.activity.name = "Correction renommée"
    rate.activity.save()
    assert "Correction renommée" in client.get(page.url).content.decode()

    rate.delete()
    assert "222,22\u00a0XPF" not in client.get(page.url).content.decode()


def test_rate_valid_from_tomorrow__shows_tomorrow(client, rate_page, monkeypatch):
    rate, page = rate_page
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    Rate.objects.create(
        activity=rate.activity, rate_group=rate.rate_group, amount=Decimal("333.33"),
        valid_from=tomorrow,
    )  # fmt: skip
    assert "333,33\u00a0XPF" not in client.get(page.url).content.decode()
    assert "333,33\u00a0XPF" not in client.get(page.url).content.decode()  # cached today

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "333,33\u00a0XPF" in client.get(page.url).content.decode()


def test_logged_in_users__are_never_served_nor_stored(client, public_site):
    Client().get("/")  # an anonymous visit stores the home page
    client.force_login(UserFactory(username="editrice", is_superuser=True, is_staff=True))
    for _ in range(2):
        response, queries = queries_of(client, "/")
        assert response.status_code == 200 and queries > 0

    # Nothing they saw was stored: an anonymous visitor renders the page afresh.
    cache.clear()
    client.get("/")
    assert queries_of(Client(), "/")[1] > 0


def test_any_session_cookie__bypasses_the_cache(public_site):
    anonymous = Client()
    anonymous.get("/")
    anonymous.cookies[settings.SESSION_COOKIE_NAME] = "expired-or-forged"
    assert queries_of(anonymous, "/")[1] > 0
    del anonymous.cookies[settings.SESSION_COOKIE_NAME]
    anonymous.cookies["messages"] = "a-flash-message"
    assert queries_of(anonymous, "/")[1] > 0


def test_portal_and_admin__are_never_cached(client, public_site):
    intervenant = IntervenantFactory()
    client.force_login(intervenant.user)
    assert client.get("/espace/").status_code == 200
    staff = Client()
    staff.force_login(UserFactory(username="editrice", is_superuser=True, is_staff=True))
    staff.get("/admin/")

    anonymous = Client()
    assert anonymous.get("/espace/").status_code == 302
    assert anonymous.get("/admin/").status_code == 302


def test_search_results_404s_and_query_strings__are_not_cached(client, public_site):
    for url in ["/recherche/?q=taux", "/?utm_source=courriel", "/page-inexistante/"]:
        client.get(url)
        assert queries_of(client, url)[1] > 0, url


TOKEN_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def submit_request_form(browser, url, html):
    token = TOKEN_FIELD.search(html).group(1)
    return browser.post(url, {**valid_form_data(), "csrfmiddlewaretoken": token})


def test_request_form__cached_without_tokens__each_visitor_gets_a_working_one(
    public_site, mailoutbox
):
    page = IntervenantRequestPage.objects.get()
    first = Client(enforce_csrf_checks=True)
    response, queries = queries_of(first, page.url)
    assert queries > 0
    first_token = TOKEN_FIELD.search(response.content.decode()).group(1)
    # Nobody's token is stored: the shared copy holds a placeholder.
    stored = [entry for entry in cache._cache.values() if b"csrf-placeholder" in entry]
    assert stored and not any(first_token.encode() in entry for entry in stored)

    second = Client(enforce_csrf_checks=True)  # a new visitor, without a CSRF cookie
    response, queries = queries_of(second, page.url)
    assert queries == 0
    assert settings.CSRF_COOKIE_NAME in response.cookies
    html = response.content.decode()
    assert "csrf-placeholder" not in html and first_token not in html
    # Never a 304: a browser must not keep a page whose token may have gone stale.
    assert second.get(page.url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200
    posted = submit_request_form(second, page.url, html)
    assert posted.status_code == 302 and "confirmation" in posted["Location"]
    # The confirmation shows this visitor's reference (session cookie): never stored for others.
    confirmation_url = posted["Location"]
    assert "DEM-" in second.get(confirmation_url).content.decode()
    assert Client().get(confirmation_url).status_code == 302


def test_request_form__a_visitor_with_a_csrf_cookie_keeps_it(public_site, mailoutbox):
    page = IntervenantRequestPage.objects.get()
    Client().get(page.url)  # stored
    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/")  # no cookie yet
    visitor.get(page.url)  # a hit that sets one
    cookie = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    response, queries = queries_of(visitor, page.url)
    assert queries == 0
    assert visitor.cookies[settings.CSRF_COOKIE_NAME].value == cookie
    posted = submit_request_form(visitor, page.url, response.content.decode())
    assert posted.status_code == 302


def test_form_page__not_stored_when_a_token_is_outside_the_hidden_field():
    html = (
        b'<form><input type="hidden" name="csrfmiddlewaretoken" value="abc"></form>'
        b'<script>var csrfmiddlewaretoken = "abc";</script>'
    )
    assert page_cache._template(html) is None
    assert page_cache._template(html.split(b"<script>")[0]) is not None


def test_cache_outage__pages_are_served_uncached(client, public_site, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(page_cache, "fetch", broken)
    assert client.get("/").status_code == 200


GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}  # what browsers send


def forbid_compression(monkeypatch):
    """From now on, compressing anything fails the test (GZipMiddleware and gzip_splice both
    go through these)."""

    def compressing(*args, **kwargs):
        raise AssertionError("compressed at the request")

    monkeypatch.setattr(zlib, "compress", compressing)
    monkeypatch.setattr(zlib, "compressobj", compressing)


def test_gzip_hit__compressed_once_when_stored__the_same_page_and_validators(
    client, public_site, monkeypatch
):
    """A browser's hit gets the stored page compressed when it was stored: the same bytes
    once unzipped, a weak ETag (as GZipMiddleware gives), a 304 for it, and no compression
    at the request."""
    for url in public_urls():
        plain_miss = client.get(url)
        forbid_compression(monkeypatch)
        plain, queries = queries_of(client, url)
        zipped, zipped_queries = queries_of(client, url, **GZIP)
        monkeypatch.undo()
        assert queries == zipped_queries == 0
        assert plain.content == plain_miss.content
        assert zipped["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.content) == plain.content, url
        assert zipped["Content-Length"] == str(len(zipped.content))
        assert len(zipped.content) < len(plain.content) / 3
        assert zipped["ETag"] == "W/" + plain["ETag"]
        assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in zipped["Vary"]
        assert "Content-Encoding" not in plain
        revalidated = client.get(url, HTTP_IF_NONE_MATCH=zipped["ETag"], **GZIP)
        assert revalidated.status_code == 304


def test_gzip_miss__compressed_as_before(client, public_site):
    response = client.get("/", **GZIP)  # the miss: GZipMiddleware compresses it
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == client.get("/").content


def test_request_form_gzip_hit__fresh_tokens_in_a_body_compressed_once(
    public_site, mailoutbox, monkeypatch
):
    page = IntervenantRequestPage.objects.get()
    Client().get(page.url)  # stored
    Client().get(page.url, **GZIP)  # this process compresses the fixed parts once
    forbid_compression(monkeypatch)
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    responses = [queries_of(visitor, page.url, **GZIP) for visitor in visitors]
    monkeypatch.undo()
    bodies = []
    for response, queries in responses:
        assert queries == 0
        assert response["Content-Encoding"] == "gzip"
        assert response["Content-Length"] == str(len(response.content))
        assert settings.CSRF_COOKIE_NAME in response.cookies
        bodies.append(gzip.decompress(response.content).decode())
    tokens = [TOKEN_FIELD.search(body).group(1) for body in bodies]
    assert tokens[0] != tokens[1] and "csrf-placeholder" not in bodies[0]
    # Same size whatever the token: it is stored, not compressed (nothing to learn, BREACH).
    assert len(responses[0][0].content) == len(responses[1][0].content)
    plain = Client().get(page.url)
    assert len(gzip.decompress(responses[0][0].content)) == len(plain.content)
    posted = submit_request_form(visitors[1], page.url, bodies[1])
    assert posted.status_code == 302 and "confirmation" in posted["Location"]


def test_client_without_gzip__plain_hit_and_nothing_else_changed(client, public_site):
    client.get("/")
    hit = client.get("/")
    assert "Content-Encoding" not in hit
    assert "Accept-Encoding" in hit["Vary"]
