"""Demo data for the assignment: a session to staff in three weeks, with needs at a few
centres, competences, unavailability and schools for the demo intervenants, and the demo
chef d'établissement heading the Lycée du Taaone. Idempotent: nothing is added when the
session exists. Built after missions.demo.builder (it uses its centres and intervenants)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from assignment.models import (
    AssignmentProfile,
    Competence,
    EnteredBy,
    Need,
    Period,
    SchoolHead,
    Unavailability,
)
from missions.demo.tables import EPREUVES
from missions.demo.timeline import DEMO_SESSION_MARK
from missions.models import Activity, Centre, Exam, Intervenant, Session

CHEF_ETABLISSEMENT = "chef.etablissement"
SCHOOL_UAI = "9840003C"  # Lycée du Taaone, Pirae
DEMO_INTERVENANT = "PF000001"
# (centre UAI, activity code, épreuve, day of the session, period, people)
NEEDS = [
    ("9840001A", "surveillance", "Surveillance des épreuves écrites", 0, Period.MORNING, 3),
    ("9840001A", "oral", "Oral de français", 1, Period.DAY, 2),
    ("9840002B", "surveillance", "Surveillance des épreuves écrites", 0, Period.MORNING, 2),
    ("9840002B", "oral", "Oral d'anglais", 1, Period.MORNING, 1),
    ("9840003C", "oral", "Grand oral", 1, Period.DAY, 2),
    ("9840003C", "correction", "Philosophie", 2, Period.MORNING, 2),
    ("9840004D", "pratique", "Sciences expérimentales", 2, Period.AFTERNOON, 1),
    ("9840008H", "oral", "Oral de français", 1, Period.MORNING, 1),
    ("9840009J", "oral", "Oral d'anglais", 1, Period.MORNING, 1),
    ("9840009J", "surveillance", "Surveillance des épreuves écrites", 0, Period.MORNING, 2),
    ("9840010K", "oral", "Oral de français", 1, Period.AFTERNOON, 1),
    ("9840012M", "oral", "Grand oral", 1, Period.DAY, 1),
    ("9840014P", "surveillance", "Surveillance des épreuves écrites", 0, Period.MORNING, 1),
    ("9840016S", "oral", "Oral de tahitien", 2, Period.MORNING, 1),
    ("9840018U", "oral", "Oral d'anglais", 2, Period.MORNING, 1),
]
ACTIVITIES = ["surveillance", "oral", "correction", "pratique"]


def session_name(today):
    return f"Baccalauréat {today.year}, épreuves de contrôle {DEMO_SESSION_MARK}"


def seed_assignment(today=None) -> str:
    """Build the demo session to staff; returns a one-line summary."""
    today = today or timezone.localdate()
    exam = Exam.objects.filter(code="bac-general").first()
    centres = {centre.uai: centre for centre in Centre.objects.filter(uai__startswith="98400")}
    if exam is None or len(centres) < 18:
        return "pas de données d'affectation (centres de démonstration absents)"
    start = today + datetime.timedelta(days=21)
    session, created = Session.objects.get_or_create(
        name=session_name(today),
        exam=exam,
        defaults={
            "year": today.year,
            "start_date": start,
            "end_date": start + datetime.timedelta(days=2),
            "entry_deadline": start + datetime.timedelta(days=45),
        },
    )
    _chef_etablissement(centres[SCHOOL_UAI])
    if not created:
        return "session d'affectation déjà présente"
    activities = {a.code: a for a in Activity.objects.filter(code__in=ACTIVITIES)}
    Need.objects.bulk_create(
        Need(
            session=session,
            centre=centres[uai],
            activity=activities[code],
            epreuve=epreuve,
            date=session.start_date + datetime.timedelta(days=day),
            period=period,
            people=people,
        )
        for uai, code, epreuve, day, period, people in NEEDS
    )
    people = _people(session, centres)
    return f"session à affecter « {session.name} » : {len(NEEDS)} besoins, {people} intervenants"


def _chef_etablissement(school):
    user = get_user_model().objects.filter(username=CHEF_ETABLISSEMENT).first()
    if user is not None:
        SchoolHead.objects.get_or_create(user=user, school=school)


def _people(session, centres):
    """Competences for most demo intervenants, a school for each (on their island, so the
    rule "not their own pupils" matters), a maximum for some, and a few unavailabilities;
    the Taaone's staff for the chef d'établissement."""
    rng = random.Random(17)  # noqa: S311 (demo data)
    activities = {a.code: a for a in Activity.objects.filter(code__in=ACTIVITIES)}
    by_island = {}
    for centre in centres.values():
        by_island.setdefault(centre.island_id, []).append(centre)
    people = list(
        Intervenant.objects.filter(identifier__startswith="PF7").order_by("identifier")[:160]
    )
    demo = Intervenant.objects.filter(identifier=DEMO_INTERVENANT).first()
    competences, profiles, absences = [], [], []
    for index, person in enumerate(people):
        for code in rng.sample(ACTIVITIES, rng.randint(1, 2)):
            epreuve = rng.choice(["", *EPREUVES[code]]) if code != "surveillance" else ""
            competences.append(
                Competence(intervenant=person, activity=activities[code], epreuve=epreuve)
            )
        island_centres = by_island.get(person.home_island_id) or [None]
        school = centres[SCHOOL_UAI] if index % 12 == 0 else rng.choice(island_centres)
        profiles.append(
            AssignmentProfile(
                intervenant=person, school=school, max_missions=rng.choice([None, None, 2, 3])
            )
        )
        if rng.random() < 0.12:
            day = session.start_date + datetime.timedelta(days=rng.randint(0, 2))
            absences.append(
                Unavailability(
                    intervenant=person,
                    start_date=day,
                    end_date=day,
                    period=rng.choice(Period.values),
                    reason="Conseil de classe",
                    entered_as=EnteredBy.SCHOOL,
                )
            )
    if demo is not None:
        # The demo intervenant (Uturoa) can examine orals and is away the last afternoon.
        competences.append(Competence(intervenant=demo, activity=activities["oral"]))
        profiles.append(AssignmentProfile(intervenant=demo, school=centres["9840009J"]))
        absences.append(
            Unavailability(
                intervenant=demo,
                start_date=session.end_date,
                end_date=session.end_date,
                period=Period.AFTERNOON,
                reason="Rendez-vous médical",
                entered_as=EnteredBy.INTERVENANT,
            )
        )
    Competence.objects.bulk_create(competences, ignore_conflicts=True)
    AssignmentProfile.objects.bulk_create(profiles, ignore_conflicts=True)
    Unavailability.objects.bulk_create(absences)
    return len(people) + (demo is not None)
