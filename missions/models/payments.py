"""Payment batches (mises en paiement)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..enums import BatchStatus, PartNature


class PaymentBatch(models.Model):
    number = models.CharField("numéro", max_length=20, unique=True)
    nature = models.CharField("nature", max_length=15, choices=PartNature.choices)
    status = models.CharField(
        "statut", max_length=12, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="créé par",
    )
    exported_at = models.DateTimeField("exporté le", null=True, blank=True)
    expected_payment_on = models.DateField("paiement prévu le", null=True, blank=True)
    paid_on = models.DateField("payé le", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "lot de mise en paiement"
        verbose_name_plural = "lots de mise en paiement"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Lot {self.number} ({self.get_nature_display()})"
