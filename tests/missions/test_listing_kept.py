"""The mission listing's filter menus and rows' session, activity and centre from the kept
reference rows (missions/backoffice/kept_choices.py): no query for them on a page, and
never stale: a renamed, added or removed row shows at the next page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.models import Activity
from tests.factories import (
    CentreFactory,
    MissionFactory,
    SessionFactory,
    chef_de_centre,
    gestionnaire,
)

pytestmark = pytest.mark.django_db
LIST_URL = reverse("wagtailsnippets_missions_mission:list")
SMALL_TABLES = ("missions_session", "missions_centre", "missions_island", "missions_activity")


def _small_table_queries(queries):
    """Queries reading a small table's rows (a menu's choices, a row's reference), not the
    scope's subqueries."""
    return [
        q["sql"]
        for q in queries
        for table in SMALL_TABLES
        if q["sql"].startswith((f'SELECT "{table}".', "DECLARE")) and f'FROM "{table}"' in q["sql"]
    ]


@pytest.mark.parametrize("who", ["gestionnaire", "chef"])
def test_filters_and_rows__no_query_on_the_small_tables_once_kept(client, who):
    centre = CentreFactory()
    session = SessionFactory(name="Session kept")
    for _ in range(3):
        MissionFactory(centre=centre, session=session)
    client.force_login(gestionnaire() if who == "gestionnaire" else chef_de_centre(centre))
    client.get(LIST_URL, {"session": session.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, {"session": session.pk})
    page = response.content.decode()
    assert response.status_code == 200 and len(response.context["object_list"]) == 3
    assert page.count("Session kept") >= 4  # the menu, its chosen value, the rows
    assert _small_table_queries(queries) == []


def test_kept_rows__renamed_added_removed_show_at_the_next_page(client):
    centre = CentreFactory(name="Lycée Avant")
    session = SessionFactory(name="Session avant")
    MissionFactory(centre=centre, session=session, epreuve="Oral")
    client.force_login(gestionnaire())
    assert "Session avant" in client.get(LIST_URL).content.decode()

    session.name = "Session après"
    session.save()
    centre.name = "Lycée Après"
    centre.save()
    centre.island.name = "Île renommée"
    centre.island.save()
    activity = Activity.objects.order_by("pk").first()
    activity.name = "Activité renommée"
    activity.save()
    added = SessionFactory(name="Session ajoutée")
    page = client.get(LIST_URL, {"session": session.pk}).content.decode()
    for text in ("Session après", "Lycée Après (Île renommée)", "Session ajoutée"):
        assert text in page, text
    assert "Session avant" not in page and "Lycée Avant" not in page
    assert "Île renommée" in page.split('id="id_island"')[1].split("</select>")[0]

    response = client.get(LIST_URL, {"session": added.pk})  # chosen among the new ones
    assert response.status_code == 200 and list(response.context["object_list"]) == []
    added.delete()
    page = client.get(LIST_URL).content.decode()
    assert "Session ajoutée" not in page


def test_kept_rows__an_unknown_or_foreign_choice_is_refused_as_django_refuses_it(client):
    session = SessionFactory()
    MissionFactory(session=session)
    client.force_login(gestionnaire())
    client.get(LIST_URL)
    for value in ("999999", "abc", "1.5", str(session.pk) + "x"):
        response = client.get(LIST_URL, {"session": value})
        assert response.status_code == 200, value
        assert "Sélectionnez un choix valide" in response.content.decode(), value


def test_filters_template__only_the_tag_in_place_of_wagtails():
    """The project's _filters.html writes nothing but the tag's output (Wagtail's template
    rendered): no blank or newline of its own."""
    from pathlib import Path

    from missions.backoffice import kept_choices

    ours = Path(kept_choices.__file__).parent.parent / "templates" / kept_choices.FILTERS_TEMPLATE
    assert ours.read_text() == "{% load kept_filters %}{% kept_filters filters %}"
    assert (
        "templates/wagtailadmin/shared/headers"
        in kept_choices.wagtail_filters_template().origin.name
    )
    assert "site-packages/wagtail" in kept_choices.wagtail_filters_template().origin.name


def _menus(html):
    return html[
        html.index('<div class="w-drilldown__contents">') : html.index('id="listing-results"')
    ]


def test_kept_menus__follow_the_chosen_values_and_the_reference_data(client, monkeypatch):
    from missions.backoffice import kept_choices

    centre = CentreFactory(name="Lycée Un")
    first, second = SessionFactory(name="Session Un"), SessionFactory(name="Session Deux")
    MissionFactory(centre=centre, session=first)
    client.force_login(gestionnaire())

    def kept_and_fresh(params):
        kept = _menus(client.get(LIST_URL, params).content.decode())
        with monkeypatch.context() as patch:
            patch.setattr(kept_choices, "enabled", False)
            fresh = _menus(client.get(LIST_URL, params).content.decode())
        assert kept == fresh, params
        return kept

    seen = [kept_and_fresh({}), kept_and_fresh({"session": first.pk})]
    seen.append(kept_and_fresh({"session": second.pk, "remuneration": "controle"}))
    seen.append(kept_and_fresh({"session": "999999"}))  # refused: the error shown
    assert "Sélectionnez un choix valide" in seen[-1]
    centre.name = "Lycée Deux"
    centre.save()
    seen.append(kept_and_fresh({"session": first.pk}))
    assert "Lycée Deux" in seen[-1] and "Lycée Un" not in seen[-1]
    assert len(set(seen)) == len(seen)
    assert f'<option value="{second.pk}" selected>Session Deux</option>' in seen[2]


@pytest.mark.parametrize("url", [None, "/admin/x/1/"])
def test_stamped_title_cell__with_or_without_a_link_as_wagtail_renders_it(url):
    from types import SimpleNamespace

    from wagtail.admin.ui.tables import Table, TitleColumn

    from missions.backoffice import cells

    column = type("Title", (cells.StampedCellMixin, TitleColumn), {})(
        "name", get_url=lambda row: url, get_title_id=lambda row: f"row_{row.pk}_title"
    )
    table = Table([column], [])
    rows = [SimpleNamespace(pk=n, name=f"Ligne <{n}> & co") for n in range(3)]
    context = {"table": table, "request": None, "row": None}
    stamped = [column.render_cell_html(row, context) for row in rows]
    column.stamping = False
    assert stamped == [column.render_cell_html(row, context) for row in rows]
