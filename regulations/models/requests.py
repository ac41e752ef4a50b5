"""Requests for the creation of an external intervenant, sent from the public form."""

import unicodedata
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from missions.enums import EXTERNAL_CATEGORIES, Civility
from missions.storage import private_storage, private_upload_path

EXTERNAL_CATEGORY_CHOICES = [(category.value, category.label) for category in EXTERNAL_CATEGORIES]

# Applicants live anywhere (another académie, higher education, retirees...): a postal code
# of any country; the Polynesian form (987xx) is checked by the form for Polynesian addresses.
validate_postal_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$",
    "Saisissez un code postal (lettres, chiffres, espaces ou tirets, 10 caractères au plus).",
)
POLYNESIA = "Polynésie française"
validate_phone = RegexValidator(
    r"^\+?[\d .-]{6,20}$", "Saisissez un numéro de téléphone (chiffres, espaces, + en tête)."
)


def is_polynesia(country):
    """'Polynésie française' however it is typed (accents, case, 'French Polynesia', 'PF')."""
    text = unicodedata.normalize("NFKD", country or "").encode("ascii", "ignore").decode()
    text = " ".join(text.lower().replace("-", " ").split())
    return text in {"polynesie francaise", "polynesie", "french polynesia", "pf", "tahiti"}


class RequestStatus(models.TextChoices):
    PENDING = "en_attente", "En attente"
    ACCEPTED = "acceptee", "Acceptée"
    REFUSED = "refusee", "Refusée"


class IntervenantRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=RequestStatus.PENDING)

    def same_person(self, *, last_name, first_name, birth_date, email):
        """Same birth name, first name and birth date, or same email (case-insensitive)."""
        return self.filter(
            Q(
                last_name__iexact=last_name.strip(),
                first_name__iexact=first_name.strip(),
                birth_date=birth_date,
            )
            | Q(email__iexact=email.strip())
        )


# What the applicant fills in, in form order: the public form, the admin edit form and the
# inspect view all list these.
APPLICANT_FIELDS = [
    "category",
    "civility",
    "last_name",
    "usage_name",
    "first_name",
    "birth_date",
    "email",
    "phone",
    "address",
    "postal_code",
    "town",
    "country",
    "home_commune",
    "employer",
    "grade",
    "discipline",
    "exams",
]


class IntervenantRequest(models.Model):
    reference = models.CharField("référence", max_length=20, unique=True, editable=False)
    status = models.CharField(
        "statut", max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    category = models.CharField("catégorie", max_length=30, choices=EXTERNAL_CATEGORY_CHOICES)
    civility = models.CharField("civilité", max_length=4, choices=Civility.choices)
    last_name = models.CharField("nom de naissance", max_length=100)
    usage_name = models.CharField("nom d'usage", max_length=100, blank=True)
    first_name = models.CharField("prénom", max_length=100)
    birth_date = models.DateField("date de naissance")
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone", max_length=30, validators=[validate_phone])
    address = models.TextField("adresse postale")
    postal_code = models.CharField("code postal", max_length=10, validators=[validate_postal_code])
    town = models.CharField("ville", max_length=100, blank=True)
    country = models.CharField("pays", max_length=100, default=POLYNESIA)
    home_commune = models.ForeignKey(
        "missions.Commune",
        models.PROTECT,
        related_name="+",
        verbose_name="commune de résidence",
        null=True,
        blank=True,
        help_text="Pour une adresse en Polynésie française.",
    )
    employer = models.CharField("employeur ou dernier employeur", max_length=200)
    grade = models.CharField("grade ou fonction", max_length=150)
    discipline = models.CharField("discipline ou spécialité", max_length=150)
    exams = models.TextField("examens ou concours concernés")
    supporting_document = models.FileField(
        "pièce justificative",
        storage=private_storage,
        upload_to=private_upload_path,
        blank=True,
    )
    consent_given_at = models.DateTimeField("consentement donné le")
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    decided_at = models.DateTimeField("traitée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traitée par",
    )
    refusal_reason = models.TextField("motif du refus", blank=True)
    intervenant = models.ForeignKey(
        "missions.Intervenant",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="creation_requests",
        verbose_name="intervenant créé",
    )

    objects = IntervenantRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de création d'intervenant"
        verbose_name_plural = "demandes de création d'intervenant"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "last_name", "first_name"])]
        # One pending request per person, even for two simultaneous submissions (the form's
        # duplicate check alone is a plain SELECT that both would pass).
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(status=RequestStatus.PENDING),
                name="one_pending_request_per_email",
            ),
            models.UniqueConstraint(
                Lower("last_name"),
                Lower("first_name"),
                "birth_date",
                condition=Q(status=RequestStatus.PENDING),
                name="one_pending_request_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.first_name} {self.last_name.upper()}"

    def save(self, *args, **kwargs):
        if self.reference:
            return super().save(*args, **kwargs)
        # The reference is built from the primary key: save, then set it, atomically.
        with transaction.atomic():
            self.reference = f"tmp-{uuid.uuid4().hex[:16]}"
            super().save(*args, **kwargs)
            self.reference = f"DEM-{self.created_at:%Y}-{self.pk:05d}"
            type(self).objects.filter(pk=self.pk).update(reference=self.reference)
        return None

    @property
    def lives_in_polynesia(self):
        return is_polynesia(self.country)

    @property
    def is_pending(self):
        return self.status == RequestStatus.PENDING
