"""Odd input never ends in a server error (security issue, item 6): every GET parameter and
POST field of the staff screens, the portal and the public search is fed hostile values
(letters for ids, NUL bytes, 5,000 digits, NaN, 1e30, unicode digits, impossible dates…);
each answer is a page, a redirect or a 4xx, never a 500, and the reproduced cases say so in
French."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_access_matrix import World, client_for

pytestmark = pytest.mark.django_db

NASTY = [
    "", "abc", "a\x00b", "\x00", "NaN", "nan", "Infinity", "1e30", "-1e30", "99999999",
    "9" * 25, "9" * 5000, "-1", "0", "1.5", " 12 ", "²", "١٢", "１２", "'", '"', "%",
    "<script>alert(1)</script>", "2026-02-30", "2026-13-01", "31/12/2026", "../../etc/passwd",
    "null", "None", "[]", "{}", "é" * 300,
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def fields_of(names):
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, VALUES))


# (id, role, method, url builder, field names)
# fmt: off
ENDPOINTS = [
    ("service-fait-get", "gestionnaire", "get", lambda w: reverse("missions_service_fait"),
     ["centre", "session", "date", "vue"]),
    ("service-fait-chef-get", "chef_other", "get", lambda w: reverse("missions_service_fait"),
     ["centre", "session", "date", "vue"]),
    ("service-fait-post", "gestionnaire", "post", lambda w: reverse("missions_service_fait"),
     ["action", "mission", "missions", "comment", "reason", "quantity-1", "quantity-abc"]),
    ("controle-get", "gestionnaire", "get", lambda w: reverse("missions_control"),
     ["session", "centre", "nature", "archipel", "vue", "anomalies", "page"]),
    ("controle-post", "gestionnaire", "post", lambda w: reverse("missions_control"),
     ["action", "part", "parts", "etat", "until", "reason"]),
    ("convocations-plan", "gestionnaire", "get",
     lambda w: reverse("missions_convocations:plan"), ["session", "centre", "activity"]),
    ("convocations-post", "gestionnaire", "post",
     lambda w: reverse("missions_convocations:plan"), ["session", "centre", "activity"]),
    ("payment-new", "gestionnaire", "get", lambda w: reverse("missions_payment_new"),
     ["nature", "session"]),
    ("payment-new-post", "gestionnaire", "post", lambda w: reverse("missions_payment_new"),
     ["nature", "session"]),
    ("import-confirm", "gestionnaire", "post", lambda w: reverse("missions_import_confirm"),
     ["token", "cancel"]),
    ("lockouts-post", "gestionnaire", "post", lambda w: reverse("missions_lockouts"),
     ["username", "two_factor_user"]),
    ("mission-listing", "gestionnaire", "get",
     lambda w: reverse("wagtailsnippets_missions_mission:list"),
     ["q", "session", "centre", "island", "status", "nature", "p", "ordering"]),
    ("feepart-listing", "chef_other", "get",
     lambda w: reverse("wagtailsnippets_missions_feepart:list"),
     ["q", "status", "nature", "session", "p"]),
    ("dashboard", "gestionnaire", "get", lambda w: reverse("wagtailadmin_home"),
     ["session", "p"]),
    ("portal-list", "intervenant_a", "get", lambda w: reverse("portal:missions"),
     ["session", "statut"]),
    ("portal-add-work", "intervenant_a", "post",
     lambda w: reverse("portal:add_line", args=[w.mission.pk, "travail"]),
     ["date", "quantity", "hours", "minutes", "comment"]),
    ("portal-add-travel", "intervenant_a", "post",
     lambda w: reverse("portal:add_line", args=[w.mission.pk, "trajet"]),
     ["date", "mode", "from_commune", "to_commune", "km", "fare", "requisition"]),
    ("portal-submit", "intervenant_a", "post",
     lambda w: reverse("portal:submit", args=[w.mission.pk]), ["certify", "nature"]),
    ("portal-dossier", "intervenant_a", "post", lambda w: reverse("portal:dossier"),
     ["iban", "bic", "bank_name", "account_holder", "fiscal_horsepower", "address",
      "postal_code", "home_commune"]),
    ("public-search", "anonymous", "get", lambda w: reverse("search"), ["q", "page"]),
]
# fmt: on


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


@pytest.fixture
def today(monkeypatch):
    day = datetime.date(2026, 7, 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
    return day


@pytest.mark.parametrize(
    ("role", "method", "build", "names"),
    [pytest.param(*rest, id=case_id) for case_id, *rest in ENDPOINTS],
)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_server_error(world, db, today, role, method, build, names, data):
    client = client_for(role, world)
    client.raise_request_exception = False
    params = data.draw(fields_of(names))
    url = build(world)
    response = getattr(client, method)(url, params)
    assert response.status_code < 500, f"{method.upper()} {url} {params!r}"


# The cases the probe reproduced, each with the answer it now gets.
def test_reproduced_cases__french_answers_and_nothing_changed(world, db, today):
    from missions.models import FeePart, WorkLine

    staff = client_for("gestionnaire", world)
    anonymous = client_for("anonymous", world)
    statuses = dict(FeePart.objects.values_list("pk", "status"))
    quantities = dict(WorkLine.objects.values_list("pk", "quantity"))

    response = anonymous.get(reverse("search"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert "caractère interdit" in response.content.decode()
    assert anonymous.get(reverse("search"), {"q": '"'}).status_code == 200
    assert staff.get(reverse("missions_service_fait"), {"date": "abc"}).status_code == 200
    response = staff.post(
        reverse("missions_service_fait"), {"action": "attest_one", "mission": "abc"}
    )
    assert response.status_code == 404
    line = world.work_line
    for quantity in ("NaN", "1e30", "99999999"):
        response = staff.post(
            reverse("missions_service_fait"),
            {"action": "attest_one", "mission": world.mission.pk,
             f"quantity-{line.pk}": quantity, "comment": "Correction"},
            follow=True,
        )  # fmt: skip
        assert "Quantité invalide" in response.content.decode(), quantity
    for field in ("part", "etat"):
        action = "reject" if field == "part" else "reopen"
        response = staff.post(reverse("missions_control"), {"action": action, field: "abc"})
        assert response.status_code == 404
    session = staff.get(reverse("missions_service_fait"), {"session": "9" * 5000})
    assert session.status_code == 200
    assert dict(FeePart.objects.values_list("pk", "status")) == statuses
    assert dict(WorkLine.objects.values_list("pk", "quantity")) == quantities
