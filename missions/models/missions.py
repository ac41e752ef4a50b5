"""Missions (convocations)."""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from simple_history.models import HistoricalRecords

from missions.models.geography import Island
from missions.models.intervenants import Intervenant
from missions.models.organisation import Centre, Session
from missions.models.rates import Activity, RateGroup

MAX_MISSION_DAYS = 60


class MissionQuerySet(models.QuerySet):
    def for_intervenant(self, intervenant):
        return self.filter(intervenant=intervenant)

    def for_chef(self, user):
        return self.filter(centre__chefs=user)

    def visible_to(self, user):
        """Gestionnaires see every mission, a chef de centre those of their centres."""
        from missions.permissions import is_chef_de_centre, is_gestionnaire

        if is_gestionnaire(user):
            return self
        if is_chef_de_centre(user):
            # Their centres as a subquery: each mission once without a DISTINCT, which
            # made the database sort every row of the page's query on all its columns.
            return self.filter(centre__in=Centre.objects.filter(chefs=user).values("pk"))
        return self.none()

    def issued(self):
        return self.filter(issued_at__isnull=False)

    def not_issued(self):
        return self.filter(issued_at__isnull=True)

    def with_related(self):
        return self.select_related(
            "intervenant",
            "session__exam__rate_group",
            "activity",
            "centre__commune",
            "centre__island__archipelago",
            "rate_group",
        )


# What a part copies from its mission (FeePart.session, FeePart.centre).
KEY_ATTNAMES = ("session_id", "centre_id")


class Mission(models.Model):
    intervenant = models.ForeignKey(
        Intervenant,
        models.PROTECT,
        related_name="missions",
        verbose_name="intervenant",
        db_index=False,  # (intervenant, -start_date) and unique_mission begin with it
    )
    session = models.ForeignKey(
        Session,
        models.PROTECT,
        related_name="missions",
        verbose_name="session",
        db_index=False,  # (session, centre) and mission_session_listing begin with it
    )
    epreuve = models.CharField("épreuve", max_length=200, blank=True)
    activity = models.ForeignKey(
        Activity, models.PROTECT, related_name="missions", verbose_name="type de mission"
    )
    centre = models.ForeignKey(
        Centre,
        models.PROTECT,
        related_name="missions",
        verbose_name="centre d'épreuves",
        db_index=False,  # mission_centre_listing begins with it
    )
    start_date = models.DateField("premier jour")
    end_date = models.DateField("dernier jour")
    start_time = models.TimeField("heure de début", default=datetime.time(7, 30))
    end_time = models.TimeField("heure de fin", default=datetime.time(12, 30))
    expected_quantity = models.DecimalField(
        "quantité prévue", max_digits=9, decimal_places=2, default=0
    )
    rate_group = models.ForeignKey(
        RateGroup,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # mission_rate_group: the rows that have one
        verbose_name="groupe de taux particulier",
        help_text="Vide : celui de l'examen. Pour un concours, le corps de l'examinateur.",
    )
    # What the system did when it issued the convocation: never edited by hand.
    convocation_number = models.CharField(
        "n° de convocation", max_length=30, unique=True, null=True, blank=True, editable=False
    )
    issued_at = models.DateTimeField("convocation émise le", null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,  # mission_issued_by: the rows that have one
        verbose_name="convocation émise par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = MissionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "mission"
        ordering = ["-start_date", "centre__name"]
        constraints = [
            # The same convocation twice is a mistake, and makes re-imports idempotent.
            models.UniqueConstraint(
                fields=["intervenant", "session", "activity", "centre", "start_date", "epreuve"],
                name="unique_mission",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="mission_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(expected_quantity__gte=0), name="mission_quantity_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "centre"]),
            models.Index(fields=["intervenant", "-start_date"]),
            # The back-office listing: newest first, whole table or one session.
            models.Index(fields=["start_date", "id"], name="mission_listing"),
            models.Index(fields=["session", "start_date", "id"], name="mission_session_listing"),
            # One centre's missions by date: the listing filtered by centre, service fait.
            models.Index(fields=["centre", "start_date", "id"], name="mission_centre_listing"),
            # Mostly empty columns (an import writes neither): only the rows that have a
            # value, for the ON DELETE checks of their tables. A whole index would take an
            # entry for every new row.
            models.Index(
                fields=["rate_group"],
                condition=models.Q(rate_group__isnull=False),
                name="mission_rate_group",
            ),
            models.Index(
                fields=["issued_by"],
                condition=models.Q(issued_by__isnull=False),
                name="mission_issued_by",
            ),
        ]

    def __str__(self):
        label = self.epreuve or self.activity.name
        return f"{label} — {self.intervenant.full_name} — {self.start_date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        """Refuse to change a locked mission (validated parts or beyond): whatever calls
        save(), a form, an import or a service, what was validated stays as it was. A new
        session or centre is copied to the mission's parts in the same transaction."""
        adding = self.pk is None or self._state.adding
        if not adding:
            from missions.models.locks import check_unlocked

            check_unlocked(self)
        written = self._written_keys(kwargs.get("update_fields"))
        if adding or not written or getattr(self, "_loaded_keys", None) == self._keys():
            super().save(*args, **kwargs)
        else:
            # By name: fees.py imports this module.
            FeePart = apps.get_model("missions", "FeePart")
            with transaction.atomic():
                super().save(*args, **kwargs)
                FeePart.objects.filter(etat__mission=self).update(
                    **{key: getattr(self, key) for key in written}
                )
        if written == KEY_ATTNAMES:
            self._loaded_keys = self._keys()
        elif written:  # one of the two saved: compare both again next time
            self._loaded_keys = None

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                errors["end_date"] = "Le dernier jour précède le premier."
            elif (self.end_date - self.start_date).days >= MAX_MISSION_DAYS:
                errors["end_date"] = f"Une mission dure au plus {MAX_MISSION_DAYS} jours."
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = "L'heure de fin doit suivre l'heure de début."
        if self.expected_quantity is not None and self.expected_quantity < 0:
            errors["expected_quantity"] = "La quantité prévue ne peut pas être négative."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        mission = super().from_db(db, field_names, values)
        mission._loaded_keys = mission._keys()
        return mission

    @staticmethod
    def _written_keys(update_fields):
        """The copied columns a save with these update_fields writes."""
        if update_fields is None:
            return KEY_ATTNAMES
        named = set(update_fields)
        return tuple(a for a in KEY_ATTNAMES if a in named or a.removesuffix("_id") in named)

    def _keys(self):
        """What the parts copy (FeePart.session, FeePart.centre); None if not loaded."""
        deferred = self.get_deferred_fields()
        if "session_id" in deferred or "centre_id" in deferred:
            return None
        return self.session_id, self.centre_id

    @property
    def effective_rate_group(self):
        return self.rate_group or self.session.exam.rate_group

    @property
    def island(self) -> Island:
        return self.centre.island

    @property
    def days(self):
        day = self.start_date
        while day <= self.end_date:
            yield day
            day += datetime.timedelta(days=1)

    @property
    def is_issued(self):
        return self.issued_at is not None
