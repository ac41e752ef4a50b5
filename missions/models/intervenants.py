"""Intervenants and their dossier financier."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from simple_history.models import HistoricalRecords

from missions.enums import Civility, IntervenantCategory, IntervenantStatus
from missions.models.geography import Commune, Island
from missions.storage import private_storage, private_upload_path

IDENTIFIER_PREFIX = "PF"
DOSSIER_VALIDITY_MONTHS = 24


CIVILITY_LABELS = dict(Civility.choices)


def full_name_of(civility, first_name, last_name, usage_name=""):
    """The name printed on documents, "Mme Hinano TERIITEHAU" (the usage name if any); a
    function of the columns so that exports compute it without a model instance."""
    shown = (usage_name or last_name).upper()
    return f"{CIVILITY_LABELS.get(civility, civility)} {first_name} {shown}"


def new_identifier():
    """A random identifier such as PF482913; uniqueness is checked by the caller."""
    return f"{IDENTIFIER_PREFIX}{secrets.randbelow(900_000) + 100_000}"


class IntervenantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=IntervenantStatus.ACTIVE)

    def with_geography(self):
        return self.select_related(
            "home_commune", "home_island__archipelago", "work_commune", "work_island"
        )


class Intervenant(models.Model):
    identifier = models.CharField(
        "identifiant",
        max_length=20,
        unique=True,
        blank=True,
        help_text="Imprimé sur les convocations ; généré s'il est laissé vide.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="intervenant",
        verbose_name="compte de l'espace intervenant",
    )
    civility = models.CharField("civilité", max_length=4, choices=Civility.choices)
    last_name = models.CharField("nom de naissance", max_length=100)
    usage_name = models.CharField("nom d'usage", max_length=100, blank=True)
    first_name = models.CharField("prénom", max_length=100)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.TextField("adresse postale", blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    home_commune = models.ForeignKey(
        Commune, models.PROTECT, related_name="+", verbose_name="commune de résidence"
    )
    home_island = models.ForeignKey(
        Island,
        models.PROTECT,
        related_name="+",
        verbose_name="île de résidence",
        blank=True,
        help_text=(
            "Par défaut l'île principale de la commune (utile aux communes de plusieurs îles)."
        ),
    )
    work_commune = models.ForeignKey(
        Commune,
        models.PROTECT,
        related_name="+",
        verbose_name="commune de travail",
        null=True,
        blank=True,
    )
    work_island = models.ForeignKey(
        Island,
        models.PROTECT,
        related_name="+",
        verbose_name="île de travail",
        null=True,
        blank=True,
    )
    employer = models.CharField("employeur ou établissement", max_length=200, blank=True)
    grade = models.CharField("grade ou fonction", max_length=150, blank=True)
    discipline = models.CharField("discipline ou spécialité", max_length=150, blank=True)
    category = models.CharField(
        "catégorie",
        max_length=30,
        choices=IntervenantCategory.choices,
        default=IntervenantCategory.EDUCATION_POLYNESIE,
    )
    is_external = models.BooleanField("intervenant extérieur", default=False)
    status = models.CharField(
        "statut", max_length=12, choices=IntervenantStatus.choices, default=IntervenantStatus.ACTIVE
    )
    must_change_password = models.BooleanField(
        "doit choisir son mot de passe",
        default=False,
        help_text="Vrai tant que l'intervenant n'a pas remplacé le mot de passe de sa convocation.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = IntervenantQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "intervenant"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self):
        return f"{self.full_name} ({self.identifier})"

    def save(self, *args, **kwargs):
        self._default_islands()
        if not self.identifier:
            self.identifier = self._unique_identifier()
        self.is_external = self.category != IntervenantCategory.EDUCATION_POLYNESIE
        super().save(*args, **kwargs)

    @property
    def display_last_name(self):
        return self.usage_name or self.last_name

    @property
    def full_name(self):
        return full_name_of(self.civility, self.first_name, self.last_name, self.usage_name)

    def clean(self):
        super().clean()
        if self.birth_date and self.birth_date > datetime.date.today():
            raise ValidationError({"birth_date": "La date de naissance est dans le futur."})
        self._default_islands()
        if self.home_island_id and self.home_commune_id:
            # .all() so that an import's prefetched islands answer without a query.
            allowed = {island.pk for island in self.home_commune.islands.all()}
            if allowed and self.home_island_id not in allowed:
                raise ValidationError(
                    {"home_island": "Cette île n'appartient pas à la commune de résidence."}
                )

    def _default_islands(self):
        if self.home_commune_id and not self.home_island_id:
            self.home_island_id = Commune.objects.values_list("island_id", flat=True).get(
                pk=self.home_commune_id
            )
        if self.work_commune_id and not self.work_island_id:
            self.work_island_id = Commune.objects.values_list("island_id", flat=True).get(
                pk=self.work_commune_id
            )

    @classmethod
    def _unique_identifier(cls):
        while True:
            identifier = new_identifier()
            if not cls.objects.filter(identifier=identifier).exists():
                return identifier


def validate_iban(value):
    try:
        IBAN(value)
    except SchwiftyException as error:
        raise ValidationError("IBAN invalide : vérifiez sa longueur et sa clé.") from error


def validate_bic(value):
    try:
        BIC(value)
    except SchwiftyException as error:
        raise ValidationError("BIC invalide : 8 ou 11 caractères (ex. SOCRPFTP).") from error


class DossierFinancier(models.Model):
    """What the DEC needs to pay an intervenant. Owned by the intervenant, checked by the DEC."""

    intervenant = models.OneToOneField(
        Intervenant, models.CASCADE, related_name="dossier", verbose_name="intervenant"
    )
    iban = models.CharField("IBAN", max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[validate_bic])
    account_holder = models.CharField("titulaire du compte", max_length=150, blank=True)
    social_security_number = models.CharField(
        "numéro de sécurité sociale (CPS ou INSEE)", max_length=20, blank=True
    )
    vehicle_horsepower = models.PositiveSmallIntegerField(
        "puissance fiscale du véhicule (CV)", null=True, blank=True
    )
    rib_document = models.FileField(
        "RIB", storage=private_storage, upload_to=private_upload_path, blank=True
    )
    id_document = models.FileField(
        "pièce d'identité", storage=private_storage, upload_to=private_upload_path, blank=True
    )
    bank_changed_at = models.DateTimeField(
        "coordonnées bancaires modifiées le", null=True, blank=True
    )
    checked_at = models.DateTimeField("vérifié par la DEC le", null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vérifié par",
        limit_choices_to={"is_staff": True},
    )
    last_mission_on = models.DateField("dernière mission le", null=True, blank=True)
    # Set by services.dossier when the intervenant changes a field or document the DEC had
    # checked: the check is withdrawn (checked_at emptied) and the changes kept to review.
    check_reset_at = models.DateTimeField(
        "remis « à vérifier » le", null=True, blank=True, editable=False
    )
    pending_changes = models.JSONField(
        "modifications à vérifier", default=list, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "dossier financier"
        verbose_name_plural = "dossiers financiers"

    def __str__(self):
        return f"Dossier financier de {self.intervenant.full_name}"

    def save(self, *args, **kwargs):
        # The DEC's new check covers the changes made before it.
        if self.checked_at and self.check_reset_at and self.checked_at > self.check_reset_at:
            self.pending_changes = []
        super().save(*args, **kwargs)

    @property
    def needs_check(self):
        """Changed by the intervenant since the DEC's last check."""
        return self.checked_at is None and self.check_reset_at is not None

    def clean(self):
        super().clean()
        self.iban = (self.iban or "").replace(" ", "").upper()
        self.bic = (self.bic or "").replace(" ", "").upper()
        if self.vehicle_horsepower is not None and not 1 <= self.vehicle_horsepower <= 50:
            raise ValidationError({"vehicle_horsepower": "La puissance fiscale va de 1 à 50 CV."})

    @property
    def bank_name(self):
        """The bank's name from the IBAN's bank code (French registry, Polynesian banks
        included), else from the BIC."""
        try:
            if self.iban and (name := IBAN(self.iban).bank_name):
                return name
            return BIC(self.bic).bank_names[0] if self.bic else ""
        except (SchwiftyException, IndexError):
            return ""

    @property
    def masked_iban(self):
        return f"{self.iban[:4]} •••• {self.iban[-4:]}" if self.iban else ""

    # Column and field labels in the admin (Django's label_for_field reads them).
    bank_name.fget.short_description = "banque"
    masked_iban.fget.short_description = "IBAN"

    def missing_items(self):
        """What the intervenant still has to provide, in French."""
        missing = []
        if not self.iban:
            missing.append("IBAN")
        if not self.bic:
            missing.append("BIC")
        if not self.account_holder:
            missing.append("titulaire du compte")
        if not self.rib_document:
            missing.append("RIB (pièce justificative)")
        if not self.id_document:
            missing.append("pièce d'identité")
        return missing

    @property
    def is_complete(self):
        return not self.missing_items()

    def is_expired(self, today=None):
        """24 months without a mission, or changed since the DEC's last check."""
        today = today or timezone.localdate()
        if self.last_mission_on and (today - self.last_mission_on).days > 30.44 * (
            DOSSIER_VALIDITY_MONTHS
        ):
            return True
        return bool(
            self.bank_changed_at and self.checked_at and self.bank_changed_at > self.checked_at
        )

    def blocks_payment(self, today=None):
        return not self.is_complete or self.is_expired(today) or self.checked_at is None
