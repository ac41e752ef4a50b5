"""The portal's cached pages cannot be stale: random sequences of the writes that change what
they show, each through the real view, service or import path, and after each write every
page of the intervenant served from the cache equals a fresh rendering (cache off), CSRF
tokens aside, and every part's copies of its mission's session and centre (which the DEC
control queue counts on) still equal the mission's.

WRITES lists every write path by name. A path missing here is a path nobody checked: add
one when a service, view or import starts writing something the portal shows. The writes
that send no signal (QuerySet.update, bulk_create/bulk_update, COPY) are also found by
test_page_cache.py::test_every_signal_less_write__renews_the_portal_versions.
"""

import datetime
import functools
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from wagtail.models import Site

from home import site_chrome
from home.models import ContactSettings, ContentPage
from missions import reference_data
from missions.enums import Actor, PartNature, PartStatus
from missions.io import imports, payment_files
from missions.models import (
    Activity,
    Archipelago,
    Centre,
    Commune,
    DossierFinancier,
    FeePart,
    Intervenant,
    Island,
    MealLine,
    Mission,
    PaymentBatch,
    Rate,
    Session,
    TravelLeg,
    WorkLine,
)
from missions.models.locks import LockedError
from missions.services import attestation, entry, fees, lifecycle, payments
from missions.services.convocations import issue_missions
from tests.factories import (
    CentreFactory,
    IntervenantFactory,
    MissionFactory,
    SessionFactory,
    chef_de_centre,
    commune,
    gestionnaire,
    payable_dossier,
)
from tests.missions.portal.conftest import issued_mission
from tests.missions.test_imports import csv_bytes
from tests.missions.test_part_copies import assert_copies_follow_missions

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 1)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
REFUSED = (
    LockedError,  # a validated mission edited or moved
    entry.EntryError,
    lifecycle.TransitionError,
    attestation.AttestationError,
    payments.PaymentError,
)


class World:
    """Alice's missions in the states the writes need, the staff who act on them."""

    def __init__(self, client):
        self.client = client
        self.dec = gestionnaire()
        self.centre = CentreFactory(commune=place("Papeete"))
        self.chef = chef_de_centre(self.centre)
        self.session = SessionFactory()
        self.other_session = SessionFactory(name="Session de remplacement")
        self.other_centre = CentreFactory(name="Lycée de Faa'a", commune=place("Faa'a"))
        self.alice = IntervenantFactory(first_name="Alice", home_commune=place("Uturoa"))
        self.bruno = IntervenantFactory(first_name="Bruno")
        payable_dossier(self.alice)
        common = {"session": self.session, "centre": self.centre}
        self.entry = issued_mission(self.alice, epreuve="Philosophie", **common)
        entry.save_line(
            self.part(self.entry, PartNature.REMUNERATION),
            WorkLine(date=self.entry.start_date, quantity=20),
            today=TODAY,
        )
        leg = TravelLeg(
            date=self.entry.start_date,
            departure_time=datetime.time(6),
            arrival_time=datetime.time(7),
            from_commune=place("Uturoa"),
            to_commune=place("Papeete"),
            mode="voiture",
            km=Decimal(25),
        )
        entry.save_line(self.part(self.entry, PartNature.TRAVEL), leg, today=TODAY)
        self.paid = issued_mission(
            self.alice, epreuve="Mathématiques", start_date=datetime.date(2026, 6, 17), **common
        )
        work = self.part(self.paid, PartNature.REMUNERATION)
        entry.save_line(work, WorkLine(date=self.paid.start_date, quantity=30), today=TODAY)
        entry.submit(self.paid.etat, self.alice.user, today=TODAY)
        attestation.attest(self.paid, self.chef)
        lifecycle.transition(work, "control", actor=Actor.GESTIONNAIRE, user=self.dec)
        # Not issued yet, and to come: its parts open when issued.
        self.new = MissionFactory(
            intervenant=self.alice,
            epreuve="Histoire",
            start_date=datetime.date(2026, 7, 20),
            **common,
        )
        site = Site.objects.get(is_default_site=True)
        ContactSettings.for_site(site)  # made now, not by the first page (a new generation)
        root = site.root_page
        self.menu_page = root.add_child(
            instance=ContentPage(title="Aide", slug="aide-portail", show_in_menus=True)
        )
        client.force_login(self.alice.user)

    def part(self, mission, nature):
        return FeePart.objects.get(etat__mission=mission, nature=nature)

    def missions(self):
        return [self.entry, self.paid, self.new]

    def urls(self):
        return [
            reverse("portal:missions"),
            reverse("portal:missions") + f"?statut={PartStatus.TO_ENTER}",
            *(reverse("portal:mission", args=[m.pk]) for m in self.missions()),
        ]

    def flush_messages(self):
        """Show the messages a portal view left on a page outside the compared ones."""
        self.client.get(reverse("portal:dossier"))


# The write paths. Each takes the world and a `draw` (hypothesis) for its choices; a write
# the rules refuse (a transition from the wrong status...) changes nothing, which is
# checked the same way.


def post_line(kind, fields):
    def write(w, draw):
        mission = draw(st.sampled_from([w.entry, w.paid]))
        url = reverse("portal:add_line", args=[mission.pk, kind])
        w.client.post(url, {f"{kind}-{name}": value for name, value in fields(draw).items()})
        w.flush_messages()

    return write


@functools.cache
def _seeded_pk(name):
    return commune(name).pk


def place(name):
    """A commune by the name the reference data gives it, whatever a write renamed it to
    since (looking it up by its current name would fail after « commune renommée »)."""
    return Commune.objects.get(pk=_seeded_pk(name))


def work_fields(draw):
    return {"date": "2026-06-16", "quantity": str(draw(st.integers(0, 60)))}


def travel_fields(draw):
    return {
        "date": "2026-06-16",
        "departure_time": "06:00",
        "arrival_time": "07:00",
        "mode": "voiture",
        "from_commune": place("Uturoa").pk,
        "to_commune": place("Papeete").pk,
        "km": str(draw(st.integers(1, 120))),
    }


def meal_fields(draw):
    return {"date": "2026-06-16", "kind": draw(st.sampled_from(["dejeuner", "diner"]))}


def delete_line(w, draw):
    lines = [
        (kind, line)
        for kind, model in (("travail", WorkLine), ("trajet", TravelLeg), ("repas", MealLine))
        for line in model.objects.filter(part__etat__mission__intervenant=w.alice)
    ]
    if lines:
        kind, line = draw(st.sampled_from(lines))
        mission = line.part.etat.mission
        w.client.post(reverse("portal:delete_line", args=[mission.pk, kind, line.pk]))
        w.flush_messages()


def submit_view(w, draw):
    mission = draw(st.sampled_from([w.entry, w.paid]))
    w.client.post(reverse("portal:submit", args=[mission.pk]), {"certify": "on"})
    w.flush_messages()


def transition(name):
    """One rule of the lifecycle, by the actor allowed to play it, on a part it applies to."""
    rules = [rule for rule in lifecycle.RULES if rule.name == name]

    def write(w, draw):
        candidates = [
            (part, rule)
            for part in FeePart.objects.filter(etat__mission__intervenant=w.alice).order_by("pk")
            for rule in rules
            if part.status in rule.sources
        ]
        if not candidates:
            return
        part, rule = draw(st.sampled_from(candidates))
        actor = sorted(rule.actors)[0]
        user = {
            Actor.GESTIONNAIRE: w.dec,
            Actor.CHEF_DE_CENTRE: w.chef,
            Actor.INTERVENANT: w.alice.user,
        }.get(actor)
        lifecycle.transition(part, name, actor=actor, user=user, reason="Motif de test.")

    return write


def attest(w, draw):
    mission = draw(st.sampled_from(w.missions()))
    corrections = {}
    line = WorkLine.objects.filter(part__etat__mission=mission).first()
    if line is not None and draw(st.booleans()):
        corrections = {line.pk: str(draw(st.integers(0, 60)))}
    attestation.attest(mission, w.chef, corrections=corrections, comment="Copies recomptées.")


def send_back(w, draw):
    mission = draw(st.sampled_from(w.missions()))
    attestation.send_back(mission, w.chef, "Date à corriger.")


def reopen(w, draw):
    mission = draw(st.sampled_from([w.entry, w.paid]))
    until = w.session.entry_deadline + datetime.timedelta(days=draw(st.integers(1, 30)))
    entry.reopen_entry(mission.etat, until, w.dec)


def create_batch(w, draw):
    payments.create_batch(PartNature.REMUNERATION, user=w.dec, today=TODAY)


def batch(status):
    return PaymentBatch.objects.filter(status=status).order_by("-pk").first()


def remove_from_batch(w, draw):
    found = batch("brouillon")
    part = found and found.parts.first()
    if part:
        payments.remove_part(found, part, user=w.dec)


def export_batch(w, draw):
    if found := batch("brouillon"):
        days = draw(st.integers(0, 40))
        payment_files.export_batch(
            found, expected_payment_on=TODAY + datetime.timedelta(days), today=TODAY
        )


def mark_paid(w, draw):
    if found := batch("exporte"):
        # Exported at the real time (exported_at): paid that day.
        day = timezone.localtime(found.exported_at).date()
        payments.mark_paid(found, paid_on=day, user=w.dec, today=day)


def dossier_changed(w, draw):
    dossier = DossierFinancier.objects.get(intervenant=w.alice)
    dossier.vehicle_horsepower = draw(st.sampled_from([8, None, 3, 5]))
    dossier.save()


def issue_convocations(w, draw):
    issue_missions([w.new], user=w.dec, today=TODAY)


def import_missions(w, draw):
    """A CSV of missions through the bulk path (COPY / UPDATE, no signal)."""
    row = {
        "Identifiant intervenant": w.alice.identifier,
        "Session": w.session.name,
        "Type de mission": "correction",
        "Épreuve": draw(st.sampled_from(["Histoire", "Géographie"])),
        "Code UAI du centre": w.centre.uai,
        "Premier jour": "18/06/2026",
        "Dernier jour": "18/06/2026",
        "Heure de début": "07:30",
        "Heure de fin": "12:30",
        "Quantité prévue": str(draw(st.integers(1, 80))),
    }
    parsed = imports.read_file(csv_bytes([row]), "missions.csv")
    imports.run_import("missions", parsed, dry_run=False)


def import_intervenants(w, draw):
    """The intervenants' file (row by row through the resource): Alice's first name."""
    alice = Intervenant.objects.get(pk=w.alice.pk)
    row = {
        "Identifiant": alice.identifier,
        "Civilité": "Madame",
        "Nom de naissance": alice.last_name,
        "Prénom": draw(st.sampled_from(["Alicia", "Hinano", "Alice"])),
        "Date de naissance": "14/03/1980",
        "Courriel": alice.email,
        "Commune de résidence": "Uturoa",
        "Catégorie": "education_pf",
    }
    report = imports.run_import(
        "intervenants", imports.read_file(csv_bytes([row]), "i.csv"), dry_run=False
    )
    assert report.ok, report.errors


def recompute(w, draw):
    fees.recompute_part(w.part(w.entry, draw(st.sampled_from(PartNature.values))))


def mission_edited(w, draw):
    mission = Mission.objects.get(pk=draw(st.sampled_from(w.missions())).pk)
    mission.epreuve = draw(st.sampled_from(["Philosophie (2e sujet)", "Philosophie"]))
    mission.save()


def mission_relocated(w, draw):
    """Another session and centre (the admin's form saves the mission): the page shows them,
    and the parts' copies of both, which the DEC control queue counts on, follow."""
    mission = Mission.objects.get(pk=draw(st.sampled_from(w.missions())).pk)
    mission.session = w.session if mission.session_id == w.other_session.pk else w.other_session
    mission.centre = w.centre if mission.centre_id == w.other_centre.pk else w.other_centre
    mission.save()


def mission_moved(w, draw):
    mission = Mission.objects.get(pk=draw(st.sampled_from(w.missions())).pk)
    mission.intervenant = w.bruno if mission.intervenant_id == w.alice.pk else w.alice
    mission.save()


def renamed(model, field, lookup, names):
    def write(w, draw):
        row = model.objects.get(**lookup(w))
        name = draw(st.sampled_from(names))
        setattr(row, field, name if name != getattr(row, field) else f"{name} (renommé)")
        row.save()

    return write


def rate_changed(w, draw):
    rate = Rate.objects.filter(activity__code="correction").order_by("-valid_from").first()
    rate.amount = draw(st.integers(100, 900))
    rate.save()


def rate_updated_in_bulk(w, draw):
    """A queryset update of the rates, followed by the bump reference_data documents."""
    Rate.objects.filter(activity__code="correction").update(amount=draw(st.integers(100, 900)))
    reference_data.bump()


def neighbours_changed(w, draw):
    uturoa, papeete = place("Uturoa"), place("Papeete")
    if draw(st.booleans()):
        uturoa.neighbours.remove(papeete)
    else:
        uturoa.neighbours.add(papeete)


def deadline_changed(w, draw):
    w.session.entry_deadline = draw(
        st.sampled_from([datetime.date(2026, 6, 30), datetime.date(2026, 8, 31)])
    )
    w.session.save()


def contact_changed(w, draw):
    contact = ContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.phone = draw(st.sampled_from(["40 47 20 00", "40 47 20 99"]))
    contact.save()


def menu_page_published(w, draw):
    page = ContentPage.objects.get(pk=w.menu_page.pk)
    page.title = draw(st.sampled_from(["Aide aux intervenants", "Aide"]))
    page.save_revision().publish()


WRITES = {
    # Entry in the portal (views)
    "portail : ligne de travail": post_line("travail", work_fields),
    "portail : trajet": post_line("trajet", travel_fields),
    "portail : repas": post_line("repas", meal_fields),
    "portail : suppression d'une ligne": delete_line,
    "portail : validation de la saisie": submit_view,
    # Every lifecycle transition (services/lifecycle.py)
    **{f"cycle de vie : {name}": transition(name) for name in sorted(lifecycle.RULE_NAMES)},
    # Service fait, DEC control
    "service fait : attestation (quantité corrigée ou non)": attest,
    "service fait : renvoi pour correction": send_back,
    "contrôle DEC : réouverture de la saisie": reopen,
    "recalcul des montants (update, bulk_update)": recompute,
    # Payments
    "paiement : création d'un lot": create_batch,
    "paiement : retrait d'une partie du lot": remove_from_batch,
    "paiement : export du lot (date de paiement prévue)": export_batch,
    "paiement : lot payé (date de paiement)": mark_paid,
    # Dossier, convocations, imports, missions edited by the DEC
    "dossier financier modifié": dossier_changed,
    "convocations émises (bulk_create, bulk_update)": issue_convocations,
    "import de missions (COPY, UPDATE en masse)": import_missions,
    "import d'intervenants (ligne à ligne)": import_intervenants,
    "mission modifiée": mission_edited,
    "mission confiée à un autre intervenant": mission_moved,
    "mission déplacée (autre session, autre centre)": mission_relocated,
    # Reference data
    "référentiel : taux": rate_changed,
    "référentiel : taux par update() + reference_data.bump()": rate_updated_in_bulk,
    "référentiel : commune renommée": renamed(
        Commune, "name", lambda w: {"pk": w.centre.commune_id},
        ["Papeete-Ville", "Papeete"],
    ),
    "référentiel : communes voisines": neighbours_changed,
    "référentiel : île renommée": renamed(
        Island, "name", lambda w: {"pk": w.centre.commune.island_id}, ["Tahiti Nui", "Tahiti"]
    ),
    "référentiel : archipel renommé": renamed(
        Archipelago, "name", lambda w: {"pk": w.centre.commune.island.archipelago_id},
        ["Archipel de la Société", "Îles du Vent"],
    ),
    "référentiel : type de mission renommé": renamed(
        Activity, "name", lambda w: {"code": "correction"}, ["Correction de copies", "Correction"]
    ),
    "référentiel : session renommée": renamed(
        Session, "name", lambda w: {"pk": w.session.pk},
        ["Bac 2026", "Baccalauréat 2026"],
    ),
    "référentiel : date limite de la session": deadline_changed,
    "référentiel : centre renommé": renamed(
        Centre, "name", lambda w: {"pk": w.centre.pk},
        ["Lycée Gauguin", "Lycée Paul-Gauguin"],
    ),
    # Site chrome around the portal
    "site : coordonnées de la DEC (pied de page)": contact_changed,
    "site : page du menu publiée": menu_page_published,
}  # fmt: skip


def normalised(response):
    return response.status_code, TOKEN.sub("", response.content.decode())


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_after_any_write__cached_pages_equal_fresh_ones(client, today, data):
    cache.clear()  # the database of the last example was rolled back, the cache was not
    reference_data.forget()
    site_chrome.forget()
    with transaction.atomic():
        world = World(client)
        urls = world.urls()
        for url in urls:  # everything cached before the first write
            client.get(url)
        for _step in range(data.draw(st.integers(1, 6), label="steps")):
            name = data.draw(st.sampled_from(sorted(WRITES)), label="write")
            try:
                with transaction.atomic():
                    WRITES[name](world, data.draw)
            except REFUSED:
                pass  # refused by the rules: nothing changed, the pages must say so too
            assert_copies_follow_missions()
            for url in urls:
                cached = normalised(client.get(url))
                with override_settings(PORTAL_CACHE_SECONDS=0):
                    fresh = normalised(client.get(url))
                assert cached == fresh, f"page {url} périmée après « {name} »"
        transaction.set_rollback(True)


def simplest(strategy, label=None):
    """A `draw` that takes the simplest value (the first choice, the smallest number)."""
    return find(strategy, lambda value: True)


# What a write needs to have happened first to find something to act on.
PREPARE = {
    "cycle de vie : attest": ["portail : validation de la saisie"],
    "cycle de vie : send_back": ["portail : validation de la saisie"],
    "service fait : attestation (quantité corrigée ou non)": ["portail : validation de la saisie"],
    "service fait : renvoi pour correction": ["portail : validation de la saisie"],
    "cycle de vie : control": [
        "portail : validation de la saisie",
        "service fait : attestation (quantité corrigée ou non)",
    ],
    "cycle de vie : open_entry": ["convocations émises (bulk_create, bulk_update)"],
    "cycle de vie : restore": ["cycle de vie : cancel"],
    "cycle de vie : remove_from_batch": ["paiement : création d'un lot"],
    "cycle de vie : mark_paid": ["paiement : création d'un lot"],
    "paiement : retrait d'une partie du lot": ["paiement : création d'un lot"],
    "paiement : export du lot (date de paiement prévue)": ["paiement : création d'un lot"],
    "paiement : lot payé (date de paiement)": [
        "paiement : création d'un lot",
        "paiement : export du lot (date de paiement prévue)",
    ],
}
# Writes that, in this world, rightly change no page: the mission imported is not issued;
# the amounts recomputed from unchanged lines and rates are the same; neighbouring
# communes change the rules of journeys within an island, Alice's crosses the sea.
CHANGES_NO_PAGE = {
    "référentiel : communes voisines",
    "import de missions (COPY, UPDATE en masse)",
    "recalcul des montants (update, bulk_update)",
}


def test_every_write__runs_and_the_pages_follow(client, today):
    """Each write, alone after a fresh world (and what it needs), is accepted, changes what
    the pages show (unless listed) and the cached pages then equal fresh ones."""
    for name, write in sorted(WRITES.items()):
        cache.clear()
        reference_data.forget()
        site_chrome.forget()
        with transaction.atomic():
            world = World(client)
            for needed in PREPARE.get(name, []):
                WRITES[needed](world, simplest)
            before = [normalised(client.get(url)) for url in world.urls()]  # and stored
            write(world, simplest)
            assert_copies_follow_missions()
            after = []
            for url in world.urls():
                cached = normalised(client.get(url))
                with override_settings(PORTAL_CACHE_SECONDS=0):
                    assert cached == normalised(client.get(url)), f"{url} après « {name} »"
                after.append(cached)
            if name not in CHANGES_NO_PAGE:
                assert after != before, f"« {name} » n'a rien changé aux pages"
            transaction.set_rollback(True)
