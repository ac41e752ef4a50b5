"""The back-office mission listing on large tables: bounded counting and paging, index-
friendly order, filters that list each mission once, a query count independent of size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_filters import fields as filter_fields

from missions.backoffice import cells, chrome, kept_choices, listing
from missions.enums import PartStatus
from tests.factories import (
    CentreFactory,
    MissionFactory,
    SessionFactory,
    commune,
    gestionnaire,
    parts_for,
)

pytestmark = pytest.mark.django_db
LIST_URL = reverse("wagtailsnippets_missions_mission:list")


def _missions(count, **kwargs):
    start = datetime.date(2026, 6, 1)
    return [
        MissionFactory(epreuve=f"Épreuve {n:03d}", start_date=start + datetime.timedelta(days=n),
                       **kwargs)
        for n in range(count)
    ]  # fmt: skip


def test_listing_counts_at_most_the_bound_and_says_so(client, monkeypatch):
    monkeypatch.setattr(listing.BoundedPaginator, "max_rows", 5)
    session = SessionFactory()
    _missions(8, session=session)
    client.force_login(gestionnaire())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Plus de 5 missions" in page
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "missions_mission" in q["sql"]]
    assert counts and all("LIMIT 6" in sql for sql in counts)


def test_rows_beyond_the_bound_are_not_reachable(client, monkeypatch):
    monkeypatch.setattr(listing.BoundedPaginator, "max_rows", 4)
    _missions(9)
    client.force_login(gestionnaire())

    for page_number in (1, 50):
        page = client.get(LIST_URL, {"p": page_number}).content.decode()
        # Newest first: the 4 newest are listed, no OFFSET reaches the 5 oldest.
        assert all(f"Épreuve {n:03d}" in page for n in range(5, 9))
        assert not any(f"Épreuve {n:03d}" in page for n in range(5))


def test_newest_missions_come_first(client):
    _missions(3)
    client.force_login(gestionnaire())
    page = client.get(LIST_URL).content.decode()
    assert page.index("Épreuve 002") < page.index("Épreuve 001") < page.index("Épreuve 000")


def test_status_filter_lists_a_mission_once_even_when_both_parts_match(client):
    mission = MissionFactory(epreuve="Grand oral")
    parts_for(mission, PartStatus.CONTROLLED)
    other = MissionFactory(epreuve="Anglais")
    parts_for(other, PartStatus.TO_ENTER)
    client.force_login(gestionnaire())

    once = client.get(LIST_URL).content.decode().count("Grand oral")  # one row, unfiltered
    page = client.get(LIST_URL, {"remuneration": PartStatus.CONTROLLED}).content.decode()
    assert page.count("Grand oral") == once
    assert "Anglais" not in page
    page = client.get(LIST_URL, {"travel": PartStatus.TO_ENTER}).content.decode()
    assert "Anglais" in page and "Grand oral" not in page


def test_island_and_session_filters(client):
    raiatea = CentreFactory(commune=commune("Uturoa"))
    tahiti = CentreFactory()
    first, second = SessionFactory(name="Session A"), SessionFactory(name="Session B")
    MissionFactory(epreuve="Sur Raiatea", centre=raiatea, session=first)
    MissionFactory(epreuve="Sur Tahiti", centre=tahiti, session=second)
    client.force_login(gestionnaire())

    page = client.get(LIST_URL, {"island": raiatea.island_id}).content.decode()
    assert "Sur Raiatea" in page and "Sur Tahiti" not in page
    page = client.get(LIST_URL, {"session": second.pk}).content.decode()
    assert "Sur Tahiti" in page and "Sur Raiatea" not in page


@pytest.mark.parametrize("count", [2, 40])
def test_listing_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, count):
    centres = [CentreFactory() for _ in range(4)]
    for index in range(count):
        parts_for(MissionFactory(centre=centres[index % 4], epreuve=f"E{index}"))
    client.force_login(gestionnaire())
    client.get(LIST_URL)  # warm the per-process caches (permissions, content types)
    with django_assert_max_num_queries(25):
        response = client.get(LIST_URL, {"remuneration": PartStatus.TO_ENTER})
    assert response.status_code == 200


def test_search_finds_by_intervenant_epreuve_or_convocation_number(client):
    from tests.factories import IntervenantFactory

    person = IntervenantFactory(last_name="Oopaxzy", identifier="Q987654")
    by_person = MissionFactory(intervenant=person, epreuve="Mathématiques")
    by_epreuve = MissionFactory(epreuve="Grand oral de philosophie")
    by_number = MissionFactory(epreuve="Anglais", convocation_number="CV-2026-004242")
    client.force_login(gestionnaire())

    def found(text):
        page = client.get(LIST_URL, {"q": text}).content.decode()
        return {m.epreuve for m in (by_person, by_epreuve, by_number) if m.epreuve in page}

    assert found("oopaxz") == {"Mathématiques"}
    assert found("q9876") == {"Mathématiques"}
    assert found("grand oral") == {"Grand oral de philosophie"}
    assert found("004242") == {"Anglais"}
    assert found("introuvable") == set()


@pytest.mark.parametrize("listed", [5_000, 1], ids=["ids listed", "too many: subquery"])
def test_search_by_person__same_missions_listed_or_as_a_subquery(client, monkeypatch, listed):
    from tests.factories import IntervenantFactory

    monkeypatch.setattr(listing, "MAX_LISTED_PEOPLE", listed)
    namesakes = [IntervenantFactory(last_name=f"Tehei{n}") for n in range(3)]
    mine = [MissionFactory(intervenant=person, epreuve=f"Épreuve {n}")
            for n, person in enumerate(namesakes)]  # fmt: skip
    MissionFactory(epreuve="Autre personne")
    client.force_login(gestionnaire())

    response = client.get(LIST_URL, {"q": "tehei"})

    assert {m.pk for m in response.context["object_list"]} == {m.pk for m in mine}


def test_bounded_count__unordered_and_exact_below_the_bound(client, monkeypatch):
    monkeypatch.setattr(listing.BoundedPaginator, "max_rows", 5)
    _missions(4)
    client.force_login(gestionnaire())
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.context["paginator"].count == 4
    [count] = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert "ORDER BY" not in count and "LIMIT 6" in count


def test_deep_pages__ids_first_same_rows_in_the_same_order(client, monkeypatch):
    monkeypatch.setattr(listing, "DEEP_OFFSET", 50)  # page 2 on: ids first
    session = SessionFactory()
    missions = _missions(56, session=session)
    client.force_login(gestionnaire())
    newest_first = [m.pk for m in sorted(missions, key=lambda m: (m.start_date, m.pk))][::-1]

    shown = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST_URL, {"session": session.pk, "p": page})
        rows = list(response.context["object_list"])
        shown += [m.pk for m in rows]
        assert all(m.session.name and m.centre.island.name for m in rows)  # joined, no query
        by_ids = [q for q in queries if '"missions_mission"."id" IN (' in q["sql"]]
        assert len(by_ids) == (page - 1)
    assert shown == newest_first


def test_parts_listing_filters_by_island(client):
    raiatea = CentreFactory(commune=commune("Uturoa"))
    parts_for(MissionFactory(centre=raiatea, epreuve="Sur Raiatea"))
    parts_for(MissionFactory(centre=CentreFactory(), epreuve="Sur Tahiti"))
    client.force_login(gestionnaire())

    url = reverse("wagtailsnippets_missions_feepart:list")
    page = client.get(url, {"island": raiatea.island_id}).content.decode()
    assert "Sur Raiatea" in page and "Sur Tahiti" not in page


@pytest.mark.parametrize("who", ["gestionnaire", "chef"])
def test_part_status_filter__counts_the_parts_as_many_as_the_missions_listed(client, who):
    from tests.factories import chef_de_centre

    raiatea, tahiti = CentreFactory(commune=commune("Uturoa")), CentreFactory()
    first, second = SessionFactory(), SessionFactory()
    for index in range(12):
        mission = MissionFactory(
            centre=(raiatea, tahiti)[index % 2], session=(first, second)[index % 3 == 0]
        )
        _, travel = parts_for(mission, PartStatus.CONTROLLED)
        if index % 4 == 0:  # the other nature's part in another status
            travel.status = PartStatus.TO_ENTER
            travel.save(update_fields=["status"])
    client.force_login(gestionnaire() if who == "gestionnaire" else chef_de_centre(raiatea))

    filters = [
        {"remuneration": PartStatus.CONTROLLED},
        {"travel": PartStatus.TO_ENTER},
        {"travel": PartStatus.CONTROLLED, "session": first.pk},
        {"remuneration": PartStatus.CONTROLLED, "island": raiatea.island_id},
        {"remuneration": PartStatus.CONTROLLED, "centre": tahiti.pk},
        {"remuneration": PartStatus.PAID},
    ]
    for params in filters:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST_URL, params)
        listed = response.context["object_list"]
        assert response.context["paginator"].count == len(listed), params
        counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
        assert len(counts) == 1 and "missions_feepart" in counts[0], params
    assert len(client.get(LIST_URL, {"remuneration": PartStatus.CONTROLLED}).context[
        "object_list"
    ]) == (12 if who == "gestionnaire" else 6)  # fmt: skip


def test_part_status_filter__parts_alone_counted_without_other_filters(client):
    parts_for(MissionFactory(), PartStatus.CONTROLLED)
    client.force_login(gestionnaire())
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST_URL, {"remuneration": PartStatus.CONTROLLED})
    [count] = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert "missions_mission" not in count and "JOIN" not in count


def test_search__the_bound_reached_by_the_people_alone(client, monkeypatch):
    from tests.factories import IntervenantFactory

    monkeypatch.setattr(listing.BoundedPaginator, "max_rows", 3)
    person = IntervenantFactory(last_name="Oopaxzy")
    for n in range(5):
        MissionFactory(intervenant=person, epreuve=f"Épreuve {n}")
    MissionFactory(epreuve="Oral Oopaxzy")  # found by its épreuve, not by the person
    client.force_login(gestionnaire())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, {"q": "oopaxzy"})
    assert "Plus de 3 missions" in response.content.decode()
    [count] = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert "epreuve" not in count  # the person's missions alone already pass the bound

    monkeypatch.setattr(listing.BoundedPaginator, "max_rows", 10)
    response = client.get(LIST_URL, {"q": "oopaxzy"})
    assert response.context["paginator"].count == 6  # people, épreuve: exact below the bound


def test_listing_rows_show_their_references_with_one_query_each(client, monkeypatch):
    for index in range(6):
        MissionFactory(centre=CentreFactory(), epreuve=f"E{index}")
    client.force_login(gestionnaire())
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    page = response.content.decode()
    for mission in response.context["object_list"]:
        assert str(mission.centre) in page and str(mission.session) in page
    [listed] = [q["sql"] for q in queries if q["sql"].startswith('SELECT "missions_mission"."id"')]
    assert "missions_session" not in listed and "missions_intervenant" in listed
    for table in ("missions_session", "missions_activity", "missions_centre"):
        # From the kept reference rows (kept_choices): none once kept, one query each without.
        assert sum(q["sql"].startswith(f'SELECT "{table}"."id"') and "IN" in q["sql"]
                   for q in queries) == 0, table  # fmt: skip
    monkeypatch.setattr(kept_choices, "enabled", False)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST_URL)
    for table in ("missions_session", "missions_activity", "missions_centre"):
        assert sum(q["sql"].startswith(f'SELECT "{table}"."id"') and "IN" in q["sql"]
                   for q in queries) == 1, table  # fmt: skip


def _same_page(html):
    """The page without its CSRF tokens (a new one per response)."""
    import re

    html = re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"CSRF_TOKEN": "[^"]+"', "", html)


@pytest.mark.parametrize(
    ("listing_name", "params"),
    [
        ("mission", {}),
        ("mission", {"remuneration": PartStatus.CONTROLLED, "q": "O'Hara"}),
        ("feepart", {"status": PartStatus.CONTROLLED}),
        ("intervenant", {}),
        ("statuschange", {}),
    ],
)
@pytest.mark.parametrize("who", ["gestionnaire", "chef"])
def test_stamped_title_cells_and_plain_selects__the_same_page_as_wagtail_renders(
    client, monkeypatch, listing_name, params, who
):
    from django import forms

    from tests.factories import IntervenantFactory, chef_de_centre

    centre = CentreFactory(name="Lycée <d'Uturoa> & co")
    person = IntervenantFactory(last_name="O'Hara & <Fils>")
    for index in range(3):
        parts_for(MissionFactory(centre=centre, intervenant=person, epreuve=f"Oral <{index}>"),
                  PartStatus.CONTROLLED)  # fmt: skip
    parts_for(MissionFactory(epreuve="Ailleurs"), PartStatus.CONTROLLED)
    client.force_login(gestionnaire() if who == "gestionnaire" else chef_de_centre(centre))
    url = reverse(f"wagtailsnippets_missions_{listing_name}:list")

    shapes = []
    shape_of = cells._cell_shape
    monkeypatch.setattr(cells, "_cell_shape", lambda c: shapes.append(shape_of(c)) or shapes[-1])
    stamped = client.get(url, params)
    if stamped.status_code == 200 and stamped.context["object_list"]:
        assert shapes and all(shapes)  # each row's title cell stamped
    monkeypatch.setattr(cells.StampedCellMixin, "stamping", False)
    monkeypatch.setattr(cells.StampedTableMixin, "stamping", False)
    monkeypatch.setattr(chrome, "enabled", False)
    monkeypatch.setattr(kept_choices, "enabled", False)
    monkeypatch.setattr(  # django-filter's own field
        kept_choices.KeptModelChoiceFilter, "field_class", filter_fields.ModelChoiceField
    )
    monkeypatch.setattr(cells.Select, "render", forms.Select.render)
    monkeypatch.setattr(  # each row's URLs reversed one by one, as Wagtail does
        listing.BoundedIndexView, "_url", lambda view, name, row: reverse(name, args=(row.pk,))
    )
    plain = client.get(url, params)

    assert stamped.status_code == plain.status_code
    if stamped.status_code == 200:
        assert _same_page(stamped.content.decode()) == _same_page(plain.content.decode())


def test_plain_select__renders_as_django_select():
    from django import forms

    choices = [("", "---------"), ("a", "A & <b>"), ("Groupe <1>", [("x", "X"), (3, "trois")])]
    for value in ("", "a", "x", "3", None):
        for attrs in (None, {"id": "id_f", "disabled": True, "data-x": '1"2', "hidden": False}):
            ours = cells.Select(choices=choices).render("f<", value, attrs)
            django = forms.Select(choices=choices).render("f<", value, attrs)
            assert ours == django, (value, attrs)


@pytest.mark.parametrize("count", [2, 20])
def test_parts_listing__page_joins_the_intervenant_only_queries_bounded(
    client, django_assert_max_num_queries, count
):
    for index in range(count):
        parts_for(MissionFactory(centre=CentreFactory(), epreuve=f"E{index:02d}" if index else ""))
    client.force_login(gestionnaire())
    url = reverse("wagtailsnippets_missions_feepart:list")
    client.get(url)
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    page = response.content.decode()
    for part in response.context["object_list"]:
        assert str(part.etat.mission) in page.replace("&#x27;", "'")
    [listed] = [q["sql"] for q in queries if q["sql"].startswith('SELECT "missions_feepart"."id"')]
    assert "missions_intervenant" in listed and "missions_session" not in listed


def test_intervenant_search__by_name_first_name_identifier_or_email_with_trigram_indexes(client):
    from tests.factories import IntervenantFactory

    found = IntervenantFactory(last_name="Vaiarii", first_name="Hereiti", identifier="PF909090",
                               email="hereiti.v@example.pf")  # fmt: skip
    IntervenantFactory(last_name="Autre", first_name="Personne", email="autre@example.pf")
    client.force_login(gestionnaire())
    url = reverse("wagtailsnippets_missions_intervenant:list")
    for text in ("vaiar", "HEREIT", "f90909", "v@example"):
        listed = list(client.get(url, {"q": text}).context["object_list"])
        assert listed == [found], text
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'missions_intervenant'"
            " AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        trigram = {row[0] for row in cursor.fetchall()}
    assert {"missions_intervenant_first_name_trgm", "missions_intervenant_email_trgm"} <= trigram


def test_stamped_title_cell__a_value_spelling_a_stand_in_stays_as_written(client):
    from tests.factories import IntervenantFactory

    person = IntervenantFactory(last_name="zqzaria0zqz", first_name="zqzurl0x0zqz")
    MissionFactory(intervenant=person, epreuve="<b>zqzvaluezqz</b>")
    client.force_login(gestionnaire())
    page = client.get(LIST_URL).content.decode()
    assert "&lt;b&gt;zqzvaluezqz&lt;/b&gt; — Monsieur zqzurl0x0zqz ZQZARIA0ZQZ" in page or (
        "&lt;b&gt;zqzvaluezqz&lt;/b&gt; — Madame zqzurl0x0zqz ZQZARIA0ZQZ" in page
    )
    assert "<b>" not in page.split('id="listing-results"')[-1]
