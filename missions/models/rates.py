"""Rates are data: the fee computation and the public regulation pages read the same rows."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from missions.enums import DistanceBand, HorsepowerBand, TravelRateKind, Unit
from missions.money import eur_to_xpf


class RateGroup(models.Model):
    """The rate group of an exam (Bac, DNB...) or of a competition examiner's corps."""

    code = models.SlugField("code", max_length=40, unique=True)
    name = models.CharField("nom", max_length=150)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "groupe de taux"
        verbose_name_plural = "groupes de taux"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Activity(models.Model):
    """A type de mission: correction de copies, interrogation orale, surveillance..."""

    code = models.SlugField("code", max_length=40, unique=True)
    name = models.CharField("nom", max_length=150)
    unit = models.CharField("unité", max_length=20, choices=Unit.choices)
    description = models.TextField("description", blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "type de mission"
        verbose_name_plural = "types de mission"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ValidityQuerySet(models.QuerySet):
    def in_force(self, on=None):
        on = on or datetime.date.today()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def previous(self, on=None):
        on = on or datetime.date.today()
        return self.filter(valid_to__lt=on)


class ValidityPeriod(models.Model):
    valid_from = models.DateField(
        "en vigueur du", null=True, blank=True, help_text="Vide : depuis toujours."
    )
    valid_to = models.DateField("au", null=True, blank=True, help_text="Vide : sans fin.")
    source = models.CharField("texte de référence", max_length=255, blank=True)
    to_confirm = models.BooleanField(
        "à confirmer",
        default=False,
        help_text="Montant à vérifier par la DEC avant publication définitive.",
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "La fin de validité précède son début."})

    def covers(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Rate(ValidityPeriod):
    """Remuneration rate of an activity for a rate group, in XPF with two decimals."""

    activity = models.ForeignKey(
        Activity, models.PROTECT, related_name="rates", verbose_name="type de mission"
    )
    rate_group = models.ForeignKey(
        RateGroup,
        models.PROTECT,
        related_name="rates",
        verbose_name="groupe de taux",
        null=True,
        blank=True,
        help_text="Vide : s'applique à tous les groupes qui n'ont pas de taux propre.",
    )
    label = models.CharField("libellé", max_length=100, blank=True, help_text="Ex. « taux 5 ».")
    amount = models.DecimalField("montant (XPF)", max_digits=12, decimal_places=2)
    amount_eur = models.DecimalField(
        "montant réglementaire (EUR)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Si le texte fixe un montant en euros : le montant XPF en est la conversion.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "taux de rémunération"
        verbose_name_plural = "taux de rémunération"
        ordering = ["activity__order", "rate_group__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="rate_amount_positive"),
        ]

    def __str__(self):
        group = self.rate_group or "tous groupes"
        return f"{self.activity} — {group} : {self.amount} XPF/{self.activity.get_unit_display()}"

    def clean(self):
        super().clean()
        if self.amount_eur is not None and self.amount is None:
            self.amount = eur_to_xpf(self.amount_eur)


class TravelRate(ValidityPeriod):
    """Meal, night and kilometre allowances for French Polynesia, in XPF."""

    kind = models.CharField("nature", max_length=30, choices=TravelRateKind.choices)
    horsepower_band = models.CharField(
        "puissance fiscale", max_length=10, choices=HorsepowerBand.choices, blank=True
    )
    distance_band = models.CharField(
        "distance annuelle", max_length=12, choices=DistanceBand.choices, blank=True
    )
    amount = models.DecimalField("montant (XPF)", max_digits=12, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "taux de frais de déplacement"
        verbose_name_plural = "taux de frais de déplacement"
        ordering = ["kind", "horsepower_band", "distance_band", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="travel_rate_amount_positive"),
        ]

    def __str__(self):
        parts = [self.get_kind_display()]
        if self.horsepower_band:
            parts.append(self.get_horsepower_band_display())
        if self.distance_band:
            parts.append(self.get_distance_band_display())
        return f"{' — '.join(parts)} : {self.amount} XPF"

    def clean(self):
        super().clean()
        if self.kind == TravelRateKind.CAR_KM and not (self.horsepower_band and self.distance_band):
            raise ValidationError(
                "Un taux kilométrique voiture précise la puissance fiscale et la distance annuelle."
            )
