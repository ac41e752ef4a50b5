"""The large dataset, straight into PostgreSQL with COPY: centres in every commune (so on
every island), 5 sessions, N intervenants with their dossier, M missions issued with their
état de frais, two parts each and a work line per declared remuneration part. One intervenant
(`bench.intervenant`) has exactly 15 missions and a portal account; `gestionnaire` (from
seed_demo) gets a confirmed TOTP device."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from bench.config import BENCH_MISSIONS_OF_USER, BENCH_PASSWORD, BENCH_USERNAME
from bench.copy import copy_rows, next_id, reset_sequence
from missions.enums import IntervenantCategory, PartNature, PartStatus
from missions.models import (
    Activity,
    Centre,
    Commune,
    DossierFinancier,
    EtatDeFrais,
    Exam,
    FeePart,
    Intervenant,
    Mission,
    Session,
    WorkLine,
)
from missions.services import portal_versions

S = PartStatus
STATUSES = [S.PAID, S.IN_PAYMENT, S.CONTROLLED, S.SERVICE_FAIT, S.VALIDATED_BY_INTERVENANT]
STATUSES += [S.TO_ENTER, S.TO_CORRECT, S.OPEN]
WEIGHTS = [35, 10, 10, 10, 10, 15, 5, 5]
DECLARED = {S.PAID, S.IN_PAYMENT, S.CONTROLLED, S.SERVICE_FAIT, S.VALIDATED_BY_INTERVENANT}
FIRST = ["Vaiana", "Hinano", "Moana", "Tiare", "Teva", "Tama", "Heimana", "Claire", "Marc"]
LAST = ["Teriitehau", "Tetuanui", "Faatau", "Temauri", "Mahinui", "Tapu", "Martin", "Wong"]
EPREUVES = ["Philosophie", "Français", "Mathématiques", "Anglais", "Grand oral", "Histoire"]
PREFIX = "BENCH"


def centres(chef):
    """One centre per commune (hence every island), each with the demo chef de centre."""
    made = []
    for index, commune in enumerate(Commune.objects.select_related("island").order_by("pk")):
        centre, _ = Centre.objects.get_or_create(
            uai=f"985{index:04d}B",
            defaults={"name": f"Centre {commune.name}", "commune": commune},
        )
        if chef is not None:
            centre.chefs.add(chef)
        made.append(centre)
    return made


def sessions(today):
    exams = list(Exam.objects.order_by("pk"))
    made = []
    for index in range(5):
        exam = exams[index % len(exams)]
        start = today - datetime.timedelta(days=300 - index * 60)
        session, _ = Session.objects.get_or_create(
            exam=exam,
            name=f"{PREFIX} {exam.name} session {index + 1}",
            defaults={
                "year": start.year,
                "start_date": start,
                "end_date": start + datetime.timedelta(days=20),
                "entry_deadline": start + datetime.timedelta(days=90),
            },
        )
        made.append(session)
    return made


def _intervenants(count, communes, user, rng):
    first = next_id(Intervenant)
    rows, dossiers = [], []
    for index in range(count):
        pk = first + index
        commune = rng.choice(communes)
        rows.append(
            (
                pk,
                f"BX{pk:07d}",
                user.pk if index == 0 else None,
                "Mme" if index % 2 else "M.",
                rng.choice(LAST),
                rng.choice(FIRST),
                datetime.date(1960 + index % 35, 1 + index % 12, 1 + index % 28),
                f"bench{pk}@exemple.pf",
                f"BP {index % 9000 + 100}",
                "98714",
                commune.pk,
                commune.island_id,
                commune.pk,
                commune.island_id,
                IntervenantCategory.EDUCATION_POLYNESIE,
            )
        )
        dossiers.append((pk, "", 5))
    copy_rows(
        Intervenant,
        [
            "id",
            "identifier",
            "user_id",
            "civility",
            "last_name",
            "first_name",
            "birth_date",
            "email",
            "address",
            "postal_code",
            "home_commune_id",
            "home_island_id",
            "work_commune_id",
            "work_island_id",
            "category",
        ],
        rows,
    )
    copy_rows(DossierFinancier, ["intervenant_id", "iban", "vehicle_horsepower"], dossiers)
    reset_sequence(Intervenant)
    reset_sequence(DossierFinancier)
    return list(range(first, first + count))


def _missions(count, people, sessions_, centres_, activities, rng):
    first = next_id(Mission)
    now = timezone.now()
    seen, rows = set(), []
    owner = people[0]
    while len(rows) < count:
        person = owner if len(rows) < BENCH_MISSIONS_OF_USER else rng.choice(people[1:])
        session = rng.choice(sessions_)
        centre = rng.choice(centres_)
        activity = rng.choice(activities)
        epreuve = rng.choice(EPREUVES)
        start = session.start_date + datetime.timedelta(days=rng.randint(0, 18))
        key = (person, session.pk, activity.pk, centre.pk, start, epreuve)
        if key in seen:
            continue
        seen.add(key)
        pk = first + len(rows)
        rows.append(
            (
                pk,
                person,
                session.pk,
                epreuve,
                activity.pk,
                centre.pk,
                start,
                start,
                datetime.time(7, 30),
                datetime.time(12, 30),
                Decimal(rng.randint(10, 90)),
                f"B{pk:09d}",
                now,
            )
        )
    copy_rows(
        Mission,
        [
            "id",
            "intervenant_id",
            "session_id",
            "epreuve",
            "activity_id",
            "centre_id",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "expected_quantity",
            "convocation_number",
            "issued_at",
        ],
        rows,
    )
    reset_sequence(Mission)
    return rows


def _fees(missions, rng):
    etat_first, part_first = next_id(EtatDeFrais), next_id(FeePart)
    etats, parts, work = [], [], []
    for index, mission in enumerate(missions):
        etat = etat_first + index
        etats.append((etat, mission[0]))
        status = rng.choices(STATUSES, WEIGHTS)[0]
        amount = rng.randint(2_000, 40_000) if status in DECLARED else 0
        remuneration = part_first + 2 * index
        keys = mission[2], mission[5]  # session, centre: copied on the parts
        parts.append((remuneration, etat, PartNature.REMUNERATION, status, amount, *keys))
        parts.append((remuneration + 1, etat, PartNature.TRAVEL, S.NO_FEES, 0, *keys))
        if status in DECLARED:
            work.append((remuneration, mission[7], mission[10], amount, "bench"))
    copy_rows(EtatDeFrais, ["id", "mission_id"], etats)
    copy_rows(
        FeePart,
        ["id", "etat_id", "nature", "status", "amount", "session_id", "centre_id"],
        parts,
    )
    copy_rows(WorkLine, ["part_id", "date", "quantity", "amount", "explanation"], work)
    for model in (EtatDeFrais, FeePart, WorkLine):
        reset_sequence(model)
    return len(etats), len(parts), len(work)


def bench_user():
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=BENCH_USERNAME)
    user.password = make_password(BENCH_PASSWORD)
    user.email = "bench.intervenant@exemple.pf"
    user.save()
    return user


def otp_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    return device


@transaction.atomic
def build(config, seed=2026):
    """Returns a dict of counts."""
    rng = random.Random(seed)
    User = get_user_model()
    if Intervenant.objects.filter(identifier__startswith="BX").exists():
        return {"skipped": "dataset already present"}
    chef = User.objects.filter(username="chef.centre").first()
    centres_ = centres(chef)
    sessions_ = sessions(timezone.localdate())
    communes = list(Commune.objects.all())
    activities = list(Activity.objects.all())
    user = bench_user()
    people = _intervenants(config.intervenants, communes, user, rng)
    missions = _missions(config.missions, people, sessions_, centres_, activities, rng)
    etats, parts, work = _fees(missions, rng)
    portal_versions.bump_reference()  # COPY sends no signal; the cache may outlive a run
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        # VACUUM as autovacuum would have done after such a load: it sets the visibility map,
        # so the listings' index-only scans skip the heap as in production. Not possible
        # inside a transaction (the tests build a small dataset in one): statistics only.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    if not connection.in_atomic_block:
        checkpoint(connection)
    return {
        "centres": len(centres_),
        "islands": len({c.island_id for c in centres_}),
        "sessions": len(sessions_),
        "intervenants": len(people),
        "missions": len(missions),
        "etats": etats,
        "parts": parts,
        "work_lines": work,
    }


def checkpoint(connection):
    """Write the load's dirty pages now: left to the next timed checkpoint, their flush falls
    on whichever pages are being measured (the suspected cause of two public pages at 77 % of
    the floor in one run and 95 % in a quiet re-run). Needs a superuser, as the throwaway
    cluster of scripts/with_postgres.sh gives."""
    from django.db import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        pass  # not a superuser: the figures are only noisier
