"""Demo data for the missions domain: sessions, centres across the five archipelagos,
~200 intervenants and ~1,000 missions in varied statuses with consistent lines, timelines and
payment batches. Invented people only (missions are personal data). Idempotent: once the
demo sessions exist, nothing is generated again."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from schwifty import IBAN

from missions import roles
from missions.enums import (
    Actor,
    BatchStatus,
    Civility,
    IntervenantCategory,
    PartNature,
    PartStatus,
    TravelMode,
)
from missions.io.payment_files import seal_batch
from missions.models import (
    Activity,
    Attestation,
    Centre,
    Commune,
    DossierFinancier,
    EtatDeFrais,
    Exam,
    FeePart,
    Intervenant,
    MealLine,
    Mission,
    NightLine,
    PaymentBatch,
    StatusChange,
    TravelLeg,
    WorkLine,
)
from missions.services import portal_versions as cache_versions
from missions.services.fees import (
    TravelContext,
    compute_remuneration,
    compute_travel,
    neighbour_map,
)
from missions.services.rulebook import RateBook
from missions.services.travel_rules import travel_eligibility
from missions.storage import private_storage

S = PartStatus
T = datetime.time

# name, UAI, commune, island (None: the commune's main island)
CENTRES = [
    ("Lycée Paul-Gauguin", "9840001A", "Papeete", None),
    ("Lycée Samuel-Raapoto", "9840002B", "Arue", None),
    ("Lycée du Taaone", "9840003C", "Pirae", None),
    ("Lycée professionnel de Faa'a", "9840004D", "Faa'a", None),
    ("Lycée hôtelier de Tahiti", "9840005E", "Punaauia", None),
    ("Lycée de Taravao", "9840006F", "Taiarapu-Est", None),
    ("Collège de Papara", "9840007G", "Papara", None),
    ("Collège de Paopao", "9840008H", "Moorea-Maiao", None),
    ("Lycée d'Uturoa", "9840009J", "Uturoa", None),
    ("Collège de Bora-Bora", "9840010K", "Bora-Bora", None),
    ("Collège de Huahine", "9840011L", "Huahine", None),
    ("Collège de Taiohae", "9840012M", "Nuku-Hiva", None),
    ("Collège d'Atuona", "9840013N", "Hiva-Oa", None),
    ("Collège de Rangiroa", "9840014P", "Rangiroa", None),
    ("Collège de Hao", "9840015R", "Hao", None),
    ("Collège de Tubuai", "9840016S", "Tubuai", None),
    ("Collège de Rurutu", "9840017T", "Rurutu", None),
    ("Collège de Rikitea", "9840018U", "Gambier", None),
]
FIRST_NAMES = [
    ("Mme", "Vaiana"),
    ("Mme", "Hinano"),
    ("Mme", "Moana"),
    ("Mme", "Tiare"),
    ("Mme", "Poema"),
    ("Mme", "Heiata"),
    ("Mme", "Mareva"),
    ("Mme", "Teura"),
    ("Mme", "Claire"),
    ("Mme", "Sophie"),
    ("Mme", "Maeva"),
    ("Mme", "Hina"),
    ("M.", "Teva"),
    ("M.", "Tama"),
    ("M.", "Manuarii"),
    ("M.", "Heimana"),
    ("M.", "Raiarii"),
    ("M.", "Tehei"),
    ("M.", "Vatea"),
    ("M.", "Julien"),
    ("M.", "Marc"),
    ("M.", "Teiki"),
    ("M.", "Ariitea"),
    ("M.", "Nicolas"),
]
LAST_NAMES = [
    "Teriitehau",
    "Tehaamoana",
    "Tetuanui",
    "Faatau",
    "Tauhiro",
    "Temauri",
    "Mahinui",
    "Teihotu",
    "Tapu",
    "Maiau",
    "Tinorua",
    "Raapoto",
    "Tavaearii",
    "Pambrun",
    "Lenoir",
    "Martin",
    "Bernardino",
    "Chave",
    "Dubois",
    "Tuheiava",
    "Teai",
    "Hapairai",
    "Vanaa",
    "Tehiva",
    "Amaru",
    "Tumahai",
    "Teriierooiterai",
    "Moux",
    "Girard",
    "Wong",
]
EPREUVES = {
    "correction": [
        "Philosophie",
        "Français",
        "Mathématiques",
        "Histoire-géographie",
        "Sciences économiques et sociales",
        "Anglais",
        "Physique-chimie",
    ],
    "oral": ["Grand oral", "Oral de français", "Oral d'anglais", "Oral de tahitien"],
    "pratique": ["Éducation physique et sportive", "Sciences expérimentales"],
    "surveillance": ["Surveillance des épreuves écrites"],
    "jury": ["Délibération du jury"],
}
HOURS = {
    "correction": (T(8, 0), T(12, 0)),
    "oral": (T(7, 30), T(15, 30)),
    "pratique": (T(7, 30), T(12, 30)),
    "surveillance": (T(7, 30), T(12, 30)),
    "jury": (T(13, 0), T(17, 0)),
}
BANKS = ["12149", "17469", "12239", "14168"]
DEMO_SESSION_MARK = "(démo)"


@dataclass
class Plan:
    """What to generate for one mission's état de frais."""

    remuneration_status: str
    travel_status: str


def _sessions(today):
    # The June sessions are the last ones whose entry deadline (31 August) has passed, so
    # that their files can be paid; the current session started ten days ago.
    year = today.year if today.month >= 9 else today.year - 1
    june = datetime.date(year, 6, 1)
    current_start = today - datetime.timedelta(days=10)
    return [
        (
            "bac-general",
            f"Baccalauréat {year}, session de juin {DEMO_SESSION_MARK}",
            year,
            june + datetime.timedelta(days=14),
            june + datetime.timedelta(days=28),
            datetime.date(year, 8, 31),
        ),
        (
            "dnb",
            f"DNB {year}, session de juin {DEMO_SESSION_MARK}",
            year,
            june + datetime.timedelta(days=22),
            june + datetime.timedelta(days=26),
            datetime.date(year, 8, 31),
        ),
        (
            "bts",
            f"BTS {today.year}, session de remplacement {DEMO_SESSION_MARK}",
            today.year,
            current_start,
            current_start + datetime.timedelta(days=24),
            current_start + datetime.timedelta(days=55),
        ),
    ]


def _status_plan(rng, session_index, start_date, today, eligible):
    if start_date > today:
        remuneration = S.OPEN
    elif session_index == 2:  # the current session
        remuneration = rng.choices(
            [S.TO_ENTER, S.VALIDATED_BY_INTERVENANT, S.SERVICE_FAIT, S.TO_CORRECT],
            weights=[45, 30, 20, 5],
        )[0]
    else:
        remuneration = rng.choices(
            [
                S.PAID,
                S.IN_PAYMENT,
                S.CONTROLLED,
                S.SERVICE_FAIT,
                S.VALIDATED_BY_INTERVENANT,
                S.TO_CORRECT,
                S.TO_ENTER,
                S.REJECTED,
                S.CANCELLED,
            ],
            weights=[45, 10, 10, 10, 8, 5, 6, 3, 3],
        )[0]
    if not eligible:
        return Plan(remuneration, S.NO_FEES)
    travel = remuneration
    if remuneration == S.TO_CORRECT:
        travel = S.VALIDATED_BY_INTERVENANT  # only the part at fault is sent back
    if remuneration == S.PAID and rng.random() < 0.3:
        travel = S.IN_PAYMENT  # travel parts move separately, often later
    return Plan(remuneration, travel)


# The ordinary path; side statuses branch from the step before them.
PATH = [
    S.OPEN,
    S.TO_ENTER,
    S.VALIDATED_BY_INTERVENANT,
    S.SERVICE_FAIT,
    S.CONTROLLED,
    S.IN_PAYMENT,
    S.PAID,
]
BRANCH_FROM = {
    S.TO_CORRECT: S.VALIDATED_BY_INTERVENANT,
    S.REJECTED: S.SERVICE_FAIT,
    S.CANCELLED: S.TO_ENTER,
    S.NO_FEES: S.OPEN,
}
REASONS = {
    S.TO_CORRECT: "Le nombre de copies déclaré ne correspond pas au bordereau du centre.",
    S.REJECTED: "Mission déjà rémunérée au titre d'une autre convocation.",
    S.CANCELLED: "Convocation annulée : épreuve reportée.",
    S.NO_FEES: "Le centre est dans votre commune de résidence ou une commune limitrophe.",
}
ACTORS = {
    S.TO_ENTER: Actor.SYSTEM,
    S.VALIDATED_BY_INTERVENANT: Actor.INTERVENANT,
    S.SERVICE_FAIT: Actor.CHEF_DE_CENTRE,
    S.CONTROLLED: Actor.GESTIONNAIRE,
    S.IN_PAYMENT: Actor.GESTIONNAIRE,
    S.PAID: Actor.GESTIONNAIRE,
    S.TO_CORRECT: Actor.CHEF_DE_CENTRE,
    S.REJECTED: Actor.GESTIONNAIRE,
    S.CANCELLED: Actor.GESTIONNAIRE,
    S.NO_FEES: Actor.SYSTEM,
}


def _path_to(target):
    if target in BRANCH_FROM:
        base = BRANCH_FROM[target]
        return [*PATH[: PATH.index(base) + 1], target]
    return PATH[: PATH.index(target) + 1]


def _history(part, mission, rng, users, anchors, now):
    """StatusChange rows from `ouvert` to the part's status, in time order and never after
    `now`: the convocation 20 days before the mission, the entry opened when it started,
    the intervenant's validation before the entry deadline, the batch steps at the batch's
    dates (`anchors`, status -> moment), the other steps spread out in between."""
    path = _path_to(part.status)
    issued = timezone.make_aware(datetime.datetime.combine(mission.start_date, T(7, 0)))
    issued -= datetime.timedelta(days=20)
    opened = min(
        timezone.make_aware(datetime.datetime.combine(mission.start_date, mission.start_time)),
        now - datetime.timedelta(hours=2),
    )
    deadline = timezone.make_aware(
        datetime.datetime.combine(mission.session.entry_deadline, T(12, 0))
    )
    moments = {S.OPEN: issued, S.TO_ENTER: opened}
    later = [status for status in path if status not in moments]
    floating = [status for status in later if status not in anchors]
    # The floating steps fall between the opening and the first anchored step (or now).
    end = min([anchors[s] for s in later if s in anchors] or [now - datetime.timedelta(hours=1)])
    step = (end - opened) / (len(floating) + 1)
    for index, status in enumerate(floating, start=1):
        moments[status] = opened + step * (index - rng.uniform(0, 0.4))
    validated = moments.get(S.VALIDATED_BY_INTERVENANT)
    if validated and validated > deadline:  # validated in time, or it would not be further
        moments[S.VALIDATED_BY_INTERVENANT] = opened + (min(deadline, end) - opened) / 2
    moments.update({s: anchors[s] for s in later if s in anchors})
    rows, previous = [], ""
    for status in path:
        actor = ACTORS.get(status, Actor.GESTIONNAIRE)
        rows.append(
            StatusChange(
                part=part,
                from_status=previous,
                to_status=status,
                at=moments[status],
                actor=users.get(actor),
                actor_role=actor,
                reason=REASONS.get(status, ""),
            )
        )
        previous = status
    return rows


def _work_lines(part, mission, rng):
    quantity = mission.expected_quantity
    if part.status == S.TO_CORRECT:
        # Sent back because the count differs from the centre's (REASONS).
        quantity += 4
    elif rng.random() < 0.2:
        quantity = max(Decimal(0), quantity + rng.choice([-3, -1, 1, 2]))
    return [WorkLine(part=part, date=mission.end_date, quantity=quantity)]


def _travel_lines(part, mission, intervenant, rng, dossier):
    """Legs, meals and nights a real intervenant would declare for this mission."""
    home = intervenant.home_commune
    centre_commune = mission.centre.commune
    inter_island = intervenant.home_island_id != mission.centre.island_id
    legs, meals, nights = [], [], []
    first, last = mission.start_date, mission.end_date
    if inter_island:
        requisition = rng.random() < 0.7
        fare = None if requisition else rng.randrange(8_000, 26_000, 100)
        number = f"R{first:%y}-{rng.randint(1000, 9999)}" if requisition else ""
        # Most tickets come with their receipt; one in five is missing, for the control.
        receipt = "demo/billet-avion.pdf" if fare and mission.pk % 5 else ""
        legs.append(
            TravelLeg(
                part=part,
                date=first,
                departure_time=T(5, 50),
                arrival_time=T(6, 40),
                from_commune=home,
                to_commune=centre_commune,
                mode=TravelMode.PLANE,
                fare=fare,
                requisition_number=number,
                receipt=receipt,
            )
        )
        legs.append(
            TravelLeg(
                part=part,
                date=last,
                departure_time=T(17, 30),
                arrival_time=T(18, 20),
                from_commune=centre_commune,
                to_commune=home,
                mode=TravelMode.PLANE,
                fare=fare,
                requisition_number=number,
                receipt=receipt,
            )
        )
        day = first
        while day <= last:
            kind = "dejeuner_administratif" if rng.random() < 0.3 else "dejeuner"
            meals.append(MealLine(part=part, date=day, kind=kind))
            if day < last:
                nights.append(NightLine(part=part, date=day))
            day += datetime.timedelta(days=1)
    else:
        km = Decimal(rng.randint(12, 55))
        for day in mission.days:
            legs.append(
                TravelLeg(
                    part=part,
                    date=day,
                    departure_time=T(6, 30),
                    arrival_time=T(7, 15),
                    from_commune=home,
                    to_commune=centre_commune,
                    mode=TravelMode.CAR,
                    km=km,
                )
            )
            legs.append(
                TravelLeg(
                    part=part,
                    date=day,
                    departure_time=mission.end_time,
                    arrival_time=(
                        datetime.datetime.combine(day, mission.end_time)
                        + datetime.timedelta(minutes=45)
                    ).time(),
                    from_commune=centre_commune,
                    to_commune=home,
                    mode=TravelMode.CAR,
                    km=km,
                )
            )
            if mission.end_time >= T(14, 0):
                meals.append(MealLine(part=part, date=day, kind="dejeuner"))
    return legs, meals, nights


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, T(hour, 0)))


def _issued_at_date(start_date):
    """The convocation went out 20 days before the mission."""
    return _at(start_date - datetime.timedelta(days=20), 7)


def _issued_at(mission):
    return _issued_at_date(mission.start_date)


class DemoBuilder:
    def __init__(self, today, seed=2026):
        self.today = today
        # "Now" on the demo's day: the real clock when the demo is built today.
        self.now = timezone.now() if today == timezone.localdate() else _at(today, 12)
        # number -> (status, created, exported, expected payment, paid on): one paid batch
        # and one exported batch per nature, in this order of time.
        self.batch_plan = {
            1: (
                BatchStatus.PAID,
                _at(today - datetime.timedelta(days=45), 9),
                _at(today - datetime.timedelta(days=40), 10),
                today - datetime.timedelta(days=20),
                today - datetime.timedelta(days=18),
            ),
            2: (
                BatchStatus.EXPORTED,
                _at(today - datetime.timedelta(days=7), 9),
                _at(today - datetime.timedelta(days=5), 10),
                today + datetime.timedelta(days=15),
                None,
            ),
        }
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not security)
        self.communes = {c.name: c for c in Commune.objects.select_related("island")}
        self.activities = {a.code: a for a in Activity.objects.all()}
        self.neighbours = neighbour_map()
        self.book = RateBook.load()

    def centres(self):
        centres = []
        for name, uai, commune_name, _ in CENTRES:
            centre, _ = Centre.objects.get_or_create(
                uai=uai,
                defaults={
                    "name": name,
                    "commune": self.communes[commune_name],
                    "address": f"BP {self.rng.randint(100, 9999)}, {commune_name}",
                },
            )
            centres.append(centre)
        return centres

    def sessions(self):
        from missions.models import Session

        sessions = []
        for exam_code, name, year, start, end, deadline in _sessions(self.today):
            session, _ = Session.objects.get_or_create(
                name=name,
                exam=Exam.objects.get(code=exam_code),
                defaults={
                    "year": year,
                    "start_date": start,
                    "end_date": end,
                    "entry_deadline": deadline,
                },
            )
            sessions.append(session)
        return sessions

    def intervenants(self, count):
        rng = self.rng
        tahiti = [c for c in self.communes.values() if c.island.name == "Tahiti"]
        others = [c for c in self.communes.values() if c.island.name != "Tahiti"]
        people = []
        for index in range(count):
            civility, first = rng.choice(FIRST_NAMES)
            home = rng.choice(tahiti) if rng.random() < 0.7 else rng.choice(others)
            people.append(
                Intervenant(
                    identifier=f"PF{700000 + index}",
                    civility=Civility(civility),
                    first_name=first,
                    last_name=rng.choice(LAST_NAMES),
                    birth_date=datetime.date(
                        rng.randint(1962, 1995), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    email=f"{first.lower()}.demo{index}@exemple.pf",
                    phone=f"87 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    address=f"BP {rng.randint(100, 9999)}",
                    postal_code="98714",
                    home_commune=home,
                    home_island=home.island,
                    work_commune=home,
                    work_island=home.island,
                    employer=f"Établissement de {home.name}",
                    category=IntervenantCategory.EDUCATION_POLYNESIE
                    if rng.random() < 0.85
                    else rng.choice(
                        [
                            IntervenantCategory.PRIVATE_OR_RETIRED,
                            IntervenantCategory.OTHER_ADMINISTRATION,
                        ]
                    ),
                )
            )
        for person in people:
            person.is_external = person.category != IntervenantCategory.EDUCATION_POLYNESIE
        people = Intervenant.objects.bulk_create(people)
        dossiers = []
        for person in people:
            complete = rng.random() < 0.9
            iban = IBAN.generate(
                "FR",
                bank_code=rng.choice(BANKS),
                branch_code="00010",
                account_code=f"{rng.randrange(10**10, 10**11)}",
            )
            dossiers.append(
                DossierFinancier(
                    intervenant=person,
                    iban=str(iban) if complete else "",
                    bic=str(iban.bic or "")[:11] if complete else "",
                    account_holder=person.full_name if complete else "",
                    vehicle_horsepower=rng.choice([4, 5, 6, 7, 8, 9]),
                    rib_document="demo/rib.pdf" if complete else "",
                    id_document="demo/identite.pdf" if complete else "",
                    checked_at=timezone.now() if complete else None,
                )
            )
        DossierFinancier.objects.bulk_create(dossiers)
        return people

    def missions(self, sessions, centres, people, count):
        rng = self.rng
        by_island = {}
        for person in people:
            by_island.setdefault(person.home_island_id, []).append(person)
        activity_choices = [
            ["correction"] * 5 + ["oral"] * 3 + ["surveillance"] * 2 + ["pratique", "jury"],
            ["correction"] * 5 + ["oral"] * 2 + ["surveillance"] * 3,
            ["correction"] * 3 + ["oral"] * 2,
        ]
        seen, missions = set(), []
        while len(missions) < count:
            index = rng.choices([0, 1, 2], weights=[45, 35, 20])[0]
            session, centre = sessions[index], rng.choice(centres)
            local = by_island.get(centre.island_id)
            person = rng.choice(local) if local and rng.random() < 0.8 else rng.choice(people)
            code = rng.choice(activity_choices[index])
            activity = self.activities[code]
            epreuve = rng.choice(EPREUVES[code])
            span = (session.end_date - session.start_date).days
            start = session.start_date + datetime.timedelta(days=rng.randint(0, max(span - 2, 0)))
            days = 2 if code == "oral" and rng.random() < 0.3 else 1
            key = (person.pk, session.pk, code, centre.pk, start, epreuve)
            if key in seen:
                continue
            seen.add(key)
            unit_quantity = {"copie": rng.randint(25, 110), "heure": rng.choice([3, 4, 5, 6.5, 8])}
            missions.append(
                Mission(
                    intervenant=person,
                    session=session,
                    activity=activity,
                    centre=centre,
                    epreuve=epreuve,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=days - 1),
                    start_time=HOURS[code][0],
                    end_time=HOURS[code][1],
                    expected_quantity=Decimal(str(unit_quantity.get(activity.unit, 1))),
                )
            )
        missions = Mission.objects.bulk_create(missions)
        for mission in missions:
            mission.convocation_number = f"{mission.session.year}-{mission.pk:07d}"
            mission.issued_at = _issued_at(mission)
            mission.created_at = mission.issued_at - datetime.timedelta(days=2)
        Mission.objects.bulk_update(
            missions, ["convocation_number", "issued_at", "created_at"], batch_size=2000
        )
        return missions

    def fees(self, missions, sessions, users, forced=None):
        rng = self.rng
        session_index = {s.pk: i for i, s in enumerate(sessions)}
        etats = EtatDeFrais.objects.bulk_create(EtatDeFrais(mission=m) for m in missions)
        dossiers = {d.intervenant_id: d for d in DossierFinancier.objects.all()}
        parts, lines, history, attestations = [], {}, [], []
        for mission, etat in zip(missions, etats, strict=True):
            person = mission.intervenant
            eligible = travel_eligibility(mission, person, self.neighbours).eligible
            plan = _status_plan(
                rng, session_index[mission.session_id], mission.start_date, self.today, eligible
            )
            if forced and mission.pk in forced:
                status = forced[mission.pk]
                travel_status = S.VALIDATED_BY_INTERVENANT if status == S.TO_CORRECT else status
                plan = Plan(status, travel_status if eligible else S.NO_FEES)
            remuneration = FeePart(
                etat=etat, nature=PartNature.REMUNERATION, status=plan.remuneration_status
            )
            travel = FeePart(etat=etat, nature=PartNature.TRAVEL, status=plan.travel_status)
            parts += [remuneration, travel]
            lines[id(remuneration)] = (mission, "work")
            lines[id(travel)] = (mission, "travel" if eligible else "none")
        FeePart.objects.bulk_create(parts)

        work, legs, meals, nights = [], [], [], []
        for part in parts:
            mission, kind = lines[id(part)]
            declared = part.status not in (S.OPEN, S.TO_ENTER, S.CANCELLED)
            if kind == "work" and declared:
                part_lines = _work_lines(part, mission, rng)
                work += part_lines
                result = compute_remuneration(mission, part_lines, self.book)
            elif kind == "travel" and declared:
                dossier = dossiers[mission.intervenant_id]
                part_legs, part_meals, part_nights = _travel_lines(
                    part, mission, mission.intervenant, rng, dossier
                )
                legs += part_legs
                meals += part_meals
                nights += part_nights
                context = TravelContext(
                    mission, mission.intervenant, dossier.vehicle_horsepower, self.neighbours
                )
                result = compute_travel(context, part_legs, part_meals, part_nights, self.book)
            else:
                result = None
            if result is not None:
                for outcome in result.lines:
                    outcome.line.amount = outcome.amount
                    outcome.line.explanation = outcome.explanation[:300]
                    outcome.line.facts = outcome.facts
                part.amount = result.total
            history += _history(part, mission, rng, users, self._anchors(part), self.now)
            if part.nature == PartNature.REMUNERATION and part.status in (
                S.SERVICE_FAIT,
                S.CONTROLLED,
                S.IN_PAYMENT,
                S.PAID,
                S.REJECTED,
            ):
                attestations.append(
                    Attestation(etat=part.etat, attested_by=users[Actor.CHEF_DE_CENTRE])
                )
        for model, rows in (
            (WorkLine, work),
            (TravelLeg, legs),
            (MealLine, meals),
            (NightLine, nights),
            (StatusChange, history),
            (Attestation, attestations),
        ):
            model.objects.bulk_create(rows, batch_size=2000)
        FeePart.objects.bulk_update(parts, ["amount"], batch_size=2000)
        return parts

    def _anchors(self, part):
        """The batch steps of a part that reached a batch: at the batch's dates."""
        if part.status == S.PAID:
            _, _, exported, _, paid_on = self.batch_plan[1]
            return {S.IN_PAYMENT: exported, S.PAID: _at(paid_on, 8)}
        if part.status == S.IN_PAYMENT:
            return {S.IN_PAYMENT: self.batch_plan[2][2]}
        return {}

    def batches(self, parts, user):
        """One paid and one exported batch per nature, numbered like the DEC's."""
        for nature, letter in ((PartNature.REMUNERATION, "R"), (PartNature.TRAVEL, "D")):
            for number, part_status in ((1, S.PAID), (2, S.IN_PAYMENT)):
                members = [p for p in parts if p.nature == nature and p.status == part_status]
                if not members:
                    continue
                status, created, exported, expected, paid_on = self.batch_plan[number]
                batch = PaymentBatch.objects.create(
                    number=f"{self.today.year}-{letter}{number:03d}",
                    nature=nature,
                    status=status,
                    created_by=user,
                    exported_at=exported,
                    expected_payment_on=expected,
                    paid_on=paid_on,
                )
                # auto_now_add stamps the real clock: the batch was made before its export.
                PaymentBatch.objects.filter(pk=batch.pk).update(created_at=created)
                for part in members:
                    part.batch = batch
                    part.expected_payment_on = batch.expected_payment_on
                    part.paid_on = batch.paid_on
                FeePart.objects.bulk_update(
                    members, ["batch", "expected_payment_on", "paid_on"], batch_size=2000
                )
                seal_batch(batch, generated_at=exported)  # as its export wrote them, that day


def _users():
    User = get_user_model()
    found = {
        u.username: u for u in User.objects.filter(username__in=["gestionnaire", "chef.centre"])
    }
    return {
        Actor.GESTIONNAIRE: found.get("gestionnaire"),
        Actor.CHEF_DE_CENTRE: found.get("chef.centre") or found.get("gestionnaire"),
    }


DEMO_INTERVENANT = "PF000001"  # the identifier is the portal login, as for everyone


def _centre_chefs(centres):
    """The demo chef heads the first centre; every other centre gets a chef of its own (an
    account nobody logs into: a centre without chef blocks its convocations)."""
    User = get_user_model()
    chef = User.objects.filter(username="chef.centre").first()
    if chef is not None:
        centres[0].chefs.add(chef)
    group = Group.objects.filter(name=roles.CHEFS_DE_CENTRE).first()
    rng = random.Random(17)  # noqa: S311 (demo data)
    for centre in centres:
        if centre.chefs.exists():
            continue
        _, first = rng.choice(FIRST_NAMES)
        user, created = User.objects.get_or_create(
            username=f"chef.{centre.uai.lower()}",
            defaults={
                "first_name": first,
                "last_name": rng.choice(LAST_NAMES),
                "email": f"chef.{centre.uai.lower()}@demo.imagin.pf",
                "is_staff": True,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if group is not None:
            user.groups.add(group)
        centre.chefs.add(user)


def _link_demo_account():
    """A demo seeded before the login by identifier linked PF000001 to a user named
    'intervenant': link it to the PF000001 account whose password seed_demo just printed."""
    User = get_user_model()
    user = User.objects.filter(username=DEMO_INTERVENANT).first()
    person = Intervenant.objects.filter(identifier=DEMO_INTERVENANT).first()
    if user is not None and person is not None and person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])


def _demo_intervenant_missions(builder, centres, sessions):
    """The demo intervenant gets one mission in each interesting status, dated from today:
    one paid, one in payment, one sent back and one to enter in the current session (its
    entry deadline ahead), one to come. Returns {mission pk: forced status}."""
    User = get_user_model()
    user = User.objects.filter(username=DEMO_INTERVENANT).first()
    if user is None or Intervenant.objects.filter(identifier=DEMO_INTERVENANT).exists():
        return {}
    uturoa = builder.communes["Uturoa"]
    person = Intervenant.objects.create(
        identifier=DEMO_INTERVENANT,
        user=user,
        civility=Civility.MONSIEUR,
        first_name="Tama",
        last_name="Intervenant",
        birth_date=datetime.date(1984, 5, 2),
        email=user.email,
        phone="87 20 30 40",
        address="BP 120",
        postal_code="98735",
        home_commune=uturoa,
        work_commune=uturoa,
        employer="Lycée d'Uturoa",
        grade="Professeur certifié",
        discipline="Lettres modernes",
    )
    DossierFinancier.objects.create(
        intervenant=person,
        iban="FR7617469000101234567890153",
        bic="SOCBPFTX",
        account_holder="Tama INTERVENANT",
        vehicle_horsepower=5,
        checked_at=timezone.now(),
    )
    plans = [
        (sessions[0], "correction", "Philosophie", 0, S.PAID),
        (sessions[0], "oral", "Oral de français", 3, S.IN_PAYMENT),
        (sessions[2], "correction", "Français", 1, S.TO_CORRECT),
        (sessions[2], "correction", "Culture générale et expression", 2, S.TO_ENTER),
        (sessions[2], "oral", "Oral d'anglais", 20, S.OPEN),
    ]
    forced = {}
    for session, code, epreuve, offset, status in plans:
        start = session.start_date + datetime.timedelta(days=offset)
        mission = Mission.objects.create(
            intervenant=person,
            session=session,
            activity=builder.activities[code],
            centre=centres[0],
            epreuve=epreuve,
            start_date=start,
            end_date=start,
            start_time=HOURS[code][0],
            end_time=HOURS[code][1],
            expected_quantity=Decimal(48 if code == "correction" else 6),
            issued_at=_issued_at_date(start),
            convocation_number=f"{session.year}-9{offset:06d}",
        )
        Mission.objects.filter(pk=mission.pk).update(
            created_at=mission.issued_at - datetime.timedelta(days=2)
        )
        if status == S.OPEN and start <= builder.today:
            status = S.TO_ENTER
        forced[mission.pk] = status
    return forced


# Every document the demo references exists in private storage: no dead link.
DEMO_DOCUMENTS = {
    "demo/rib.pdf": "RIB de démonstration",
    "demo/identite.pdf": "Pièce d'identité de démonstration",
    "demo/billet-avion.pdf": "Billet d'avion de démonstration",
}


def _small_pdf(title):
    """A one-page PDF saying it is a demonstration document (a few hundred bytes)."""
    text = title.encode("latin-1", "replace")
    stream = b"BT /F1 18 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
    out += trailer.encode() + b"%%EOF\n"
    return out


def write_demo_documents():
    storage = private_storage()
    for name, title in DEMO_DOCUMENTS.items():
        if not storage.exists(name):
            storage.save(name, ContentFile(_small_pdf(title)))


@transaction.atomic
def seed_missions(today=None, intervenants=200, missions=1000):
    """Build the demo; returns a one-line summary."""
    today = today or timezone.localdate()
    builder = DemoBuilder(today)
    centres = builder.centres()
    sessions = builder.sessions()
    write_demo_documents()
    _centre_chefs(centres)
    _link_demo_account()
    if Mission.objects.filter(session__in=sessions).exists():
        return "données de démonstration déjà présentes"
    people = builder.intervenants(intervenants)
    created = builder.missions(sessions, centres, people, missions)
    forced = _demo_intervenant_missions(builder, centres, sessions)
    created += list(Mission.objects.filter(pk__in=forced).select_related("intervenant"))
    parts = builder.fees(created, sessions, _users(), forced)
    builder.batches(parts, _users()[Actor.GESTIONNAIRE])
    # Written in bulk, without signals: no portal page cached before the seed stays.
    cache_versions.bump_reference()
    return f"{len(centres)} centres, {len(people)} intervenants, {len(created)} missions"
