"""The listing's title cells from one stand-in row (missions/backoffice/cells.py,
StampedCellMixin.rows_alike): Wagtail's buttons asked once per page instead of once per row,
the same HTML as Wagtail renders, and each row as Wagtail renders it whenever its cell may
depend on more than its pk and title."""

import pytest
from django.urls import reverse
from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import IndexView

from missions.backoffice import cells, chrome, kept_choices, listing
from tests.factories import (
    CentreFactory,
    IntervenantFactory,
    MissionFactory,
    UserFactory,
    chef_de_centre,
    gestionnaire,
)

pytestmark = pytest.mark.django_db
LIST_URL = reverse("wagtailsnippets_missions_mission:list")


def _same_page(html):
    import re

    html = re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"CSRF_TOKEN": "[^"]+"', "", html)


def _as_wagtail(client, monkeypatch, params=None):
    """The page rendered with none of the listing's kept or stamped pieces."""
    with monkeypatch.context() as patch:
        patch.setattr(cells.StampedCellMixin, "stamping", False)
        patch.setattr(cells.StampedTableMixin, "stamping", False)
        patch.setattr(chrome, "enabled", False)
        patch.setattr(kept_choices, "enabled", False)
        patch.setattr(
            listing.BoundedIndexView, "_url", lambda view, name, row: reverse(name, args=(row.pk,))
        )
        return client.get(LIST_URL, params or {})


def _count_buttons(monkeypatch):
    asked = []
    original = IndexView.get_list_buttons
    monkeypatch.setattr(
        IndexView, "get_list_buttons", lambda view, row: asked.append(row) or original(view, row)
    )
    return asked


@pytest.mark.parametrize("who", ["gestionnaire", "chef", "superuser"])
def test_title_cells__buttons_asked_once_a_page_and_the_page_wagtail_renders(
    client, monkeypatch, who
):
    centre = CentreFactory(name="Lycée <d'Uturoa> & co")
    person = IntervenantFactory(last_name="O'Hara & <Fils>", first_name="90817263544536271809")
    for index in range(4):
        MissionFactory(centre=centre, intervenant=person, epreuve=f"Oral <{index}> zqztitlezqz")
    MissionFactory(epreuve="Ailleurs")
    users = {
        "gestionnaire": gestionnaire,
        "chef": lambda: chef_de_centre(centre),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    client.force_login(users[who]())
    asked = _count_buttons(monkeypatch)
    ours = client.get(LIST_URL)
    rows = ours.context["object_list"]
    assert len(rows) == (4 if who == "chef" else 5)
    assert len(asked) == 1 and not isinstance(asked[0], type(rows[0]))  # the stand-in only
    wagtail = _as_wagtail(client, monkeypatch)
    assert _same_page(ours.content.decode()) == _same_page(wagtail.content.decode())
    assert "zqztitlezqz" in ours.content.decode()  # a title spelling the stand-in, as written


def test_title_cells__a_hook_adding_buttons_makes_each_row_rendered_as_usual(client, monkeypatch):
    for index in range(3):
        MissionFactory(epreuve=f"Oral {index}")
    client.force_login(gestionnaire())

    def extra_button(snippet, user, next_url=None):
        return [Button(f"Voir {snippet.pk}", url=f"/voir/{snippet.pk}/", priority=50)]

    with hooks.register_temporarily("register_snippet_listing_buttons", extra_button):
        asked = _count_buttons(monkeypatch)
        ours = client.get(LIST_URL)
        assert len(asked) == 3  # each row's own buttons
        wagtail = _as_wagtail(client, monkeypatch)
    page = ours.content.decode()
    assert all(f"/voir/{row.pk}/" in page for row in ours.context["object_list"])
    assert _same_page(page) == _same_page(wagtail.content.decode())


def test_title_cells__a_view_with_its_own_buttons_renders_each_row():
    class OwnButtons(listing.MissionIndexView):
        def get_list_more_buttons(self, instance):
            return super().get_list_more_buttons(instance)

    class OwnUrls(listing.MissionIndexView):
        def get_edit_url(self, instance):
            return super().get_edit_url(instance)

    assert listing.MissionIndexView()._rows_alike()
    assert not OwnButtons()._rows_alike()
    assert not OwnUrls()._rows_alike()


class _Row:
    def __init__(self, pk, title):
        self.pk, self.title = pk, title

    def __str__(self):
        return self.title


def test_title_cell__from_the_stand_in_as_wagtail_renders_each_row():
    from wagtail.admin.ui.tables import Table, TitleColumn

    def make(get_url=lambda row: f"/admin/x/{row.pk}/?a=1&b=<2>"):
        column = type("Title", (cells.StampedCellMixin, TitleColumn), {"rows_alike": True})(
            "__str__", get_url=get_url, get_title_id=lambda row: f"row_{row.pk}_title"
        )
        return column, Table([column], [])

    rows = [
        _Row(1, "Ligne <1> & co"),
        _Row(22, "90817263544536271809 zqztitlezqz zqzvaluezqz"),
        _Row(3, "   "),  # blank: Wagtail's placeholder
        _Row(4, mark_safe("<b>sûre</b>")),  # a safe title: written unescaped
        _Row(5, "Dernière"),
    ]
    column, table = make()
    context = {"table": table, "request": None, "row": None}
    stamped = [column.render_cell_html(row, context) for row in rows]
    assert column._stand_in_cell is not None  # the stand-in served the plain rows
    plain, table = make()
    plain.stamping = False
    assert stamped == [plain.render_cell_html(row, context) for row in rows]
    # A safe string among the values (not escaped by Wagtail): each row as usual.
    column, table = make(get_url=lambda row: mark_safe(f"/x/{row.pk}/?a&amp;b"))  # noqa: S308
    stamped = [column.render_cell_html(row, context) for row in rows]
    assert column._stand_in_cell is None
    column.stamping = False
    assert stamped == [column.render_cell_html(row, context) for row in rows]


def test_split_loop__the_rows_html_between_what_the_empty_table_shares():
    import random

    def naive(empty, one):
        start = 0
        while start < len(empty) and empty[start] == one[start]:
            start += 1
        end = 0
        while end < len(empty) - start and empty[-1 - end] == one[-1 - end]:
            end += 1
        return empty[:start], one[start : len(one) - end], empty[len(empty) - end :]

    rng = random.Random(15)
    for _ in range(3_000):
        empty = "".join(rng.choice("ab <>") for _ in range(rng.randint(0, 14)))
        row = "".join(rng.choice("ab <>") for _ in range(rng.randint(0, 6)))
        at = rng.randint(0, len(empty))
        one = empty[:at] + row + empty[at:]
        before, found, after = cells._split_loop(empty, one)
        assert (before, found, after) == naive(empty, one)
        assert before + after == empty and before + found + after == one


@pytest.mark.parametrize("who", ["gestionnaire", "chef"])
@pytest.mark.parametrize(
    "params", [{}, {"q": "Oral"}, {"remuneration": "controle"}, {"ordering": "centre"}]
)
def test_page_columns__what_the_rows_show_without_a_query_per_row(
    client, django_assert_max_num_queries, who, params
):
    """The page's rows carry only the columns they show (MissionIndexView.page_columns):
    a column the page reads beyond them would cost a query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    centre = CentreFactory()
    client.force_login(gestionnaire() if who == "gestionnaire" else chef_de_centre(centre))
    counts = []
    for rows in (2, 12):
        while MissionFactory._meta.model.objects.count() < rows:
            empty = not MissionFactory._meta.model.objects.exists()  # the activity's name
            MissionFactory(centre=centre, epreuve="" if empty else "Oral")
        client.get(LIST_URL, params)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST_URL, params)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
