"""Archipelago → island → commune, with neighbours for the home-commune rule."""

from django.db import models


class Archipelago(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "archipel"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Island(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    archipelago = models.ForeignKey(
        Archipelago, models.PROTECT, related_name="islands", verbose_name="archipel"
    )
    subdivision = models.CharField("subdivision administrative", max_length=100, blank=True)

    class Meta:
        verbose_name = "île"
        ordering = ["archipelago__order", "name"]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def with_geography(self):
        return self.select_related("island__archipelago")


class Commune(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    island = models.ForeignKey(
        Island,
        models.PROTECT,
        related_name="main_communes",
        verbose_name="île principale",
        help_text="L'île du chef-lieu de la commune.",
    )
    islands = models.ManyToManyField(
        Island,
        related_name="communes",
        verbose_name="îles",
        help_text="Toutes les îles habitées de la commune (communes de plusieurs îles).",
    )
    # Symmetric: Papeete's neighbour Faa'a has Papeete as neighbour.
    neighbours = models.ManyToManyField(
        "self",
        symmetrical=True,
        blank=True,
        verbose_name="communes limitrophes",
        help_text="Communes voisines sur la même île (règle de la commune de résidence).",
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def archipelago(self):
        return self.island.archipelago
