"""Payment batches (mises en paiement)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from missions.enums import BatchStatus, PartNature
from missions.models.intervenants import full_name_of
from missions.money import mask_iban
from missions.storage import private_storage


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
    sealed_at = models.DateTimeField("scellé le", null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "lot de mise en paiement"
        verbose_name_plural = "lots de mise en paiement"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Lot {self.number} ({self.get_nature_display()})"


class PaymentLine(models.Model):
    """One line of an exported batch, written once at export from the data of that moment:
    the payee and the amount the paying service received. Never updated; what changed
    since is shown beside it as a difference (services.sealing)."""

    batch = models.ForeignKey(
        PaymentBatch, models.PROTECT, related_name="lines", verbose_name="lot"
    )
    part = models.ForeignKey(
        "FeePart", models.PROTECT, related_name="payment_lines", verbose_name="partie"
    )
    position = models.PositiveIntegerField("rang")
    identifier = models.CharField("identifiant intervenant", max_length=20)
    civility = models.CharField("civilité", max_length=5, blank=True)
    last_name = models.CharField("nom de naissance", max_length=100)
    usage_name = models.CharField("nom d'usage", max_length=100, blank=True)
    first_name = models.CharField("prénom", max_length=100)
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    account_holder = models.CharField("titulaire du compte", max_length=200, blank=True)
    nature = models.CharField("nature", max_length=30)
    convocation_number = models.CharField("n° de convocation", max_length=40, blank=True)
    session = models.CharField("session", max_length=200)
    mission = models.CharField("mission", max_length=300)
    centre = models.CharField("centre", max_length=200, blank=True)
    archipelago = models.CharField("archipel", max_length=100, blank=True)
    activity = models.CharField("type de mission", max_length=200, blank=True)
    amount = models.PositiveIntegerField("montant (XPF)")

    class Meta:
        verbose_name = "ligne de mise en paiement"
        verbose_name_plural = "lignes de mise en paiement"
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "part"], name="one_payment_line_per_part"),
        ]

    def __str__(self):
        return f"{self.batch.number} — {self.identifier} — {self.amount} XPF"

    @property
    def full_name(self):
        return full_name_of(self.civility, self.first_name, self.last_name, self.usage_name)

    @property
    def masked_iban(self):
        return mask_iban(self.iban)


class PaymentFile(models.Model):
    """A file sent to the paying service, stored as exported with its SHA-256: every later
    download serves these bytes, and `verify_payment_files` re-hashes them."""

    batch = models.ForeignKey(
        PaymentBatch, models.PROTECT, related_name="files", verbose_name="lot"
    )
    fmt = models.CharField("format", max_length=4)
    file = models.FileField("fichier", storage=private_storage, upload_to="paiements/")
    filename = models.CharField("nom du fichier", max_length=100)
    content_type = models.CharField("type", max_length=100)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    size = models.PositiveIntegerField("taille (octets)")
    created_at = models.DateTimeField("scellé le", auto_now_add=True)

    class Meta:
        verbose_name = "fichier de mise en paiement"
        verbose_name_plural = "fichiers de mise en paiement"
        ordering = ["batch", "fmt"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "fmt"], name="one_payment_file_per_format"),
        ]

    def __str__(self):
        return self.filename
