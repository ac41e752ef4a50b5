"""État de frais: two parts (remuneration, travel) that move separately, their declared
lines with computed amounts, the attestation de service fait and the status history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from missions.enums import Actor, MealKind, PartNature, PartStatus, TravelMode
from missions.models.geography import Commune
from missions.models.missions import Mission
from missions.models.organisation import Centre, Session
from missions.storage import private_storage, private_upload_path


def entry_deadline_of(session_deadline, override=None):
    """The session's entry deadline, unless the DEC reopened the file until later."""
    if override and override > session_deadline:
        return override
    return session_deadline


class EtatDeFrais(models.Model):
    mission = models.OneToOneField(
        Mission, models.CASCADE, related_name="etat", verbose_name="mission"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    deadline_override = models.DateField(
        "saisie rouverte jusqu'au",
        null=True,
        blank=True,
        help_text="La DEC peut rouvrir la saisie d'un dossier après la date limite.",
    )
    reminded_at = models.DateTimeField("rappel de saisie envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "état de frais"
        verbose_name_plural = "états de frais"
        indexes = [
            # The files the DEC reopened (a few): taken out of the late files.
            models.Index(
                fields=["deadline_override"],
                condition=models.Q(deadline_override__isnull=False),
                name="etat_reopened",
            ),
        ]

    def __str__(self):
        return f"État de frais — {self.mission}"

    @property
    def entry_deadline(self):
        return entry_deadline_of(self.mission.session.entry_deadline, self.deadline_override)


class FeePartQuerySet(models.QuerySet):
    def for_intervenant(self, intervenant):
        return self.filter(etat__mission__intervenant=intervenant)

    def for_chef(self, user):
        return self.filter(etat__mission__centre__chefs=user)

    def visible_to(self, user):
        from missions.permissions import is_chef_de_centre, is_gestionnaire

        if is_gestionnaire(user):
            return self
        if is_chef_de_centre(user):
            # Their centres as a subquery: each part once, without a DISTINCT.
            centres = Centre.objects.filter(chefs=user).values("pk")
            return self.filter(etat__mission__centre__in=centres)
        return self.none()

    def with_mission(self):
        return self.select_related(
            "etat__mission__intervenant",
            "etat__mission__session__exam",
            "etat__mission__activity",
            "etat__mission__centre__island",
        )


class FeePart(models.Model):
    etat = models.ForeignKey(
        EtatDeFrais, models.CASCADE, related_name="parts", verbose_name="état de frais"
    )
    nature = models.CharField("nature", max_length=15, choices=PartNature.choices)
    status = models.CharField(
        "statut", max_length=20, choices=PartStatus.choices, default=PartStatus.OPEN
    )
    amount = models.PositiveIntegerField("montant (XPF)", default=0)
    batch = models.ForeignKey(
        "PaymentBatch",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name="lot de mise en paiement",
    )
    expected_payment_on = models.DateField("paiement prévu le", null=True, blank=True)
    paid_on = models.DateField("payé le", null=True, blank=True)
    amounts_frozen_at = models.DateTimeField(
        "montants figés le",
        null=True,
        blank=True,
        editable=False,
        help_text="Validation de l'intervenant : les montants ne sont plus recalculés.",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # Copies of the mission's session and centre, so that the DEC control queue counts and
    # filters its parts in one table (late files: a join of three 200,000-row tables). Set
    # when the part is made (save() or by the bulk writers), kept by Mission.save(), the only
    # way a mission changes session or centre (an import's key holds both).
    session = models.ForeignKey(
        Session, models.PROTECT, related_name="+", editable=False, db_index=False
    )
    centre = models.ForeignKey(
        Centre, models.PROTECT, related_name="+", editable=False, db_index=False
    )

    objects = FeePartQuerySet.as_manager()
    # Not `history`: that name is the reverse accessor of StatusChange.part. The copies of
    # the mission's session and centre are not the part's own history.
    audit_history = HistoricalRecords(excluded_fields=["updated_at", "session", "centre"])

    class Meta:
        verbose_name = "partie d'état de frais"
        verbose_name_plural = "parties d'états de frais"
        constraints = [
            models.UniqueConstraint(fields=["etat", "nature"], name="one_part_per_nature"),
        ]
        indexes = [
            models.Index(fields=["status", "nature"]),
            # The DEC's control queue walks missions by date and looks up, for each, a part
            # waiting for control: this index holds only those (about a tenth of the parts).
            models.Index(
                fields=["etat"],
                condition=models.Q(status=PartStatus.SERVICE_FAIT),
                name="feepart_waiting_control",
            ),
            # The control queue's counts: late files (editable parts of the sessions past
            # their deadline), one session, one centre or archipelago.
            models.Index(fields=["session", "status", "centre"], name="feepart_session_status"),
            models.Index(fields=["centre", "status"], name="feepart_centre_status"),
        ]

    def __str__(self):
        return f"{self.get_nature_display()} — {self.etat.mission}"

    def save(self, *args, **kwargs):
        """A new part, or one moved to another état de frais (the admin's form), takes its
        mission's session and centre."""
        loaded = self.__dict__.get("_loaded_etat_id", self.__dict__.get("etat_id"))
        moved = self.__dict__.get("etat_id") != loaded
        if self.session_id is None or self.centre_id is None or moved:
            self.copy_mission_keys(self.etat.mission)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "session", "centre"}
        super().save(*args, **kwargs)
        self._loaded_etat_id = self.__dict__.get("etat_id")

    @classmethod
    def from_db(cls, db, field_names, values):
        part = super().from_db(db, field_names, values)
        part._loaded_etat_id = part.__dict__.get("etat_id")
        return part

    def copy_mission_keys(self, mission):
        """What the bulk writers call for each new part (bulk_create skips save())."""
        self.session_id, self.centre_id = mission.session_id, mission.centre_id
        return self

    @property
    def mission(self):
        return self.etat.mission


class FeeLine(models.Model):
    """A declared line: its amount and the rule applied are computed by services.fees."""

    part = models.ForeignKey(
        FeePart, models.CASCADE, related_name="%(class)ss", verbose_name="partie"
    )
    amount = models.PositiveIntegerField("montant (XPF)", default=0)
    explanation = models.CharField("calcul", max_length=300, blank=True)
    # What the amount used (rates, horsepower and distance bands, rate group, home-commune
    # decision), stored with it at validation so the record explains itself.
    facts = models.JSONField("éléments du calcul", default=dict, blank=True, editable=False)
    receipt = models.FileField(
        "justificatif", storage=private_storage, upload_to=private_upload_path, blank=True
    )

    class Meta:
        abstract = True


class WorkLine(FeeLine):
    date = models.DateField("date")
    quantity = models.DecimalField("quantité déclarée", max_digits=9, decimal_places=2)
    attested_quantity = models.DecimalField(
        "quantité attestée", max_digits=9, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "ligne de travail effectué"
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="work_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} le {self.date:%d/%m/%Y}"

    @property
    def paid_quantity(self):
        return self.quantity if self.attested_quantity is None else self.attested_quantity


class TravelLeg(FeeLine):
    date = models.DateField("date")
    departure_time = models.TimeField("heure de départ", null=True, blank=True)
    arrival_time = models.TimeField("heure d'arrivée", null=True, blank=True)
    from_commune = models.ForeignKey(
        Commune, models.PROTECT, related_name="+", verbose_name="départ"
    )
    to_commune = models.ForeignKey(
        Commune, models.PROTECT, related_name="+", verbose_name="arrivée"
    )
    mode = models.CharField("moyen de transport", max_length=15, choices=TravelMode.choices)
    km = models.DecimalField("kilomètres", max_digits=6, decimal_places=1, null=True, blank=True)
    fare = models.PositiveIntegerField("prix du billet (XPF)", null=True, blank=True)
    requisition_number = models.CharField(
        "n° de réquisition", max_length=40, blank=True, help_text="Billet payé par la DEC."
    )

    class Meta:
        verbose_name = "trajet"
        ordering = ["date", "departure_time", "id"]

    def __str__(self):
        return f"{self.from_commune} → {self.to_commune} le {self.date:%d/%m/%Y}"


class MealLine(FeeLine):
    date = models.DateField("date")
    kind = models.CharField("repas", max_length=25, choices=MealKind.choices)
    provided_free = models.BooleanField("repas fourni gratuitement", default=False)

    class Meta:
        verbose_name = "repas"
        verbose_name_plural = "repas"
        ordering = ["date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["part", "date", "kind"], name="one_meal_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} le {self.date:%d/%m/%Y}"


class NightLine(FeeLine):
    date = models.DateField("nuit du", help_text="Date du soir de la nuitée.")
    provided_free = models.BooleanField("hébergement fourni gratuitement", default=False)

    class Meta:
        verbose_name = "nuitée"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["part", "date"], name="one_night_per_date"),
        ]

    def __str__(self):
        return f"Nuitée du {self.date:%d/%m/%Y}"


class Attestation(models.Model):
    """Attestation de service fait, by the chef de centre (or the DEC)."""

    etat = models.OneToOneField(
        EtatDeFrais, models.CASCADE, related_name="attestation", verbose_name="état de frais"
    )
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name="attesté par",
        limit_choices_to={"is_staff": True},
    )
    attested_at = models.DateTimeField("attesté le", default=timezone.now)
    comment = models.TextField("commentaire", blank=True)
    quantity_corrected = models.BooleanField("quantité corrigée", default=False)

    class Meta:
        verbose_name = "attestation de service fait"
        verbose_name_plural = "attestations de service fait"

    def __str__(self):
        return f"Service fait — {self.etat.mission}"


class StatusChange(models.Model):
    part = models.ForeignKey(FeePart, models.CASCADE, related_name="history", verbose_name="partie")
    from_status = models.CharField("de", max_length=20, choices=PartStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=20, choices=PartStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    actor_role = models.CharField("rôle", max_length=20, choices=Actor.choices)
    at = models.DateTimeField("le", default=timezone.now, db_index=True)
    reason = models.TextField("motif", blank=True)

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "historique des statuts"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
