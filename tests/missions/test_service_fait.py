"""The chef de centre's service fait screen and the DEC's control queue."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from missions.enums import PartNature, PartStatus
from missions.models import Activity, Attestation, FeePart, StatusChange, TravelLeg
from tests.factories import (
    CentreFactory,
    DossierFactory,
    MissionFactory,
    SessionFactory,
    WorkLineFactory,
    chef_de_centre,
    commune,
    gestionnaire,
    parts_for,
)

pytestmark = pytest.mark.django_db
S = PartStatus


@pytest.fixture
def centre():
    return CentreFactory(name="Lycée Paul-Gauguin")


def validated(centre, quantity=40, **kwargs):
    mission = MissionFactory(centre=centre, **kwargs)
    remuneration, _ = parts_for(mission, status=S.VALIDATED_BY_INTERVENANT)
    WorkLineFactory(part=remuneration, date=mission.start_date, quantity=Decimal(quantity))
    return mission


def statuses(mission):
    return {p.nature: p.status for p in FeePart.objects.filter(etat__mission=mission)}


def test_chef__sees_only_their_centres_missions(client, centre):
    mine = validated(centre, epreuve="Mathématiques")
    validated(CentreFactory(name="Collège de Hao"), epreuve="Histoire")
    client.force_login(chef_de_centre(centre))
    html = client.get(reverse("missions_service_fait")).content.decode()
    assert "Mathématiques" in html and mine.intervenant.full_name in html
    assert "Histoire" not in html


def test_chef__attests_selected_missions_at_once(client, centre):
    missions = [validated(centre, epreuve=f"Épreuve {i}") for i in range(3)]
    chef = chef_de_centre(centre)
    client.force_login(chef)
    client.post(
        reverse("missions_service_fait"),
        {"action": "attest_selected", "missions": [m.pk for m in missions[:2]]},
    )
    assert statuses(missions[0]) == {
        PartNature.REMUNERATION: S.SERVICE_FAIT,
        PartNature.TRAVEL: S.SERVICE_FAIT,
    }
    assert statuses(missions[2])[PartNature.REMUNERATION] == S.VALIDATED_BY_INTERVENANT
    assert Attestation.objects.filter(attested_by=chef).count() == 2


def test_chef__corrects_a_quantity_with_a_comment(client, centre):
    mission = validated(centre, quantity=40)
    line = mission.etat.parts.get(nature=PartNature.REMUNERATION).worklines.get()
    client.force_login(chef_de_centre(centre))
    client.post(
        reverse("missions_service_fait"),
        {
            "action": "attest_one",
            "mission": mission.pk,
            f"quantity-{line.pk}": "37",
            "comment": "37 copies au bordereau.",
        },
    )
    part = mission.etat.parts.get(nature=PartNature.REMUNERATION)
    assert part.status == S.SERVICE_FAIT
    assert part.amount == 22_076  # 37 × 596.66
    assert Attestation.objects.get().quantity_corrected


def test_chef__correction_without_comment_is_refused(client, centre):
    mission = validated(centre, quantity=40)
    line = mission.etat.parts.get(nature=PartNature.REMUNERATION).worklines.get()
    client.force_login(chef_de_centre(centre))
    response = client.post(
        reverse("missions_service_fait"),
        {"action": "attest_one", "mission": mission.pk, f"quantity-{line.pk}": "37"},
        follow=True,
    )
    assert "Expliquez la correction" in response.content.decode()
    assert statuses(mission)[PartNature.REMUNERATION] == S.VALIDATED_BY_INTERVENANT


def test_chef__sends_back_with_a_reason(client, centre):
    mission = validated(centre)
    client.force_login(chef_de_centre(centre))
    client.post(
        reverse("missions_service_fait"),
        {"action": "send_back", "mission": mission.pk, "reason": "Copies non rendues."},
    )
    assert set(statuses(mission).values()) == {S.TO_CORRECT}
    assert StatusChange.objects.filter(reason="Copies non rendues.").count() == 2


def test_chef__cannot_act_on_another_centre(client, centre):
    foreign = validated(CentreFactory(name="Collège de Hao"))
    client.force_login(chef_de_centre(centre))
    response = client.post(
        reverse("missions_service_fait"),
        {"action": "send_back", "mission": foreign.pk, "reason": "x"},
    )
    assert response.status_code == 404
    client.post(
        reverse("missions_service_fait"), {"action": "attest_selected", "missions": [foreign.pk]}
    )
    assert statuses(foreign)[PartNature.REMUNERATION] == S.VALIDATED_BY_INTERVENANT


def test_intervenant_and_anonymous__no_access(client, centre):
    mission = validated(centre)
    client.force_login(mission.intervenant.user)
    response = client.get(reverse("missions_service_fait"))
    assert response.status_code in (302, 403)
    assert client.get(reverse("missions_control")).status_code in (302, 403)


# DEC control


def attested(centre, **kwargs):
    mission = validated(centre, **kwargs)
    FeePart.objects.filter(etat__mission=mission).update(status=S.SERVICE_FAIT)
    return mission


def test_control__validates_many(client, centre):
    missions = [attested(centre, epreuve=f"E{i}") for i in range(2)]
    client.force_login(gestionnaire())
    ids = FeePart.objects.filter(etat__mission__in=missions).values_list("pk", flat=True)
    # Their dossiers are incomplete: the DEC confirms, seeing the anomalies, before anything
    # changes.
    response = client.post(
        reverse("missions_control"), {"action": "control_selected", "parts": list(ids)}
    )
    html = response.content.decode()
    assert "Confirmer la validation" in html and "Dossier financier incomplet." in html
    assert set(FeePart.objects.values_list("status", flat=True)) == {S.SERVICE_FAIT}
    client.post(
        reverse("missions_control"),
        {"action": "control_selected", "parts": list(ids), "confirm": "1"},
    )
    assert set(FeePart.objects.values_list("status", flat=True)) == {S.CONTROLLED}


def test_control__select_all_and_bulk_action_above_and_below_the_table(client, centre):
    attested(centre)
    client.force_login(gestionnaire())
    html = client.get(reverse("missions_control")).content.decode()
    assert 'data-action="w-bulk#toggleAll"' in html
    assert html.count('data-w-bulk-target="item"') == 2  # the mission's two parts
    table = html.index("w-bulk#toggleAll")  # in the table header
    assert html.index("Valider les parties cochées") < table
    assert html.count("Valider les parties cochées") == 2
    assert 'class="control-decision"' in html


def test_control__identical_anomalies_are_merged():
    from missions.backoffice.views.control import merged

    warnings = ["Billet du 17/06/2026 sans justificatif."] * 2 + ["Dossier financier incomplet."]
    assert merged(warnings) == [
        "2 billets du 17/06/2026 sans justificatif.",
        "Dossier financier incomplet.",
    ]
    assert merged(["Trajet routier entre deux îles (A → B)."] * 3) == [
        "Trajet routier entre deux îles (A → B). (× 3)"
    ]


@pytest.mark.parametrize(
    ("decision", "target"),
    [("send_back", S.TO_CORRECT), ("reject", S.REJECTED), ("cancel", S.CANCELLED)],
)
def test_control__decisions_need_a_reason(client, centre, decision, target):
    part = attested(centre).etat.parts.get(nature=PartNature.REMUNERATION)
    client.force_login(gestionnaire())
    response = client.post(
        reverse("missions_control"), {"action": decision, "part": part.pk}, follow=True
    )
    assert "motif est obligatoire" in response.content.decode()
    client.post(
        reverse("missions_control"),
        {"action": decision, "part": part.pk, "reason": "Motif de la DEC"},
    )
    part.refresh_from_db()
    assert part.status == target


def test_control__flags_anomalies(client, centre):
    mission = attested(centre, intervenant=DossierFactory(iban="", bic="").intervenant)
    travel = mission.etat.parts.get(nature=PartNature.TRAVEL)
    TravelLeg.objects.create(
        part=travel,
        date=mission.start_date,
        mode="voiture",
        km=300,
        from_commune=commune("Uturoa"),
        to_commune=commune("Papeete"),
    )
    client.force_login(gestionnaire())
    html = client.get(reverse("missions_control")).content.decode()
    assert "Dossier financier incomplet" in html
    assert "Trajet routier entre deux îles" in html
    assert "distance improbable" in html


def test_control__reopens_a_late_file(client, centre, monkeypatch):
    mission = MissionFactory(centre=centre)
    parts_for(mission, status=S.TO_ENTER)
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 9, 5)
    )
    client.force_login(gestionnaire())
    html = client.get(reverse("missions_control") + "?vue=retard").content.decode()
    assert mission.intervenant.full_name in html
    client.post(
        reverse("missions_control"),
        {"action": "reopen", "etat": mission.etat.pk, "until": "2026-09-20"},
    )
    mission.etat.refresh_from_db()
    assert mission.etat.deadline_override == datetime.date(2026, 9, 20)
    assert StatusChange.objects.filter(reason__startswith="Saisie rouverte").count() == 2


def test_control_queue__bounded_queries(client, centre, django_assert_max_num_queries):
    for index in range(30):
        attested(centre, epreuve=f"E{index}")
    client.force_login(gestionnaire())
    with django_assert_max_num_queries(30):
        assert client.get(reverse("missions_control")).status_code == 200


def test_control_queue__mission_date_order_across_pages(client, centre):
    first = datetime.date(2026, 6, 1)
    for index in range(55):
        attested(centre, epreuve=f"E{index}", start_date=first + datetime.timedelta(days=index % 7))
    client.force_login(gestionnaire())
    expected = list(
        FeePart.objects.filter(status=S.SERVICE_FAIT)
        .order_by("etat__mission__start_date", "etat__mission_id", "pk")
        .values_list("pk", flat=True)
    )
    assert len(expected) == 110

    shown = []
    for page in (1, 2, 3):
        response = client.get(reverse("missions_control"), {"page": page})
        shown += [part.pk for part, _ in response.context["rows"]]
        # Each row comes with what it shows, without a query per row.
        assert all(part.etat.mission.intervenant.full_name for part, _ in response.context["rows"])
    assert shown == expected


def test_control__amount_far_above_the_median_flagged_with_medians_kept(client, centre):
    from django.core.cache import cache

    session, activity = SessionFactory(), Activity.objects.get(code="oral")

    def at(amount, status=S.CONTROLLED):
        mission = attested(centre, session=session, activity=activity)
        FeePart.objects.filter(etat__mission=mission, nature=PartNature.REMUNERATION).update(
            amount=amount, status=status
        )
        return mission

    for _ in range(5):
        at(1000)
    outlier = at(5000, S.SERVICE_FAIT)
    client.force_login(gestionnaire())
    flag = "Montant plus de 3 fois supérieur à la médiane de l'activité (1\u202f000 XPF)."

    def flags():
        response = client.get(reverse("missions_control"))
        rows = response.context["rows"]
        found = {(part.etat.mission_id, part.nature): warnings for part, warnings in rows}
        return found[outlier.pk, PartNature.REMUNERATION]

    assert flag in flags()
    for _ in range(10):
        at(5000)
    assert flag in flags()  # the medians of the last minutes
    cache.clear()
    assert not [warning for warning in flags() if "médiane" in warning]


@pytest.mark.parametrize("value", ["40", "40.00", "12.5", "12.50", "0.25", "0", "1234.75", "7.01"])
def test_quantity_text__as_floatformat_minus_two_shows_it(value):
    from django.template import Context, Template
    from django.utils import translation

    from missions.backoffice.views.service_fait import quantity_text

    with translation.override("fr"):
        expected = Template('{{ v|floatformat:"-2" }}').render(Context({"v": Decimal(value)}))
    assert quantity_text(Decimal(value)) == expected


def test_service_fait__rows_in_order_with_their_parts_and_lines(client, centre):
    day = datetime.date(2026, 6, 15)
    later = validated(centre, quantity="12.5", epreuve="Anglais", start_date=day)
    first = validated(centre, quantity=40, epreuve="Anglais", start_date=day,
                      intervenant=DossierFactory().intervenant)  # fmt: skip
    first.intervenant.last_name, later.intervenant.last_name = "Aaa", "Zzz"
    first.intervenant.save()
    later.intervenant.save()
    attested(centre, epreuve="Histoire", start_date=day - datetime.timedelta(days=1))
    client.force_login(chef_de_centre(centre))

    response = client.get(reverse("missions_service_fait"), {"vue": "tous"})

    rows = response.context["rows"]
    assert [row["mission"].epreuve for row in rows] == ["Histoire", "Anglais", "Anglais"]
    assert [row["mission"].pk for row in rows[1:]] == [first.pk, later.pk]
    assert [row["waiting"] for row in rows] == [False, True, True]
    assert rows[2]["declared_text"] == "12,50"
    assert [line.quantity for line in rows[2]["lines"]] == [Decimal("12.5")]
    assert str(rows[1]["statuses"]) == (
        "Rémunération : Validé par l&#x27;intervenant<br>"
        "Déplacement : Validé par l&#x27;intervenant<br>"
    )


def test_service_fait__bounded_queries(client, centre, django_assert_max_num_queries):
    for index in range(3):
        validated(centre, epreuve=f"E{index}")
    client.force_login(chef_de_centre(centre))
    client.get(reverse("missions_service_fait"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("missions_service_fait"))
    for index in range(30):
        validated(centre, epreuve=f"F{index}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("missions_service_fait"))
    assert len(response.context["rows"]) == 33


# The row as the template wrote it before row_html (kept here to hold the two to the same HTML).
TEMPLATE_ROW = """{% load l10n %}<tr>
<td>{% if row.waiting %}<input type="checkbox" name="missions" value="{{ row.mission.pk|unlocalize }}" form="bulk-form" aria-label="Sélectionner {{ row.mission.intervenant.full_name }}">{% endif %}</td>
<td>{{ row.mission.intervenant.full_name }}<br><small>{{ row.mission.intervenant.identifier }}</small></td>
<td>{{ row.mission.activity.name }}<br><small>{{ row.mission.centre.name }}</small></td>
<td>{{ row.declared_text }} {{ row.mission.activity.get_unit_display }}(s)<br><small>prévu : {{ row.expected_text }}</small></td>
<td>{{ row.statuses }}</td>
<td>
{% if row.waiting %}
<details>
<summary>Corriger ou renvoyer</summary>
<form method="post">{% csrf_token %}
<input type="hidden" name="action" value="attest_one"><input type="hidden" name="mission" value="{{ row.mission.pk|unlocalize }}">
{% for line in row.lines %}<label>Quantité attestée ({{ line.date|date:"d/m" }}, déclaré {{ line.quantity|floatformat:"-2" }}) <input type="text" inputmode="decimal" name="quantity-{{ line.pk|unlocalize }}" value="{{ line.quantity|floatformat:"-2" }}" size="6"></label><br>{% endfor %}
<label>Commentaire (obligatoire si vous corrigez) <input type="text" name="comment" maxlength="300"></label>
<button class="button button-small" type="submit">Attester avec ces quantités</button>
</form>
<form method="post">{% csrf_token %}
<input type="hidden" name="action" value="send_back"><input type="hidden" name="mission" value="{{ row.mission.pk|unlocalize }}">
<label>Motif du renvoi <input type="text" name="reason" required maxlength="500"></label>
<button class="button button-small button-secondary" type="submit">Renvoyer à l'intervenant</button>
</form>
</details>
{% endif %}
</td>
</tr>"""  # noqa: E501


def test_service_fait__rows_built_in_python_as_the_template_wrote_them(client, centre):
    import re

    from django.template import Context, Template
    from django.utils import translation

    from missions.backoffice.views.service_fait import row_html

    odd = DossierFactory(intervenant__last_name="O'Hara & <Fils>").intervenant
    validated(centre, quantity="12.5", epreuve="Anglais", intervenant=odd)
    mission = validated(centre, quantity=3, epreuve="Anglais")
    part = FeePart.objects.get(etat__mission=mission, nature=PartNature.REMUNERATION)
    WorkLineFactory(part=part, date=mission.start_date + datetime.timedelta(days=1),
                    quantity=Decimal("0.25"))  # fmt: skip
    parts_for(MissionFactory(centre=centre, epreuve="Anglais"), S.CONTROLLED)
    client.force_login(gestionnaire())

    response = client.get(reverse("missions_service_fait"), {"vue": "tous"})
    rows = response.context["rows"]
    assert [row["waiting"] for row in rows].count(True) == 2 and len(rows) == 3

    def same(html):  # the template's line breaks and indentation aside
        return re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", " ", html)).replace("> <", "><").strip()

    token = "tok&en"
    with translation.override("fr"):
        for row in rows:
            expected = Template(TEMPLATE_ROW).render(Context({"row": row, "csrf_token": token}))
            assert same(row_html(row, token)) == same(expected)
            assert row["mission"].intervenant.identifier in expected
            assert ("tok&amp;en" in expected) == row["waiting"]
    page = response.content.decode()
    assert "O&#x27;Hara &amp; &lt;Fils&gt;".upper() in page.upper()


# The queue's rows as the template wrote them before row_html (kept here to hold the two to
# the same HTML).
CONTROL_ROWS = """{% load missions_tags %}
      {% for part, flags in rows %}
        {% with mission=part.etat.mission %}
        <tr>
          {% if not late %}<td><input type="checkbox" name="parts" value="{{ part.pk }}" form="bulk-control" data-action="w-bulk#toggle" data-w-bulk-target="item" aria-label="Sélectionner {{ part }}"></td>{% endif %}
          <td>{{ mission.intervenant.full_name }}<br><small>{{ mission.intervenant.identifier }}</small><ul class="row-documents">{% for line in part|receipt_lines %}<li><a href="{{ line|receipt_url }}" target="_blank" rel="noopener" data-document="justificatif">Justificatif : {{ line }}</a></li>{% endfor %}{% with dossier=mission.intervenant.dossier %}{% with rib=dossier|dossier_document_url:"rib" identity=dossier|dossier_document_url:"identite" %}{% if rib %}<li><a href="{{ rib }}" target="_blank" rel="noopener" data-document="rib">RIB</a></li>{% endif %}{% if identity %}<li><a href="{{ identity }}" target="_blank" rel="noopener" data-document="identite">Pièce d'identité</a></li>{% endif %}{% endwith %}{% endwith %}</ul></td>
          <td><a href="{% url 'wagtailsnippets_missions_mission:inspect' mission.pk %}">{{ mission.epreuve|default:mission.activity.name }}</a><br><small>{{ mission.activity.name }} — {{ mission.centre.name }} ({{ mission.centre.island.name }}), {{ mission.start_date|date:"d/m/Y" }}</small></td>
          <td>{{ part.get_nature_display }}<br><small>{{ part.get_status_display }}</small></td>
          <td>{{ part.amount|xpf }}</td>
          <td>{% if late %}{{ part.etat.entry_deadline|date:"d/m/Y" }}{% else %}{% for flag in flags %}<span class="status-tag primary">⚠</span> {{ flag }}<br>{% empty %}—{% endfor %}{% endif %}</td>
          <td>
            {% if late %}
              <form method="post">{% csrf_token %}<input type="hidden" name="action" value="reopen"><input type="hidden" name="etat" value="{{ part.etat_id }}">
                <label>Rouvrir jusqu'au <input type="date" name="until" value="{{ default_reopen|date:'Y-m-d' }}" required></label>
                <button class="button button-small" type="submit">Rouvrir</button></form>
            {% else %}
              <details class="control-decision"><summary>Autre décision</summary>
                <form method="post">{% csrf_token %}<input type="hidden" name="part" value="{{ part.pk }}">
                  <label>Décision <select name="action">{% for value, label in decisions.items %}<option value="{{ value }}">{{ label }}</option>{% endfor %}</select></label>
                  <label>Motif (obligatoire) <input type="text" name="reason" required maxlength="500"></label>
                  <button class="button button-small button-secondary" type="submit">Appliquer</button>
                </form>
              </details>
            {% endif %}
          </td>
        </tr>
        {% endwith %}
      {% endfor %}
"""  # noqa: E501


@pytest.mark.parametrize("late", [False, True], ids=["queue", "late files"])
def test_control__rows_built_in_python_as_the_template_wrote_them(client, centre, monkeypatch,
                                                                   late):  # fmt: skip
    import re

    from django.core.files.base import ContentFile
    from django.template import Context, Template
    from django.utils import translation

    from missions.backoffice.views.control import DECISIONS, row_html
    from tests.missions.portal.conftest import PDF, PNG

    status = S.TO_ENTER if late else S.SERVICE_FAIT
    odd = DossierFactory(intervenant__last_name="O'Hara & <Fils>", iban="", bic="")
    odd.rib_document.save("rib.pdf", ContentFile(PDF))
    odd.id_document.save("id.pdf", ContentFile(PDF))
    flagged = MissionFactory(centre=centre, intervenant=odd.intervenant, epreuve="")
    _, travel = parts_for(flagged, status=status)
    leg = TravelLeg.objects.create(
        part=travel, date=flagged.start_date, mode="voiture", km=300,
        from_commune=commune("Uturoa"), to_commune=commune("Papeete"),
    )  # fmt: skip
    leg.receipt.save("billet.png", ContentFile(PNG))
    parts_for(MissionFactory(centre=centre, epreuve="Anglais <oral>"), status=status)  # no dossier
    if late:
        monkeypatch.setattr(
            "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2027, 9, 5)
        )
    client.force_login(gestionnaire())

    response = client.get(reverse("missions_control"), {"vue": "retard"} if late else {})
    rows, context = response.context["rows"], response.context
    assert len(rows) == 4 and (late or any(flags for _, flags in rows))

    def same(html):  # the template's line breaks and indentation aside
        return re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", " ", html)).replace("> <", "><").strip()

    token = "tok&en"
    with translation.override("fr"):
        expected = Template(CONTROL_ROWS).render(Context({
            "rows": rows, "late": late, "csrf_token": token, "decisions": DECISIONS,
            "default_reopen": context["default_reopen"],
        }))  # fmt: skip
        built = "".join(
            row_html(part, flags, late, token, context["default_reopen"]) for part, flags in rows
        )
    assert same(built) == same(expected)
    assert 'data-document="justificatif"' in built and 'data-document="rib"' in built
    assert "tok&amp;en" in built and "O&#x27;Hara &amp; &lt;Fils&gt;".upper() in built.upper()
