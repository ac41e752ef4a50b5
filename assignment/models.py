# Long module, one cohesive piece: the assignment's models, whose invariants span them.
"""What the assignment of intervenants needs: the needs of a session, who may do what and
when, indicative travel prices, and the proposals the solver makes.

Invariant: a proposal that became a mission (accepted) or that the DEC pinned is never moved
by a later solve; only open proposals are replaced.
"""

import datetime
import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from missions.enums import TravelMode
from missions.models import Activity, Centre, Intervenant, Island, Mission, Session


class Period(models.TextChoices):
    MORNING = "matin", "Matin (7 h 30 – 12 h 30)"
    AFTERNOON = "apres_midi", "Après-midi (13 h 30 – 17 h 30)"
    DAY = "journee", "Journée (7 h 30 – 17 h 30)"


PERIOD_HOURS = {
    Period.MORNING: (datetime.time(7, 30), datetime.time(12, 30)),
    Period.AFTERNOON: (datetime.time(13, 30), datetime.time(17, 30)),
    Period.DAY: (datetime.time(7, 30), datetime.time(17, 30)),
}


def periods_overlap(first, second) -> bool:
    """Two periods of the same day overlap unless one is the morning and the other the
    afternoon."""
    return first == second or Period.DAY in (first, second)


class NeedQuerySet(models.QuerySet):
    def for_session(self, session):
        return self.filter(session=session).select_related("centre__island", "activity")


class Need(models.Model):
    """People needed at a centre for one épreuve on one day or half-day: a number of people,
    or a quantity (copies, candidates) shared with a maximum per person."""

    session = models.ForeignKey(Session, models.CASCADE, related_name="needs")
    centre = models.ForeignKey(
        Centre, models.PROTECT, related_name="needs", verbose_name="centre d'épreuves"
    )
    epreuve = models.CharField("épreuve", max_length=200, blank=True)
    activity = models.ForeignKey(
        Activity, models.PROTECT, related_name="needs", verbose_name="type de mission"
    )
    date = models.DateField("jour")
    period = models.CharField("période", max_length=12, choices=Period.choices)
    people = models.PositiveSmallIntegerField(
        "nombre de personnes", null=True, blank=True, help_text="Vide si une quantité est partagée."
    )
    quantity = models.DecimalField(
        "quantité à partager",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Copies ou candidats à répartir entre les intervenants.",
    )
    max_per_person = models.DecimalField(
        "maximum par personne", max_digits=9, decimal_places=2, null=True, blank=True
    )
    candidates = models.PositiveIntegerField(
        "candidats",
        null=True,
        blank=True,
        help_text=(
            "Seul, il donne la quantité à partager, avec le ratio candidats par intervenant "
            "du type de mission comme maximum par personne."
        ),
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = "besoin"
        ordering = ["date", "centre__name", "epreuve"]
        indexes = [models.Index(fields=["session", "date"])]
        constraints = [
            # Re-importing a file finds the same needs.
            models.UniqueConstraint(
                fields=["session", "centre", "activity", "epreuve", "date", "period"],
                name="unique_need",
            ),
            models.CheckConstraint(
                condition=Q(people__isnull=False, people__gt=0)
                | Q(quantity__gt=0, max_per_person__gt=0),
                name="need_people_or_quantity",
            ),
        ]

    def __str__(self):
        label = self.epreuve or self.activity.name
        return f"{label} — {self.centre.name} — {self.date:%d/%m/%Y} ({self.get_period_display()})"

    def apply_candidate_ratio(self):
        """Candidates alone: share them at the activity's ratio (one examiner per N)."""
        if self.candidates and self.people is None and self.quantity is None:
            ratio = CandidateRatio.objects.filter(activity_id=self.activity_id).first()
            if ratio is None:
                raise ValidationError(
                    {
                        "candidates": "Aucun ratio candidats par intervenant pour ce type de "
                        "mission : indiquez le nombre de personnes."
                    }
                )
            self.quantity = self.candidates
            self.max_per_person = ratio.candidates_per_person

    def clean(self):
        super().clean()
        if self.activity_id:
            self.apply_candidate_ratio()
        if self.people is None and not (self.quantity and self.max_per_person):
            raise ValidationError(
                "Indiquez le nombre de personnes, ou une quantité à partager et le maximum "
                "par personne."
            )
        if self.people is not None and self.quantity is not None:
            raise ValidationError(
                "Indiquez soit le nombre de personnes, soit une quantité à partager, pas les deux."
            )
        if self.session_id and self.date:
            session = self.session
            if not session.start_date <= self.date <= session.end_date:
                raise ValidationError(
                    {"date": "Ce jour est en dehors des dates des épreuves de la session."}
                )

    @property
    def people_needed(self) -> int:
        if self.people is not None:
            return self.people
        return math.ceil(Decimal(self.quantity) / Decimal(self.max_per_person))

    @property
    def hours(self):
        return PERIOD_HOURS[self.period]

    def share(self, assigned: int) -> Decimal:
        """The quantity each of `assigned` people is convoked for (0 for a head count)."""
        if self.quantity is None or not assigned:
            return Decimal(0)
        return min(Decimal(self.max_per_person), Decimal(self.quantity) / assigned).quantize(
            Decimal("0.01")
        )


class CandidateRatio(models.Model):
    """How many candidates one person takes in a day, per activity: turns candidate counts
    into needs (e.g. one examiner per 12 oral candidates a day)."""

    activity = models.OneToOneField(
        Activity, models.CASCADE, related_name="candidate_ratio", verbose_name="type de mission"
    )
    candidates_per_person = models.PositiveSmallIntegerField("candidats par personne et par jour")

    class Meta:
        verbose_name = "ratio candidats par intervenant"
        verbose_name_plural = "ratios candidats par intervenant"

    def __str__(self):
        return f"{self.activity} : {self.candidates_per_person} candidats par personne"


class Competence(models.Model):
    """An intervenant may take this activity, for one épreuve or (épreuve empty) for all."""

    intervenant = models.ForeignKey(Intervenant, models.CASCADE, related_name="competences")
    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="+", verbose_name="type de mission"
    )
    epreuve = models.CharField(
        "épreuve", max_length=200, blank=True, help_text="Vide : toutes les épreuves."
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisi par",
    )

    class Meta:
        verbose_name = "compétence"
        constraints = [
            models.UniqueConstraint(
                fields=["intervenant", "activity", "epreuve"], name="unique_competence"
            )
        ]

    def __str__(self):
        return f"{self.intervenant} : {self.activity} {self.epreuve or '(toutes épreuves)'}"

    def matches(self, need) -> bool:
        return self.activity_id == need.activity_id and (
            not self.epreuve or self.epreuve.casefold() == need.epreuve.casefold()
        )


class EnteredBy(models.TextChoices):
    INTERVENANT = "intervenant", "L'intervenant"
    SCHOOL = "etablissement", "Son établissement"
    DEC = "dec", "La DEC"


class Unavailability(models.Model):
    intervenant = models.ForeignKey(Intervenant, models.CASCADE, related_name="unavailabilities")
    start_date = models.DateField("du")
    end_date = models.DateField("au")
    period = models.CharField("période", max_length=12, choices=Period.choices, default=Period.DAY)
    reason = models.CharField("motif", max_length=200, blank=True)
    entered_as = models.CharField(
        "saisie par", max_length=15, choices=EnteredBy.choices, default=EnteredBy.DEC
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisi par",
    )
    created_at = models.DateTimeField("saisie le", auto_now_add=True)

    class Meta:
        verbose_name = "indisponibilité"
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="unavailability_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.intervenant} : {self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "La fin précède le début."})

    def blocks(self, day, period) -> bool:
        return self.start_date <= day <= self.end_date and periods_overlap(self.period, period)


class AssignmentProfile(models.Model):
    """What the assignment knows of an intervenant beyond their identity."""

    intervenant = models.OneToOneField(
        Intervenant, models.CASCADE, related_name="assignment_profile"
    )
    school = models.ForeignKey(
        Centre,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_profiles",
        verbose_name="établissement d'exercice",
        help_text="Jamais affecté aux épreuves de cet établissement (ses propres élèves).",
    )
    max_missions = models.PositiveSmallIntegerField(
        "missions au plus par session", null=True, blank=True, help_text="Vide : pas de limite."
    )

    class Meta:
        verbose_name = "profil d'affectation"
        verbose_name_plural = "profils d'affectation"

    def __str__(self):
        return str(self.intervenant)


class SchoolHead(models.Model):
    """A chef d'établissement and the school whose staff they manage."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="schools_headed",
        verbose_name="compte",
    )
    school = models.ForeignKey(
        Centre, models.CASCADE, related_name="heads", verbose_name="établissement"
    )

    class Meta:
        verbose_name = "chef d'établissement"
        verbose_name_plural = "chefs d'établissement"
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="unique_school_head")
        ]

    def __str__(self):
        return f"{self.user} — {self.school}"


class TravelEstimate(models.Model):
    """An indicative price of getting from one island to another and back, used only to
    estimate the cost of a proposal: an economy fare between islands, or the kilometres
    driven on the same island. Reference data the DEC edits."""

    from_island = models.ForeignKey(Island, models.CASCADE, related_name="+", verbose_name="de")
    to_island = models.ForeignKey(Island, models.CASCADE, related_name="+", verbose_name="vers")
    mode = models.CharField(
        "moyen de transport",
        max_length=15,
        choices=[(m.value, m.label) for m in (TravelMode.PLANE, TravelMode.BOAT, TravelMode.CAR)],
    )
    round_trip_fare = models.PositiveIntegerField(
        "aller-retour (XPF)", null=True, blank=True, help_text="Avion ou bateau."
    )
    round_trip_km = models.PositiveIntegerField(
        "kilomètres aller-retour", null=True, blank=True, help_text="Voiture, sur la même île."
    )
    source = models.CharField("source", max_length=300)
    as_of = models.DateField("relevé le")

    class Meta:
        verbose_name = "tarif indicatif de déplacement"
        verbose_name_plural = "tarifs indicatifs de déplacement"
        ordering = ["from_island__name", "to_island__name"]
        constraints = [
            models.UniqueConstraint(fields=["from_island", "to_island"], name="unique_estimate")
        ]

    def __str__(self):
        return f"{self.from_island} ↔ {self.to_island}"

    def clean(self):
        super().clean()
        if self.mode == TravelMode.CAR and not self.round_trip_km:
            raise ValidationError({"round_trip_km": "Indiquez les kilomètres aller-retour."})
        if self.mode != TravelMode.CAR and not self.round_trip_fare:
            raise ValidationError({"round_trip_fare": "Indiquez le prix aller-retour."})


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposee", "Proposée"
    ACCEPTED = "acceptee", "Acceptée"


class Proposal(models.Model):
    """One person proposed for one need. Accepting it creates the mission."""

    need = models.ForeignKey(Need, models.CASCADE, related_name="proposals", verbose_name="besoin")
    intervenant = models.ForeignKey(Intervenant, models.CASCADE, related_name="proposals")
    status = models.CharField(
        "statut", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    pinned = models.BooleanField("épinglée", default=False)
    estimated_cost = models.PositiveIntegerField("coût estimé (XPF)", default=0)
    reason = models.TextField("motif", blank=True)
    mission = models.OneToOneField(
        Mission, models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "proposition d'affectation"
        verbose_name_plural = "propositions d'affectation"
        constraints = [
            models.UniqueConstraint(fields=["need", "intervenant"], name="unique_proposal")
        ]

    def __str__(self):
        return f"{self.intervenant} → {self.need}"

    @property
    def is_fixed(self) -> bool:
        """A re-solve keeps it: pinned by the DEC or already a mission."""
        return self.pinned or self.status == ProposalStatus.ACCEPTED


class SolveStatus(models.TextChoices):
    PENDING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    DONE = "termine", "Terminé"
    FAILED = "echec", "Échec"


class SolveRun(models.Model):
    """One computation of a session's proposal, run in the background when large."""

    session = models.ForeignKey(Session, models.CASCADE, related_name="solve_runs")
    status = models.CharField(
        "statut", max_length=12, choices=SolveStatus.choices, default=SolveStatus.PENDING
    )
    progress = models.CharField("avancement", max_length=200, blank=True)
    summary = models.JSONField("résultat", default=dict, blank=True)
    error = models.TextField("erreur", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandé par",
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "calcul d'affectation"
        verbose_name_plural = "calculs d'affectation"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.session} — {self.created_at:%d/%m/%Y %H:%M}"
