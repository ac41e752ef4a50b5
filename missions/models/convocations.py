"""Convocation runs: the DEC issues a session's convocations in one go (dry run first),
as a background task whose progress is visible and which can be cancelled."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from missions.storage import private_storage, private_upload_path


class RunStatus(models.TextChoices):
    PLANNED = "prevue", "Prévue (simulation faite)"
    QUEUED = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    DONE = "terminee", "Terminée"
    CANCELLED = "annulee", "Annulée"
    FAILED = "echec", "Échec"


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class ConvocationRun(models.Model):
    session = models.ForeignKey(
        "Session", models.PROTECT, related_name="convocation_runs", verbose_name="session"
    )
    missions = models.ManyToManyField("Mission", related_name="+", verbose_name="missions")
    status = models.CharField(
        "statut", max_length=12, choices=RunStatus.choices, default=RunStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="lancée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    total = models.PositiveIntegerField("missions à émettre", default=0)
    done = models.PositiveIntegerField("missions émises", default=0)
    cancel_requested = models.BooleanField("annulation demandée", default=False)
    merged_pdf = models.FileField(
        "convocations à imprimer (PDF)",
        storage=private_storage,
        upload_to=private_upload_path,
        blank=True,
    )
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "émission de convocations"
        verbose_name_plural = "émissions de convocations"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Émission du {timezone.localtime(self.created_at):%d/%m/%Y %H:%M} — {self.session}"

    @property
    def progress_percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_active(self):
        return self.status in ACTIVE_RUN_STATUSES


class ConvocationDocument(models.Model):
    """The PDF convocation of one intervenant in a run (all their missions of the run)."""

    run = models.ForeignKey(
        ConvocationRun, models.CASCADE, related_name="documents", verbose_name="émission"
    )
    intervenant = models.ForeignKey("Intervenant", models.CASCADE, related_name="convocations")
    pdf = models.FileField("PDF", storage=private_storage, upload_to=private_upload_path)
    with_first_password = models.BooleanField("avec premier mot de passe", default=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "convocation (PDF)"
        verbose_name_plural = "convocations (PDF)"
        ordering = ["intervenant__last_name"]

    def __str__(self):
        return f"Convocation de {self.intervenant}"
