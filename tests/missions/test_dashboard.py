"""The staff dashboard panels: figures per session and status, who must act, overdue
entries, the SVG chart, the chef de centre's panel, and a bounded number of queries."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from missions.backoffice.views import dashboard, dashboard_charts
from missions.enums import PartNature, PartStatus
from missions.models import Activity, EtatDeFrais, FeePart
from tests.conftest import VerifiedClient
from tests.factories import (
    CentreFactory,
    MissionFactory,
    SessionFactory,
    UserFactory,
    chef_de_centre,
    commune,
    gestionnaire,
    parts_for,
)

pytestmark = pytest.mark.django_db

S = PartStatus
R, D = PartNature.REMUNERATION, PartNature.TRAVEL
HOME = "/admin/"


def with_amounts(mission, status, remuneration=0, travel=0):
    work, trip = parts_for(mission, status=status)
    FeePart.objects.filter(pk=work.pk).update(amount=remuneration)
    FeePart.objects.filter(pk=trip.pk).update(amount=travel)
    return work, trip


def text(html):
    return " ".join(html.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture
def session():
    return SessionFactory(name="Bac 2026, session de juin")


def test_session_overview__count_and_amount_by_status_and_nature(session):
    for _ in range(3):
        with_amounts(MissionFactory(session=session), S.CONTROLLED, 22076, 18616)
    with_amounts(MissionFactory(session=session), S.TO_ENTER)
    with_amounts(MissionFactory(session=session), S.PAID, 7446, 0)

    [overview] = dashboard.session_overviews([session], {})

    rows = {row.status: {n: (c.count, c.total) for n, c, _ in row.columns} for row in overview.rows}
    assert rows == {
        S.TO_ENTER: {R: (1, 0), D: (1, 0)},
        S.CONTROLLED: {R: (3, 66228), D: (3, 55848)},
        S.PAID: {R: (1, 7446), D: (1, 0)},
    }
    assert [row.status for row in overview.rows] == [S.TO_ENTER, S.CONTROLLED, S.PAID]
    totals = {nature: (cell.count, cell.total) for nature, cell in overview.totals}
    assert totals == {R: (5, 73674), D: (5, 55848)}


def test_session_overview__who_must_act(session):
    for status, count in [(S.TO_ENTER, 2), (S.TO_CORRECT, 1), (S.VALIDATED_BY_INTERVENANT, 3),
                          (S.SERVICE_FAIT, 1), (S.CONTROLLED, 2), (S.PAID, 4)]:  # fmt: skip
        for _ in range(count):
            parts_for(MissionFactory(session=session), status=status)

    [overview] = dashboard.session_overviews([session], {})

    # Both parts of each mission count.
    assert {key: count for key, _, _, count, _ in overview.waiting} == {
        "intervenant": 6, "centre": 6, "dec": 6}  # fmt: skip


def test_overdue__entries_past_the_deadline_unless_reopened():
    today = timezone.localdate()
    late = SessionFactory(
        name="DNB 2026", start_date=today - datetime.timedelta(days=60),
        end_date=today - datetime.timedelta(days=50),
        entry_deadline=today - datetime.timedelta(days=10),
    )  # fmt: skip
    current = SessionFactory(name="BTS 2026", entry_deadline=today + datetime.timedelta(days=5),
                             start_date=today - datetime.timedelta(days=20),
                             end_date=today - datetime.timedelta(days=15))  # fmt: skip
    overdue_mission = MissionFactory(session=late)
    parts_for(overdue_mission, status=S.TO_ENTER)
    parts_for(MissionFactory(session=late), status=S.TO_CORRECT)
    reopened = MissionFactory(session=late)
    parts_for(reopened, status=S.TO_ENTER)
    EtatDeFrais.objects.filter(mission=reopened).update(
        deadline_override=today + datetime.timedelta(days=3)
    )
    parts_for(MissionFactory(session=late), status=S.VALIDATED_BY_INTERVENANT)
    parts_for(MissionFactory(session=current), status=S.TO_ENTER)

    counts, oldest = dashboard.overdue_summary(today)

    assert counts == {late.pk: 4}
    assert len(oldest) == 4
    assert {part.etat.mission.session for part in oldest} == {late}


def test_charts__amounts_by_archipelago_and_activity(session):
    papeete, nuku_hiva = (
        CentreFactory(commune=commune("Papeete")),
        CentreFactory(commune=commune("Nuku-Hiva")),
    )
    oral = Activity.objects.get(code="oral")
    with_amounts(MissionFactory(session=session, centre=papeete), S.CONTROLLED, 22076, 18616)
    with_amounts(MissionFactory(session=session, centre=nuku_hiva, activity=oral),
                 S.SERVICE_FAIT, 7446, 30000)  # fmt: skip
    with_amounts(MissionFactory(session=session, centre=nuku_hiva), S.REJECTED, 99999, 99999)

    by_archipelago, by_activity = dashboard_charts.charts([session])

    assert [(bar.label, bar.amounts) for bar in by_archipelago.bars] == [
        ("Société", [(R, 22076), (D, 18616)]),
        ("Marquises", [(R, 7446), (D, 30000)]),
    ]
    assert {bar.label: bar.total for bar in by_activity.bars} == {
        "Correction de copies": 40692, "Interrogation orale": 37446}  # fmt: skip
    # The longest bar fills the plotting width; the others are to scale.
    widths = [sum(s.width for s in bar.segments) for bar in by_archipelago.bars]
    assert widths[0] == pytest.approx(
        dashboard_charts.CHART_WIDTH - dashboard_charts.CHART_VALUE_SPACE, abs=0.2
    )
    assert widths[1] == pytest.approx(widths[0] * 37446 / 40692, abs=0.2)


def test_dashboard_page__gestionnaire_sees_the_panels(client, session):
    with_amounts(MissionFactory(session=session), S.CONTROLLED, 22076, 18616)
    with_amounts(MissionFactory(session=session), S.VALIDATED_BY_INTERVENANT, 5000, 0)
    client.force_login(gestionnaire())

    html = client.get(HOME).content.decode()

    assert "Suivi des sessions" in html
    assert "Bac 2026, session de juin" in html
    section = html[html.index('id="missions-sessions-section"') :]
    row = section[section.index('data-status="controle"') :]
    assert 'data-nature="remuneration" data-count="1"' in row
    assert 'data-nature="remuneration" data-amount="22076"' in row
    assert 'data-nature="deplacement" data-amount="18616"' in row
    waiting = re.findall(r'data-waiting="(\w+)">\s*<span class="missions-waiting__count">(\d+)',
                         html)  # fmt: skip
    assert waiting == [("intervenant", "0"), ("centre", "2"), ("dec", "2")]
    # Who acts next links to the screen where they act.
    assert dashboard.screen_url("missions_control", session=session.pk) in html
    assert dashboard.screen_url("missions_service_fait", session=session.pk) in html
    # Counts link to the filtered list of états de frais.
    link = (f"{reverse('wagtailsnippets_missions_feepart:list')}?status=controle&amp;"
            f"nature=remuneration&amp;etat__mission__session={session.pk}")  # fmt: skip
    assert link in html
    # A bare number link says what it opens (issue 14): status, nature, session.
    assert (
        'aria-label="Voir les 1 partie rémunération au statut « Contrôlé », '
        'Bac 2026, session de juin">1</a>'
    ) in html.replace("&#x27;", "'")
    bare = re.findall(r"<a href=\"[^\"]*\">\s*\d+\s*</a>", section)
    assert bare == []
    # The chart: an accessible SVG with a table alternative.
    assert html.count('<svg role="img"') == 2
    assert '<title id="chart-archipel-title">Montants par archipel' in html
    assert "<summary>Données du graphique</summary>" in text(html)
    assert 'data-total="45692"' in html


def test_screen_url__a_missing_screen_gives_no_link():
    assert dashboard.screen_url("missions_no_such_screen", session=1) == ""
    assert dashboard.screen_url("wagtailadmin_home", session=1) == "/admin/?session=1"


def test_dashboard_page__feepart_links_filter_the_listing(client, session):
    controlled, _ = with_amounts(MissionFactory(session=session), S.CONTROLLED, 100, 0)
    with_amounts(MissionFactory(session=session), S.TO_ENTER)
    client.force_login(gestionnaire())
    url = dashboard.feepart_list_url(status=S.CONTROLLED, nature=R,
                                     etat__mission__session=session.pk)  # fmt: skip
    response = client.get(url)
    assert response.status_code == 200
    assert [p.pk for p in response.context["object_list"]] == [controlled.pk]


def build_missions(count, sessions, centres):
    statuses = [S.TO_ENTER, S.VALIDATED_BY_INTERVENANT, S.SERVICE_FAIT, S.CONTROLLED, S.PAID,
                S.TO_CORRECT, S.REJECTED]  # fmt: skip
    activities = list(Activity.objects.all()[:3])
    for index in range(count):
        mission = MissionFactory(
            session=sessions[index % len(sessions)], centre=centres[index % len(centres)],
            activity=activities[index % len(activities)], epreuve=f"Épreuve {index}",
        )  # fmt: skip
        with_amounts(mission, statuses[index % len(statuses)], 1000 + index, 500)


def count_queries(client):
    client.get(HOME)  # warm caches (site, content types)
    cache.clear()  # the figures themselves recomputed, as on a refresh
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_dashboard__queries_do_not_grow_with_the_data(client, django_assert_max_num_queries):
    today = timezone.localdate()
    sessions = [
        SessionFactory(name="Ancienne session", start_date=today - datetime.timedelta(days=90),
                       end_date=today - datetime.timedelta(days=80),
                       entry_deadline=today - datetime.timedelta(days=30)),
        SessionFactory(name="Session récente"),
    ]  # fmt: skip
    centres = [CentreFactory(commune=commune(name)) for name in ("Papeete", "Uturoa", "Nuku-Hiva")]
    client.force_login(gestionnaire())
    build_missions(5, sessions, centres)
    few = count_queries(client)

    build_missions(200, sessions, centres)
    cache.clear()
    with django_assert_max_num_queries(few):
        response = client.get(HOME)
    assert 'data-overdue-total="' in response.content.decode()
    assert few < 40, few


def kept_figures():
    return cache.get(dashboard.figures_key(timezone.localdate()))


def waiting_counts(html):
    found = re.findall(r'data-waiting="(\w+)">\s*<span class="missions-waiting__count">(\d+)', html)
    return dict(found)


def test_dashboard__figures_kept_with_their_tahiti_time(client, session):
    with_amounts(MissionFactory(session=session), S.VALIDATED_BY_INTERVENANT, 5000, 0)
    client.force_login(gestionnaire())
    first = client.get(HOME).content.decode()
    assert waiting_counts(first)["centre"] == "2"

    with_amounts(MissionFactory(session=session), S.VALIDATED_BY_INTERVENANT, 5000, 0)
    again = client.get(HOME).content.decode()

    # Kept: the new mission is not counted yet, and the page says from when the figures are.
    assert waiting_counts(again)["centre"] == "2"
    computed_at = kept_figures()["computed_at"]
    tahiti = computed_at.astimezone(ZoneInfo("Pacific/Tahiti"))
    assert f"Chiffres de {tahiti:%H:%M}" in again
    assert f"Chiffres de {computed_at.astimezone(datetime.UTC):%H:%M}" not in again
    assert 'action="/admin/tableau-de-bord/rafraichir/"' in again


def test_dashboard__kept_figures_cost_no_aggregate(client, session, django_assert_max_num_queries):
    with_amounts(MissionFactory(session=session), S.CONTROLLED, 22076, 18616)
    client.force_login(gestionnaire())
    client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    assert not [q for q in queries if "missions_feepart" in q["sql"]]
    with django_assert_max_num_queries(17):
        client.get(HOME)


def test_refresh__recomputes_the_figures_now(session):
    client = VerifiedClient(enforce_csrf_checks=True)
    with_amounts(MissionFactory(session=session), S.VALIDATED_BY_INTERVENANT, 5000, 0)
    client.force_login(gestionnaire())
    page = client.get(HOME)
    with_amounts(MissionFactory(session=session), S.VALIDATED_BY_INTERVENANT, 5000, 0)
    url = reverse("missions_dashboard_refresh")

    assert client.post(url).status_code == 403  # no CSRF token
    token = page.cookies["csrftoken"].value
    response = client.post(url, HTTP_X_CSRFTOKEN=token, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == HOME
    assert waiting_counts(html)["centre"] == "4"
    assert "Chiffres du tableau de bord recalculés." in html


def test_refresh__gestionnaires_only_and_post_only(client, session):
    with_amounts(MissionFactory(session=session), S.VALIDATED_BY_INTERVENANT, 5000, 0)
    url = reverse("missions_dashboard_refresh")
    client.force_login(gestionnaire())
    client.get(HOME)
    kept = kept_figures()["computed_at"]
    assert client.get(url).status_code == 405

    for user in [chef_de_centre(CentreFactory()), UserFactory(role="Éditeurs")]:
        client.force_login(user)
        with_amounts(MissionFactory(session=session), S.VALIDATED_BY_INTERVENANT, 5000, 0)
        assert client.post(url).status_code == 403

    # Nothing recomputed by them: the kept figures are the gestionnaire's first ones.
    assert kept_figures()["computed_at"] == kept
    client.force_login(gestionnaire())
    assert waiting_counts(client.get(HOME).content.decode())["centre"] == "2"


def test_chef_de_centre__sees_only_their_centres_waiting_missions(client, session):
    mine, other = CentreFactory(name="Lycée Paul-Gauguin"), CentreFactory(name="Lycée d'Uturoa")
    for _ in range(2):
        parts_for(MissionFactory(session=session, centre=mine), S.VALIDATED_BY_INTERVENANT)
    parts_for(MissionFactory(session=session, centre=mine), S.SERVICE_FAIT)
    parts_for(MissionFactory(session=session, centre=other), S.VALIDATED_BY_INTERVENANT)
    client.force_login(chef_de_centre(mine))

    html = client.get(HOME).content.decode()

    assert "Service fait à attester" in html
    assert f'data-centre="{mine.pk}"' in html
    assert f'data-centre="{other.pk}"' not in html
    assert 'data-waiting="2"' in html  # missions, not parts
    assert dashboard.CentreAttestationPanel.centre_url(mine).replace("&", "&amp;") in html
    assert "Suivi des sessions" not in html
    assert "Montants des sessions récentes" not in html


def test_chef_without_centre_and_other_staff_see_no_missions_panel(client, session):
    parts_for(MissionFactory(session=session), S.VALIDATED_BY_INTERVENANT)
    for user in [chef_de_centre(), UserFactory(role="Éditeurs")]:
        client.force_login(user)
        html = client.get(HOME).content.decode()
        assert "Service fait à attester" not in html
        assert "Suivi des sessions" not in html
