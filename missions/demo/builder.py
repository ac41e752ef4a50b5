"""Generates the demo's centres, sessions, intervenants, missions, fee parts and payment
batches, consistent with the fee engine and the lifecycle."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from schwifty import IBAN

from missions.demo.lines import travel_lines, work_lines
from missions.demo.tables import BANKS, CENTRES, EPREUVES, FIRST_NAMES, HOURS, LAST_NAMES
from missions.demo.timeline import (
    Plan,
    S,
    at_hour,
    history_rows,
    issued_at_of,
    session_plans,
    status_plan,
)
from missions.enums import (
    Actor,
    BatchStatus,
    Civility,
    IntervenantCategory,
    PartNature,
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
from missions.services.fees import (
    TravelContext,
    compute_remuneration,
    compute_travel,
    neighbour_map,
)
from missions.services.rulebook import RateBook
from missions.services.travel_rules import travel_eligibility


class DemoBuilder:
    def __init__(self, today, seed=2026):
        self.today = today
        # "Now" on the demo's day: the real clock when the demo is built today.
        self.now = timezone.now() if today == timezone.localdate() else at_hour(today, 12)
        # number -> (status, created, exported, expected payment, paid on): one paid batch
        # and one exported batch per nature, in this order of time.
        self.batch_plan = {
            1: (
                BatchStatus.PAID,
                at_hour(today - datetime.timedelta(days=45), 9),
                at_hour(today - datetime.timedelta(days=40), 10),
                today - datetime.timedelta(days=20),
                today - datetime.timedelta(days=18),
            ),
            2: (
                BatchStatus.EXPORTED,
                at_hour(today - datetime.timedelta(days=7), 9),
                at_hour(today - datetime.timedelta(days=5), 10),
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
        for exam_code, name, year, start, end, deadline in session_plans(self.today):
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
            mission.issued_at = issued_at_of(mission)
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
            plan = status_plan(
                rng, session_index[mission.session_id], mission.start_date, self.today, eligible
            )
            if forced and mission.pk in forced:
                status = forced[mission.pk]
                travel_status = S.VALIDATED_BY_INTERVENANT if status == S.TO_CORRECT else status
                plan = Plan(status, travel_status if eligible else S.NO_FEES)
            remuneration = FeePart(
                etat=etat, nature=PartNature.REMUNERATION, status=plan.remuneration_status
            ).copy_mission_keys(mission)
            travel = FeePart(
                etat=etat, nature=PartNature.TRAVEL, status=plan.travel_status
            ).copy_mission_keys(mission)
            parts += [remuneration, travel]
            lines[id(remuneration)] = (mission, "work")
            lines[id(travel)] = (mission, "travel" if eligible else "none")
        FeePart.objects.bulk_create(parts)

        work, legs, meals, nights = [], [], [], []
        for part in parts:
            mission, kind = lines[id(part)]
            declared = part.status not in (S.OPEN, S.TO_ENTER, S.CANCELLED)
            if kind == "work" and declared:
                part_lines = work_lines(part, mission, rng)
                work += part_lines
                result = compute_remuneration(mission, part_lines, self.book)
            elif kind == "travel" and declared:
                dossier = dossiers[mission.intervenant_id]
                part_legs, part_meals, part_nights = travel_lines(
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
            history += history_rows(part, mission, rng, users, self._anchors(part), self.now)
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
            return {S.IN_PAYMENT: exported, S.PAID: at_hour(paid_on, 8)}
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
