"""Exam centres, exams and sessions."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from missions.models.geography import Commune, Island
from missions.models.rates import RateGroup
from missions.roles import CHEFS_DE_CENTRE

UAI_PATTERN = re.compile(r"^\d{7}[A-Z]$")


def validate_uai(value):
    if not UAI_PATTERN.match(value or ""):
        raise ValidationError(
            "Le code UAI compte 8 caractères : 7 chiffres suivis d'une lettre majuscule "
            "(ex. 9840001A)."
        )


class CentreQuerySet(models.QuerySet):
    def for_chef(self, user):
        return self.filter(chefs=user)


class Centre(models.Model):
    """A centre d'épreuves: a lycée, collège or other site where exams are held."""

    name = models.CharField("nom", max_length=200)
    uai = models.CharField("code UAI", max_length=8, unique=True, validators=[validate_uai])
    commune = models.ForeignKey(Commune, models.PROTECT, related_name="centres")
    island = models.ForeignKey(
        Island,
        models.PROTECT,
        related_name="centres",
        verbose_name="île",
        help_text="Par défaut l'île principale de la commune.",
        blank=True,
    )
    address = models.TextField("adresse", blank=True)
    chefs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="centres_diriges",
        verbose_name="chefs de centre",
        # Only accounts of the role: intervenants and editors are not offered.
        limit_choices_to={"groups__name": CHEFS_DE_CENTRE},
    )
    active = models.BooleanField("actif", default=True)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = "centre d'épreuves"
        verbose_name_plural = "centres d'épreuves"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.island_name})"

    def save(self, *args, **kwargs):
        if self.commune_id and not self.island_id:
            self.island_id = Commune.objects.values_list("island_id", flat=True).get(
                pk=self.commune_id
            )
        super().save(*args, **kwargs)

    @property
    def island_name(self):
        return self.island.name if self.island_id else ""

    def clean(self):
        super().clean()
        if self.uai:
            self.uai = self.uai.strip().upper()
        if self.commune_id and not self.island_id:
            self.island_id = self.commune.island_id
        if self.commune_id and self.island_id:
            island_ids = {island.pk for island in self.commune.islands.all()}
            if island_ids and self.island_id not in island_ids:
                raise ValidationError({"island": "Cette île n'appartient pas à la commune."})


class ExamKind(models.TextChoices):
    EXAM = "examen", "Examen"
    COMPETITION = "concours", "Concours"


class Exam(models.Model):
    code = models.SlugField("code", max_length=40, unique=True)
    name = models.CharField("nom", max_length=150)
    kind = models.CharField("nature", max_length=10, choices=ExamKind.choices)
    rate_group = models.ForeignKey(
        RateGroup, models.PROTECT, related_name="exams", verbose_name="groupe de taux"
    )

    class Meta:
        verbose_name = "examen ou concours"
        verbose_name_plural = "examens et concours"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Session(models.Model):
    exam = models.ForeignKey(Exam, models.PROTECT, related_name="sessions", verbose_name="examen")
    name = models.CharField("nom", max_length=150, help_text="Ex. « Bac 2026, session de juin ».")
    year = models.PositiveSmallIntegerField("année")
    start_date = models.DateField("début des épreuves")
    end_date = models.DateField("fin des épreuves")
    entry_deadline = models.DateField(
        "date limite de saisie",
        help_text="Après cette date, les intervenants ne peuvent plus saisir ni valider.",
    )

    class Meta:
        verbose_name = "session"
        ordering = ["-year", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "name"], name="unique_session_name"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "La fin de la session précède son début."})
        if self.end_date and self.entry_deadline and self.entry_deadline < self.end_date:
            raise ValidationError(
                {"entry_deadline": "La date limite de saisie précède la fin des épreuves."}
            )
