"""Statuses, units and other closed lists of the domain (DOMAIN.md §2-§4)."""

from django.db import models


class Unit(models.TextChoices):
    COPY = "copie", "copie"
    HOUR = "heure", "heure"
    CANDIDATE = "candidat", "candidat"
    SUBJECT = "sujet", "sujet"
    HALF_DAY = "demi_journee", "demi-journée"
    FLAT = "forfait", "forfait"


UNIT_PLURALS = {
    Unit.COPY: "copies",
    Unit.HOUR: "heures",
    Unit.CANDIDATE: "candidats",
    Unit.SUBJECT: "sujets",
    Unit.HALF_DAY: "demi-journées",
    Unit.FLAT: "forfaits",
}


class TravelRateKind(models.TextChoices):
    MEAL = "repas", "Repas"
    ADMIN_MEAL = "repas_administratif", "Repas pris en restaurant administratif"
    NIGHT = "nuitee", "Nuitée"
    CAR_KM = "km_voiture", "Indemnité kilométrique — voiture"
    MOTORCYCLE_KM = "km_moto", "Indemnité kilométrique — motocyclette"
    MOPED_KM = "km_cyclomoteur", "Indemnité kilométrique — vélomoteur et cyclomoteur"


class HorsepowerBand(models.TextChoices):
    UP_TO_5 = "5cv", "5 CV et moins"
    SIX_SEVEN = "6-7cv", "6 et 7 CV"
    EIGHT_PLUS = "8cv", "8 CV et plus"

    @classmethod
    def for_horsepower(cls, horsepower):
        if horsepower <= 5:
            return cls.UP_TO_5
        if horsepower <= 7:
            return cls.SIX_SEVEN
        return cls.EIGHT_PLUS


class DistanceBand(models.TextChoices):
    UP_TO_2000 = "0-2000", "jusqu'à 2 000 km"
    UP_TO_10000 = "2001-10000", "de 2 001 à 10 000 km"
    OVER_10000 = "10001+", "au-delà de 10 000 km"


# Upper bound (km driven in the year) of each band, in order; the last one is open.
DISTANCE_BAND_LIMITS = [
    (DistanceBand.UP_TO_2000, 2000),
    (DistanceBand.UP_TO_10000, 10000),
    (DistanceBand.OVER_10000, None),
]


class Civility(models.TextChoices):
    MADAME = "Mme", "Madame"
    MONSIEUR = "M.", "Monsieur"


class IntervenantCategory(models.TextChoices):
    EDUCATION_POLYNESIE = "education_pf", "Personnel de l'éducation en Polynésie française"
    OTHER_ADMINISTRATION = "autre_administration", "Fonctionnaire d'une autre administration"
    HIGHER_EDUCATION = "enseignement_superieur", "Enseignant de l'enseignement supérieur"
    OTHER_ACADEMIE = (
        "autre_academie",
        ("Fonctionnaire de l'éducation nationale affecté dans une autre académie"),
    )
    PRIVATE_OR_RETIRED = (
        "prive_liberal_retraite",
        ("Salarié du secteur privé, profession libérale ou retraité"),
    )


EXTERNAL_CATEGORIES = [
    c for c in IntervenantCategory if c != IntervenantCategory.EDUCATION_POLYNESIE
]


class IntervenantStatus(models.TextChoices):
    ACTIVE = "actif", "Actif"
    EXCLUDED = "ecarte", "Écarté"
    ARCHIVED = "historise", "Historisé"


class PartNature(models.TextChoices):
    REMUNERATION = "remuneration", "Rémunération"
    TRAVEL = "deplacement", "Déplacement"


class PartStatus(models.TextChoices):
    OPEN = "ouvert", "Ouvert"
    TO_ENTER = "a_saisir", "À saisir"
    VALIDATED_BY_INTERVENANT = "valide_intervenant", "Validé par l'intervenant"
    SERVICE_FAIT = "service_fait", "Service fait"
    CONTROLLED = "controle", "Contrôlé"
    IN_PAYMENT = "en_paiement", "En paiement"
    PAID = "paye", "Payé"
    TO_CORRECT = "a_corriger", "À corriger"
    REJECTED = "rejete", "Rejeté"
    CANCELLED = "annule", "Annulé"
    NO_FEES = "sans_frais", "Sans frais"


# The intervenant may edit the lines of a part in these statuses (before the deadline).
EDITABLE_STATUSES = frozenset({PartStatus.TO_ENTER, PartStatus.TO_CORRECT})
# Amounts are frozen from DEC control on: rate edits no longer touch them.
FROZEN_STATUSES = frozenset({PartStatus.CONTROLLED, PartStatus.IN_PAYMENT, PartStatus.PAID})
FINAL_STATUSES = frozenset({PartStatus.PAID, PartStatus.REJECTED})
# A mission with a part in these statuses is a record: it, its parts and their lines are
# read-only everywhere (services.locks); corrections go through the lifecycle's actions.
LOCKED_STATUSES = frozenset({
    PartStatus.VALIDATED_BY_INTERVENANT, PartStatus.SERVICE_FAIT, PartStatus.CONTROLLED,
    PartStatus.IN_PAYMENT, PartStatus.PAID, PartStatus.REJECTED,
})  # fmt: skip
# Statuses waiting for someone: who acts next.
WAITING_FOR_INTERVENANT = frozenset({PartStatus.TO_ENTER, PartStatus.TO_CORRECT})
WAITING_FOR_CENTRE = frozenset({PartStatus.VALIDATED_BY_INTERVENANT})
WAITING_FOR_DEC = frozenset({PartStatus.SERVICE_FAIT, PartStatus.CONTROLLED})

# DSFR badge colour of each status.
STATUS_BADGES = {
    PartStatus.OPEN: "info",
    PartStatus.TO_ENTER: "new",
    PartStatus.VALIDATED_BY_INTERVENANT: "info",
    PartStatus.SERVICE_FAIT: "info",
    PartStatus.CONTROLLED: "success",
    PartStatus.IN_PAYMENT: "success",
    PartStatus.PAID: "success",
    PartStatus.TO_CORRECT: "warning",
    PartStatus.REJECTED: "error",
    PartStatus.CANCELLED: "error",
    PartStatus.NO_FEES: "info",
}


class Actor(models.TextChoices):
    INTERVENANT = "intervenant", "Intervenant"
    CHEF_DE_CENTRE = "chef_de_centre", "Chef de centre"
    GESTIONNAIRE = "gestionnaire", "Gestionnaire DEC"
    SYSTEM = "systeme", "IMAG'IN (automatique)"


class TravelMode(models.TextChoices):
    CAR = "voiture", "Voiture personnelle"
    MOTORCYCLE = "moto", "Motocyclette"
    MOPED = "cyclomoteur", "Vélomoteur ou cyclomoteur"
    PLANE = "avion", "Avion"
    BOAT = "bateau", "Bateau"
    BUS = "bus", "Bus (Le Truck)"
    TAXI = "taxi", "Taxi"


KM_MODES = frozenset({TravelMode.CAR, TravelMode.MOTORCYCLE, TravelMode.MOPED})
FARE_MODES = frozenset({TravelMode.PLANE, TravelMode.BOAT, TravelMode.BUS, TravelMode.TAXI})


class MealKind(models.TextChoices):
    LUNCH = "dejeuner", "Déjeuner"
    ADMIN_LUNCH = "dejeuner_administratif", "Déjeuner administratif (restaurant administratif)"
    DINNER = "diner", "Dîner"


class BatchStatus(models.TextChoices):
    DRAFT = "brouillon", "En préparation"
    EXPORTED = "exporte", "Exporté"
    PAID = "paye", "Payé"
