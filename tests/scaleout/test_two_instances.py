"""Several app servers, as docs/deployment.md promises: two gunicorn instances with production
settings share PostgreSQL, the Redis cache and sessions and the S3 object storage; whatever
one does, the other sees at its next request."""

import html
import re
import threading
import time

import psycopg
import pytest
from django.db import transaction

from home.models import ContactPage
from missions.enums import Actor, PartNature, PartStatus
from missions.models import Attestation, FeePart, StatusChange, TravelLeg, WorkLine
from missions.services.entry import save_line, submit
from missions.services.lifecycle import transition
from tests.factories import (
    IntervenantFactory,
    UserFactory,
    chef_de_centre,
    commune,
    gestionnaire,
)
from tests.scaleout.conftest import BUCKET, database_url, open_mission, portal_login, staff_login
from tests.scaleout.servers import csrf_token

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def validated_mission():
    """A mission whose intervenant entered their work and validated it: it waits for the
    service fait."""
    mission = open_mission(IntervenantFactory(first_name="Teva"), epreuve="Mathématiques")
    work = FeePart.objects.get(etat__mission=mission, nature=PartNature.REMUNERATION)
    save_line(work, WorkLine(date=mission.start_date, quantity=37))
    submit(mission.etat, mission.intervenant.user)
    return mission


def text(response):
    return html.unescape(response.text)


def badges(response):
    """The status badges of a portal page ("Rémunération : Service fait")."""
    return [
        html.unescape(b).strip()
        for b in re.findall(r'class="fr-badge[^"]*">([^<]+)<', response.text)
    ]


def test_session__made_on_one_instance_works_on_the_other(shared):
    mission = open_mission(IntervenantFactory(first_name="Hinano"))
    on_a = portal_login(shared.a, mission.intervenant)
    on_b = on_a.on(shared.b)
    page = on_b.get("/espace/")
    assert page.status_code == 200
    assert mission.epreuve in page.text
    # The session lives in Redis (cached_db: also written through to PostgreSQL).
    assert any(b"session" in key for key in shared.redis.keys("imagin:*"))
    # A Redis restart (emptied) logs nobody out: cached_db wrote it through to PostgreSQL.
    shared.redis.flushdb()
    assert mission.epreuve in on_a.get("/espace/").text
    # Logging out on B ends the session on A too.
    on_b.submit("/espace/", form="deconnexion")
    assert on_a.get("/espace/").headers["Location"].startswith("/espace/connexion/")


def test_status_change__made_on_one_instance_is_seen_on_the_other(shared):
    mission = validated_mission()
    intervenant_on_b = portal_login(shared.b, mission.intervenant)
    url = f"/espace/missions/{mission.pk}/"
    before = "Rémunération : Validé par l'intervenant"
    assert before in badges(intervenant_on_b.get(url))
    assert before in badges(intervenant_on_b.get("/espace/"))

    chef = staff_login(shared.a, chef_de_centre(mission.centre))
    done = chef.submit("/admin/service-fait/", {"action": "attest_one", "mission": mission.pk})
    assert done.status_code == 302

    for page in (url, "/espace/"):
        shown = badges(intervenant_on_b.get(page))
        assert "Rémunération : Service fait" in shown
        assert before not in shown

    # A write from outside the app servers (a worker, a cron command) is seen as well.
    work = FeePart.objects.get(etat__mission=mission, nature=PartNature.REMUNERATION)
    transition(work, "control", actor=Actor.GESTIONNAIRE, user=gestionnaire())
    for page in (url, "/espace/"):
        assert "Rémunération : Contrôlé" in badges(intervenant_on_b.get(page))


def test_publish__made_on_one_instance_is_served_by_the_other(shared):
    root = ContactPage.get_first_root_node().get_children().first()
    page = root.add_child(instance=ContactPage(title="Nous écrire", slug="nous-ecrire"))
    page.save_revision().publish()
    path = "/nous-ecrire/"
    for server in (shared.a, shared.b, shared.b):  # the second visit of B: from the cache
        assert "Nous écrire" in text(server.client().get(path))
    assert shared.redis.keys("imagin:*pagecache:page:*")

    editor = staff_login(shared.a, UserFactory(is_superuser=True, is_staff=True))
    edit = f"/admin/pages/{page.pk}/edit/"
    published = editor.submit(
        edit, {"title": "Écrire à la DEC", "action-publish": "action-publish"}, form=edit
    )
    assert published.status_code == 302, text(published)[-3000:]

    fresh = text(shared.b.client().get(path))
    assert "Écrire à la DEC" in fresh
    assert "Nous écrire" not in fresh


def test_simultaneous_attestations_on_both_instances__exactly_one_wins(shared):
    mission = validated_mission()
    chef = staff_login(shared.a, chef_de_centre(mission.centre))
    clients = {"A": chef, "B": chef.on(shared.b)}
    forms = {}
    for name, client in clients.items():
        forms[name] = csrf_token(client.get("/admin/service-fait/").text)
    responses = {}

    def attest(name):
        client = clients[name]
        responses[name] = client.post(
            "/admin/service-fait/",
            {"action": "attest_one", "mission": mission.pk, "csrfmiddlewaretoken": forms[name]},
        )

    # The test holds the parts' row locks until both instances wait on them: the two
    # attestations are then truly simultaneous, whatever the machine's load.
    with transaction.atomic():
        list(FeePart.objects.select_for_update().filter(etat__mission=mission))
        threads = [threading.Thread(target=attest, args=(name,)) for name in clients]
        for thread in threads:
            thread.start()
        wait_for_lock_waiters(2)
    for thread in threads:
        thread.join(timeout=60)

    assert {name: r.status_code for name, r in responses.items()} == {"A": 302, "B": 302}
    shown = {name: text(clients[name].get(r.headers["Location"])) for name, r in responses.items()}
    won = [name for name, page in shown.items() if "Service fait attesté" in page]
    lost = [
        name for name, page in shown.items() if "impossible" in page or "Rien à attester" in page
    ]
    assert len(won) == 1 and len(lost) == 1 and won != lost
    assert "Action « Attester le service fait » impossible" in shown[lost[0]] or (
        "Rien à attester" in shown[lost[0]]
    )
    attested = StatusChange.objects.filter(
        part__etat__mission=mission, to_status=PartStatus.SERVICE_FAIT
    )
    assert attested.count() == 1
    assert Attestation.objects.filter(etat__mission=mission).count() == 1


def wait_for_lock_waiters(count, timeout=60):
    """Block until `count` other sessions of the database wait on a lock (seen from a
    connection of its own: a transaction keeps its first view of pg_stat_activity)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url(), autocommit=True) as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND cardinality(pg_blocking_pids(pid)) > 0"
            ).fetchone()[0]
            if waiting >= count:
                return
            time.sleep(0.05)
    raise AssertionError(f"{count} requêtes en attente de verrou attendues")


def test_receipt__uploaded_through_one_instance_is_served_by_the_other_from_s3(shared):
    mission = open_mission(IntervenantFactory(first_name="Moana", home_commune=commune("Uturoa")))
    on_a = portal_login(shared.a, mission.intervenant)
    url = f"/espace/missions/{mission.pk}/"
    added = on_a.submit(
        url,
        {
            "trajet-date": mission.start_date.isoformat(),
            "trajet-departure_time": "06:00",
            "trajet-arrival_time": "06:45",
            "trajet-from_commune": mission.intervenant.home_commune_id,
            "trajet-to_commune": mission.centre.commune_id,
            "trajet-mode": "avion",
            "trajet-fare": "12500",
        },
        form="lignes/trajet/ajouter",
        files={"trajet-receipt": ("billet.png", PNG, "image/png")},
    )
    # Saved: the mission page answers directly (issue 16), not the form again (400).
    assert added.status_code == 200, text(added)[-3000:]
    leg = TravelLeg.objects.get(part__etat__mission=mission)

    # In the bucket, under private/, and nowhere on the instances' disks.
    stored = shared.s3.get_object(Bucket=BUCKET, Key=f"private/{leg.receipt.name}")
    assert stored["Body"].read() == PNG
    assert not [p for p in shared.local_files.rglob("*") if p.is_file()]

    receipt = f"/espace/justificatifs/trajet/{leg.pk}/"
    served = on_a.on(shared.b).get(receipt)
    assert served.status_code == 200
    assert served.content == PNG
    assert "attachment" in served.headers["Content-Disposition"]

    stranger = portal_login(
        shared.b, open_mission(IntervenantFactory(first_name="Tane")).intervenant
    )
    assert stranger.get(receipt).status_code == 404
    assert shared.b.client().get(receipt).headers["Location"].startswith("/espace/connexion/")
