"""The portal's page cache (missions/portal/page_cache.py, portal_versions.py): what a cached
page serves (per-request CSRF token, messages, form errors, ownership), how few queries it
costs, and the checks that no model and no signal-less write escapes the versions.
The property test driving random writes is test_page_cache_properties.py."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session as DjangoSession
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.users.models import UserProfile

from imagin_site.common import page_cache as public_pages
from missions.enums import PartNature
from missions.models import MealLine, TravelLeg, WorkLine
from missions.portal import page_cache as portal_page_cache
from missions.portal.page_cache import CSRF_PLACEHOLDER
from missions.services import portal_versions
from tests.factories import commune
from tests.missions.portal.conftest import issued_mission

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def mission(alice, today):
    mission = issued_mission(alice)
    parts = {p.nature: p for p in mission.etat.parts.all()}
    WorkLine.objects.create(
        part=parts[PartNature.REMUNERATION], date=mission.start_date, quantity=12
    )
    TravelLeg.objects.create(
        part=parts[PartNature.TRAVEL],
        date=mission.start_date,
        from_commune=commune("Uturoa"),
        to_commune=commune("Papeete"),
        mode="avion",
        fare=20_000,
    )
    MealLine.objects.create(part=parts[PartNature.TRAVEL], date=mission.start_date)
    return mission


def page(client, mission=None, **params):
    url = reverse("portal:mission", args=[mission.pk]) if mission else reverse("portal:missions")
    return client.get(url, params)


# Serving


def test_cached_page__carries_this_requests_csrf_token(alice, mission):
    first = Client(enforce_csrf_checks=True)
    first.force_login(alice.user)
    assert page(first, mission).status_code == 200  # stored
    second = Client(enforce_csrf_checks=True)  # another session: another CSRF secret
    second.force_login(alice.user)
    html = page(second, mission).content.decode()
    assert CSRF_PLACEHOLDER not in html
    token = TOKEN.findall(html)[-1]
    response = second.post(
        reverse("portal:add_line", args=[mission.pk, "travail"]),
        {"csrfmiddlewaretoken": token, "travail-date": "2026-06-16", "travail-quantity": "3"},
    )
    # Not 403: the token was this session's, not the first's; the saved line's page answers.
    assert response.status_code == 200
    assert WorkLine.objects.filter(quantity=3).exists()


def test_message_after_a_save__shown_once_and_page_up_to_date(client, alice, mission):
    client.force_login(alice.user)
    page(client, mission)
    response = client.post(
        reverse("portal:add_line", args=[mission.pk, "travail"]),
        {"travail-date": "2026-06-16", "travail-quantity": "7"},
        follow=True,
    )
    html = response.content.decode()
    assert "Ligne ajoutée ; les montants sont recalculés." in html
    assert "7 copies" in html
    again = page(client, mission).content.decode()
    assert "Ligne ajoutée" not in again
    assert "7 copies" in again


def test_form_with_errors__never_stored(client, alice, mission):
    client.force_login(alice.user)
    page(client, mission)
    response = client.post(
        reverse("portal:add_line", args=[mission.pk, "travail"]),
        {"travail-date": "2026-06-16", "travail-quantity": "-3"},
    )
    assert response.status_code == 400
    assert "ne peut pas être négative" in response.content.decode()
    html = page(client, mission).content.decode()
    assert "ne peut pas être négative" not in html
    assert 'value="-3"' not in html


def test_cached_page__another_intervenant_still_gets_404(client, alice, bruno, mission):
    client.force_login(alice.user)
    assert page(client, mission).status_code == 200
    client.force_login(bruno.user)
    assert page(client, mission).status_code == 404
    assert "Philosophie" not in page(client).content.decode()


def test_cached_page__mission_moved_to_another_intervenant__404_at_once(
    client, alice, bruno, mission
):
    # A stored page is served without asking the database whether it is still Alice's: the
    # move must renew her versions, in the shared cache and in this process's memory alike.
    client.force_login(alice.user)
    assert page(client, mission).status_code == 200
    assert page(client, mission).status_code == 200  # from memory now
    mission.intervenant = bruno
    mission.save()
    assert page(client, mission).status_code == 404
    assert "Philosophie" not in page(client).content.decode()


def test_page_in_memory__another_process_write_shows_at_the_next_request(client, alice, mission):
    """Another app server's write: rows changed without this process's signals, and the
    version it renewed in the shared cache. The copy this process keeps must not be served."""
    client.force_login(alice.user)
    page(client, mission)
    assert "Philosophie" in page(client, mission).content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE missions_mission SET epreuve = %s WHERE id = %s", ["Géographie", mission.pk]
        )
    cache.set(portal_versions.person_key(alice.pk), "renewed-by-another-process", None)
    html = page(client, mission).content.decode()
    assert "Géographie" in html and "Philosophie" not in html


def test_list_filters__each_its_own_entry(client, alice, mission):
    client.force_login(alice.user)
    assert "Philosophie" in page(client).content.decode()
    filtered = page(client, session=mission.session_id + 1000).content.decode()
    assert "ne correspond à ces filtres" in filtered
    assert "Philosophie" in page(client).content.decode()


def test_cache_off__same_page(client, alice, mission):
    client.force_login(alice.user)
    cached = [page(client, mission).content, page(client, mission).content]
    with override_settings(PORTAL_CACHE_SECONDS=0):
        fresh = page(client, mission).content
    assert normalised(cached[1]) == normalised(fresh) == normalised(cached[0])


@pytest.mark.parametrize("with_mission", [False, True])
def test_pages__without_the_templates_indentation_and_the_same_words(
    client, alice, mission, with_mission, monkeypatch
):
    client.force_login(alice.user)
    shown = mission if with_mission else None
    lighter = page(client, shown).content
    page(client, shown)  # and its hit
    monkeypatch.setattr(portal_page_cache, "collapse_text", lambda html: html)
    portal_versions.bump_intervenants([alice.pk])
    indented = page(client, shown).content
    assert len(lighter) < 0.9 * len(indented)
    text = re.sub(rb"<[^>]*>", b"<>", lighter)  # tags themselves are left as is
    assert not re.search(rb"\n[ \t\n]", text)
    words = [
        re.sub(rb"<[^>]*>", b" ", TOKEN.sub("", c.decode()).encode()).split()
        for c in (lighter, indented)
    ]
    assert words[0] == words[1]


def normalised(content):
    return TOKEN.sub("", content.decode())


# Queries


@pytest.mark.parametrize("with_mission", [False, True])
def test_queries__cached_and_uncached_pages_bounded(
    client, alice, mission, with_mission, django_assert_max_num_queries
):
    client.force_login(alice.user)
    target = mission if with_mission else None
    page(client, target)  # menu and rates loaded; the contact settings row created
    page(client, target)  # stored (the row's creation renewed the site's generation)
    with override_settings(PORTAL_CACHE_SECONDS=0), django_assert_max_num_queries(14):
        assert page(client, target).status_code == 200
    # From the cache: the session, the user with the intervenant (ownership: see below).
    with django_assert_max_num_queries(2):
        assert page(client, target).status_code == 200


# No model, no write path forgotten


def missions_models():
    return [
        model
        for model in apps.get_app_config("missions").get_models()
        if not model.__name__.startswith("Historical")  # django-simple-history's audit rows
    ]


def test_every_missions_model__classified_for_the_portal_cache():
    """A new model of `missions` must be declared: shown to one intervenant (PERSONAL),
    shown to many (REFERENCE) or not shown (NOT_SHOWN, with the reason)."""
    lists = (
        set(portal_versions.PERSONAL),
        portal_versions.REFERENCE,
        set(portal_versions.NOT_SHOWN),
    )
    for model in missions_models():
        found = [names for names in lists if model.__name__ in names]
        assert len(found) == 1, f"{model.__name__}: à classer dans portal_versions.py"


def receivers(signal, model):
    return list(signal._live_receivers(model)[0])  # the synchronous receivers


@pytest.mark.parametrize("signal", [post_save, post_delete])
def test_every_shown_model__bumps_on_save_and_delete(signal):
    for model in missions_models():
        name = model.__name__
        if name in portal_versions.PERSONAL:
            assert portal_versions._personal_changed in receivers(signal, model), name
        elif name in portal_versions.REFERENCE:
            assert portal_versions._reference_changed in receivers(signal, model), name


def tables_read(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    return set(re.findall(r'(?:FROM|JOIN) "([a-z0-9_]+)"', sql))


@override_settings(PORTAL_CACHE_SECONDS=0)
def test_every_table_a_portal_page_reads__renews_a_version(client, alice, mission):
    """Each table read by a fresh rendering belongs to a model whose writes renew one of
    the versions the cached page is stored under."""
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    client.force_login(alice.user)
    read = tables_read(client, reverse("portal:missions"))
    read |= tables_read(client, reverse("portal:mission", args=[mission.pk]))
    assert {"missions_travelleg", "missions_commune", "missions_feepart"} <= read
    # Who is asking, not what is shown: the account, read with its Wagtail profile (admin
    # settings, on no portal page: missions/auth_backend.py), and the session.
    per_request = {get_user_model(), UserProfile, DjangoSession}
    for table in sorted(read):
        model = by_table[table]
        if model in per_request or model._meta.auto_created:
            continue
        bumped = receivers(post_save, model)
        assert (
            portal_versions._personal_changed in bumped
            or portal_versions._reference_changed in bumped
            or public_pages.invalidate in bumped
        ), f"{table} : aucune version du cache du portail n'est renouvelée par ses écritures"


# Writes that send no signal: each module doing one renews the versions itself, or says here
# why what it writes is on no portal page.
SIGNAL_LESS_WRITE = re.compile(
    r"objects\.[^#\n]*\.(update|bulk_create|bulk_update)\(|objects\.(bulk_create|bulk_update)\("
    r"|queryset\.update\(|bulk_update_with_history\(|copy_rows\(|update_rows\(|\.raw\("
    r"|cursor\.execute\("
)
NOT_ON_PORTAL_PAGES = {
    "missions/services/convocation_runs.py": "progress of the run and its PDFs; the missions "
    "are issued by services/convocations.py, which renews",
    "missions/io/payment_files.py": "payment lines of a sealed batch",
    "missions/models/missions.py": "the parts' copies of the mission's session and centre, "
    "in Mission.save(), whose own signal renews the intervenant's pages",
    "missions/services/notifications.py": "e-mails and the reminder date",
    "missions/io/bulk_sql.py": "helpers: their caller (bulk_import.py) renews",
    "missions/io/exports.py": "reads only (a SET LOCAL of the export's transaction)",
    "missions/backoffice/two_factor.py": "staff OTP devices",
    "missions/auth_backend.py": "reads only (the per-request user lookup's SELECT)",
    "assignment/services/runs.py": "solver runs",
    "assignment/services/proposals.py": "assignment proposals",
    "assignment/admin_views.py": "pinning a proposal",
    "regulations/models/requests.py": "reference of a public request",
    "missions/demo/builder.py": "demo data: its caller, missions/demo/seed.py, renews",
    "missions/demo/accounts.py": "demo data: its caller, missions/demo/seed.py, renews",
    "assignment/demo.py": "demo needs, competences and unavailability: none is on a cached "
    "portal page (the unavailability page is rendered each time)",
}


def test_every_signal_less_write__renews_the_portal_versions():
    unexplained = []
    for app in ("missions", "assignment", "regulations", "home"):
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if "/migrations/" in relative or "/tests/" in relative:
                continue
            text = path.read_text(encoding="utf-8")
            if not SIGNAL_LESS_WRITE.search(text) or relative in NOT_ON_PORTAL_PAGES:
                continue
            if "portal_versions" not in text:
                unexplained.append(relative)
    assert unexplained == [], "écritures sans signal ni renouvellement du cache du portail"
