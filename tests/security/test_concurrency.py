"""Concurrency: two threads (two database connections) acting on the same part, file or form
at the same moment; exactly one wins and the data stays consistent.

Transactional tests: each thread commits through its own connection, as two web workers
would."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from missions.enums import Actor, MealKind, PartNature, PartStatus
from missions.models import FeePart, MealLine, NightLine, StatusChange, WorkLine
from missions.services.attestation import AttestationError, attest
from missions.services.convocations import issue_mission
from missions.services.entry import EntryError, submit
from missions.services.lifecycle import TransitionError, transition
from tests.factories import (
    DossierFactory,
    IntervenantFactory,
    MissionFactory,
    commune,
    controlled_parts,
    gestionnaire,
    parts_for,
)

transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)
pytestmark = transactional
TODAY = datetime.date(2026, 7, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def race(*actions, timeout=30):
    """Run the actions in threads released together; returns [(ok, result or exception)]."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout)
            results[index] = (True, action())
        except Exception as error:  # the loser's refusal, kept for the assertions
            results[index] = (False, error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results


def winners(results):
    return [result for ok, result in results if ok]


def losers(results):
    return [error for ok, error in results if not ok]


def issued(intervenant=None):
    intervenant = intervenant or IntervenantFactory(home_commune=commune("Uturoa"))
    DossierFactory(intervenant=intervenant)
    mission = MissionFactory(intervenant=intervenant)
    issue_mission(mission, today=datetime.date(2026, 6, 30))
    mission.refresh_from_db()
    return mission


def test_two_gestionnaires_control_the_same_part__exactly_one_succeeds():
    mission = MissionFactory()
    part, _ = parts_for(mission, status=PartStatus.SERVICE_FAIT)
    first, second = gestionnaire(), gestionnaire()

    def control(user):
        return lambda: transition(
            FeePart.objects.get(pk=part.pk), "control", actor=Actor.GESTIONNAIRE, user=user
        )

    results = race(control(first), control(second))

    assert len(winners(results)) == 1
    [error] = losers(results)
    assert isinstance(error, TransitionError)
    assert "impossible" in str(error)
    part.refresh_from_db()
    assert part.status == PartStatus.CONTROLLED
    assert StatusChange.objects.filter(part=part, to_status=PartStatus.CONTROLLED).count() == 1


def test_reject_and_cancel_at_once__one_decision_only():
    mission = MissionFactory()
    part, _ = parts_for(mission, status=PartStatus.SERVICE_FAIT)
    user = gestionnaire()

    def act(name, reason=""):
        return lambda: transition(
            FeePart.objects.get(pk=part.pk), name, actor=Actor.GESTIONNAIRE, user=user,
            reason=reason,
        )  # fmt: skip

    # Each is final for the other: rejected cannot be cancelled, cancelled cannot be rejected.
    results = race(act("reject", "Hors délai"), act("cancel", "Doublon"))

    assert len(winners(results)) == 1
    assert isinstance(losers(results)[0], TransitionError)
    part.refresh_from_db()
    assert part.status in (PartStatus.REJECTED, PartStatus.CANCELLED)
    assert part.history.count() == 1


def test_two_attestations_of_the_same_mission__exactly_one_succeeds():
    mission = issued()
    for part in mission.etat.parts.all():
        FeePart.objects.filter(pk=part.pk).update(status=PartStatus.VALIDATED_BY_INTERVENANT)
    first, second = gestionnaire(), gestionnaire()

    def attest_as(user):
        return lambda: attest(mission, user, Actor.GESTIONNAIRE)

    results = race(attest_as(first), attest_as(second))

    assert len(winners(results)) == 1
    assert isinstance(losers(results)[0], AttestationError)
    for part in FeePart.objects.filter(etat__mission=mission):
        assert part.status == PartStatus.SERVICE_FAIT
        assert part.history.filter(to_status=PartStatus.SERVICE_FAIT).count() == 1


def test_two_submissions_of_the_same_entry__exactly_one_succeeds():
    mission = issued()
    part = mission.etat.parts.get(nature=PartNature.REMUNERATION)
    WorkLine.objects.create(part=part, date=mission.start_date, quantity=Decimal(12))
    user = mission.intervenant.user

    def submit_once():
        from missions.models import EtatDeFrais

        return submit(EtatDeFrais.objects.get(pk=mission.etat.pk), user)

    results = race(submit_once, submit_once)

    assert len(winners(results)) == 1
    assert isinstance(losers(results)[0], EntryError)
    part.refresh_from_db()
    assert part.status == PartStatus.VALIDATED_BY_INTERVENANT
    assert part.history.filter(to_status=PartStatus.VALIDATED_BY_INTERVENANT).count() == 1


def test_two_payment_batches_take_the_same_part__exactly_one_succeeds():
    payments = pytest.importorskip("missions.services.payments")
    work, _ = controlled_parts()
    user = gestionnaire()
    batches = [payments.new_batch(PartNature.REMUNERATION, user=user) for _ in range(2)]
    assert batches[0].number != batches[1].number

    def add_to(batch):
        return lambda: payments.add_part(batch, work, user=user)

    results = race(add_to(batches[0]), add_to(batches[1]))

    assert len(winners(results)) == 1
    assert isinstance(losers(results)[0], payments.PaymentError)
    work.refresh_from_db()
    assert work.status == PartStatus.IN_PAYMENT and work.batch_id in {b.pk for b in batches}


def test_two_new_batches_at_once__get_distinct_numbers():
    payments = pytest.importorskip("missions.services.payments")
    user = gestionnaire()

    results = race(*[lambda: payments.new_batch(PartNature.TRAVEL, user=user)] * 2)

    numbers = [batch.number for batch in winners(results)]
    assert len(numbers) == 2 and len(set(numbers)) == 2


# Double submission of a form.


def meal_post(mission):
    return {"repas-date": f"{mission.start_date:%Y-%m-%d}", "repas-kind": MealKind.LUNCH}


def test_add_line__double_post_of_the_same_meal_creates_one_row():
    mission = issued()
    client = Client()
    client.force_login(mission.intervenant.user)
    url = reverse("portal:add_line", args=[mission.pk, "repas"])

    first = client.post(url, meal_post(mission))
    second = client.post(url, meal_post(mission))

    assert first.status_code == 200
    assert second.status_code == 400
    assert "déjà déclaré" in second.content.decode()
    assert MealLine.objects.count() == 1


def test_add_line__double_post_of_the_same_night_creates_one_row():
    mission = issued()
    client = Client()
    client.force_login(mission.intervenant.user)
    url = reverse("portal:add_line", args=[mission.pk, "nuitee"])
    data = {"nuitee-date": f"{mission.start_date:%Y-%m-%d}"}

    statuses = [client.post(url, data).status_code for _ in range(2)]

    assert statuses == [200, 400]
    assert NightLine.objects.count() == 1


@pytest.fixture
def both_past_the_form(monkeypatch):
    """Hold each request between its form validation and its write until both got there:
    the worst interleaving of a double click."""
    from missions.portal import mission_views

    barrier = threading.Barrier(2)
    real = mission_views.save_line

    def slow_save_line(part, line, today=None):
        barrier.wait(10)
        return real(part, line, today)

    monkeypatch.setattr(mission_views, "save_line", slow_save_line)


def concurrent_meal_posts(mission):
    url = reverse("portal:add_line", args=[mission.pk, "repas"])

    def post():
        client = Client(raise_request_exception=False)
        client.force_login(mission.intervenant.user)
        return client.post(url, meal_post(mission)).status_code

    return race(post, post)


def test_add_line__simultaneous_double_post_of_a_meal_keeps_one_row(both_past_the_form):
    mission = issued()
    results = concurrent_meal_posts(mission)
    assert all(ok for ok, _ in results)
    assert MealLine.objects.count() == 1
    assert 200 in winners(results)


def test_add_line__simultaneous_double_post_of_a_meal_answers_no_500(both_past_the_form):
    mission = issued()
    results = concurrent_meal_posts(mission)
    assert sorted(winners(results)) == [200, 400]


# The public request form.


@pytest.fixture
def request_page():
    from tests.regulations.factories import request_page

    cache.clear()
    yield request_page()
    cache.clear()


def test_public_request__double_submit_creates_one_request(request_page):
    from regulations.models import IntervenantRequest
    from tests.regulations.factories import valid_form_data

    client = Client()
    first = client.post(request_page.url, valid_form_data())
    second = client.post(request_page.url, valid_form_data())

    assert first.status_code == 302
    assert second.status_code == 200
    assert "déjà en cours de traitement" in second.content.decode()
    assert IntervenantRequest.objects.count() == 1


def test_public_request__simultaneous_double_submit_creates_one_request(request_page, monkeypatch):
    """Both pass the form's duplicate check (a plain SELECT); the unique constraints on
    pending requests keep one, and the other sender is told a request is already pending."""
    from regulations import services
    from regulations.models import IntervenantRequest
    from tests.regulations.factories import valid_form_data

    barrier = threading.Barrier(2)
    real = services.submit_request

    def slow_submit(form):
        barrier.wait(10)
        return real(form)

    monkeypatch.setattr(services, "submit_request", slow_submit)

    def post():
        return (
            Client(raise_request_exception=False)
            .post(request_page.url, valid_form_data())
            .status_code
        )

    results = race(post, post)

    assert all(ok for ok, _ in results)
    assert sorted(status for _, status in results) == [200, 302]
    assert IntervenantRequest.objects.count() == 1
