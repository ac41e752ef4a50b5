"""Import and export of the missions domain with django-import-export.

Intervenants, centres and missions (convocations) import from CSV/XLSX with French column
headers and natural keys (identifier, UAI code, session name, activity code, commune name);
intervenants, missions and états de frais export with status labels and computed amounts.
The machinery (widgets, natural-key loader, formula injection) is in resource_base.py.
"""

from decimal import Decimal

from django.db.models import Prefetch
from import_export import fields, resources

from imagin_site.common.spreadsheets import escape_formula
from missions.enums import Civility, IntervenantCategory, IntervenantStatus, PartNature
from missions.io.cells import cell_text
from missions.io.resource_base import ImportResource, column
from missions.io.widgets import (
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    LookupWidget,
    TextWidget,
    TimeWidget,
)
from missions.models import (
    Activity,
    Centre,
    Commune,
    EtatDeFrais,
    FeePart,
    Intervenant,
    Island,
    Mission,
    RateGroup,
    Session,
)
from missions.models.locks import lock_reasons
from missions.money import xpf_to_eur


class CommuneWidget(LookupWidget):
    def __init__(self, **kwargs):
        super().__init__(Commune, "name", "Commune inconnue", **kwargs)

    def get_lookup_queryset(self):
        # The islands let the resource pick a valid island without a query per row.
        return Commune.objects.prefetch_related("islands")


def island_widget():
    return LookupWidget(Island, "name", "Île inconnue")


def default_of(model, name):
    return model._meta.get_field(name).default


class IntervenantResource(ImportResource):
    identifier = column("identifier", "Identifiant", TextWidget(required=True, upper=True))
    civility = column(
        "civility",
        "Civilité",
        ChoiceWidget(
            Civility, "Civilité inconnue", required=True, aliases={"M": "M.", "Mr": "M."},
            render_label=False,
        ),
    )  # fmt: skip
    last_name = column("last_name", "Nom de naissance", TextWidget(required=True))
    usage_name = column("usage_name", "Nom d'usage", TextWidget())
    first_name = column("first_name", "Prénom", TextWidget(required=True))
    birth_date = column("birth_date", "Date de naissance", DateWidget())
    email = column("email", "Courriel", TextWidget())
    phone = column("phone", "Téléphone", TextWidget())
    address = column("address", "Adresse postale", TextWidget())
    postal_code = column("postal_code", "Code postal", TextWidget())
    home_commune = column("home_commune", "Commune de résidence", CommuneWidget(required=True))
    home_island = column("home_island", "Île de résidence", island_widget())
    work_commune = column("work_commune", "Commune de travail", CommuneWidget())
    work_island = column("work_island", "Île de travail", island_widget())
    employer = column("employer", "Employeur ou établissement", TextWidget())
    grade = column("grade", "Grade ou fonction", TextWidget())
    discipline = column("discipline", "Discipline ou spécialité", TextWidget())
    category = column(
        "category",
        "Catégorie",
        ChoiceWidget(IntervenantCategory, "Catégorie inconnue", required=True),
    )
    status = column(
        "status",
        "Statut",
        ChoiceWidget(IntervenantStatus, "Statut inconnu"),
        saves_null_values=False,  # an empty cell keeps the current status
    )

    hints = {
        "Identifiant": "ex. PF482913 ; sert à retrouver l'intervenant quand on réimporte",
        "Civilité": "Mme ou M.",
        "Date de naissance": "JJ/MM/AAAA",
        "Commune de résidence": "nom de la commune (ex. Faa'a, Taiarapu-Est)",
        "Île de résidence": "vide : l'île principale de la commune",
        "Île de travail": "vide : l'île principale de la commune",
        "Catégorie": "libellé ou code : "
        + " ; ".join(f"{c.value} ({c.label})" for c in IntervenantCategory),
        "Statut": "actif, écarté ou historisé ; vide : inchangé",
    }

    class Meta:
        model = Intervenant
        fields = (
            "identifier", "civility", "last_name", "usage_name", "first_name", "birth_date",
            "email", "phone", "address", "postal_code", "home_commune", "home_island",
            "work_commune", "work_island", "employer", "grade", "discipline", "category",
            "status",
        )  # fmt: skip
        import_id_fields = ("identifier",)
        # Not in bulk: Intervenant.save() derives is_external and the islands.

    def complete_instance(self, instance, row):
        _default_island(instance, row, "home_commune", "home_island", "Île de résidence")
        _default_island(instance, row, "work_commune", "work_island", "Île de travail")
        if instance.work_commune_id is None:
            instance.work_island = None

    def get_queryset(self):
        return Intervenant.objects.select_related(
            "home_commune", "home_island", "work_commune", "work_island"
        )


def _default_island(instance, row, commune_field, island_field, island_column):
    """Communes spanning several islands: keep the island given by the file (the model
    checks it belongs to the commune), else keep a valid stored one, else take the main one."""
    if getattr(instance, f"{commune_field}_id") is None:
        return
    commune = getattr(instance, commune_field)  # from the lookup dict: islands prefetched
    islands = {island.pk: island for island in commune.islands.all()}
    island_id = getattr(instance, f"{island_field}_id")
    given = cell_text(row.get(island_column))
    if island_id is None or (not given and island_id not in islands):
        # The object, not only its id: str(centre) then needs no query.
        main = islands.get(commune.island_id)
        if main is not None:
            setattr(instance, island_field, main)
        else:
            setattr(instance, f"{island_field}_id", commune.island_id)


class CentreResource(ImportResource):
    uai = column("uai", "Code UAI", TextWidget(required=True, upper=True))
    name = column("name", "Nom", TextWidget(required=True))
    commune = column("commune", "Commune", CommuneWidget(required=True))
    island = column("island", "Île", island_widget())
    address = column("address", "Adresse", TextWidget())
    # An empty cell keeps the stored value (a new centre is active).
    active = column("active", "Actif", BooleanWidget(), saves_null_values=False)

    hints = {
        "Code UAI": "7 chiffres et une lettre (ex. 9840001A)",
        "Commune": "nom de la commune",
        "Île": "vide : l'île principale de la commune",
        "Actif": "oui ou non ; vide : inchangé (oui pour un nouveau centre)",
    }

    class Meta:
        model = Centre
        fields = ("uai", "name", "commune", "island", "address", "active")
        import_id_fields = ("uai",)

    def complete_instance(self, instance, row):
        _default_island(instance, row, "commune", "island", "Île")

    def get_queryset(self):
        return Centre.objects.select_related("commune", "island")


class MissionResource(ImportResource):
    intervenant = column(
        "intervenant",
        "Identifiant intervenant",
        LookupWidget(
            Intervenant,
            "identifier",
            "Intervenant inconnu",
            required=True,
            by_values=True,
            columns=("civility", "first_name", "last_name", "usage_name"),  # for str(mission)
        ),
    )
    session = column(
        "session",
        "Session",
        LookupWidget(
            Session,
            "name",
            "Session inconnue",
            required=True,
            ambiguous="Session ambiguë : « {text} » existe pour plusieurs examens.",
        ),
    )
    activity = column(
        "activity",
        "Type de mission",
        LookupWidget(Activity, "code", "Type de mission inconnu", required=True, also=("name",)),
    )
    epreuve = column("epreuve", "Épreuve", TextWidget())
    centre = column(
        "centre",
        "Code UAI du centre",
        LookupWidget(Centre, "uai", "Centre inconnu (code UAI)", required=True, by_values=True),
    )
    start_date = column("start_date", "Premier jour", DateWidget(required=True))
    end_date = column("end_date", "Dernier jour", DateWidget())
    start_time = column(
        "start_time", "Heure de début", TimeWidget(), default=default_of(Mission, "start_time")
    )
    end_time = column(
        "end_time", "Heure de fin", TimeWidget(), default=default_of(Mission, "end_time")
    )
    expected_quantity = column(
        "expected_quantity", "Quantité prévue", DecimalWidget(), default=Decimal(0)
    )
    rate_group = column(
        "rate_group",
        "Groupe de taux particulier",
        LookupWidget(RateGroup, "code", "Groupe de taux inconnu", also=("name",)),
    )

    optional_key_columns = {"Épreuve": ""}

    hints = {
        "Identifiant intervenant": "identifiant d'un intervenant déjà importé (ex. PF482913)",
        "Session": "nom exact d'une session (ex. Bac 2026, session de juin)",
        "Type de mission": "code ou nom (correction, oral, surveillance, jury…)",
        "Épreuve": "texte libre",
        "Code UAI du centre": "code UAI d'un centre déjà importé (ex. 9840001A)",
        "Premier jour": "JJ/MM/AAAA",
        "Dernier jour": "JJ/MM/AAAA ; vide : le premier jour",
        "Heure de début": "HH:MM ; vide : 07:30",
        "Heure de fin": "HH:MM ; vide : 12:30",
        "Quantité prévue": "copies, heures… (ex. 37 ou 6,5) ; vide : 0",
        "Groupe de taux particulier": "code d'un groupe de taux ; vide : celui de l'examen",
    }

    class Meta:
        model = Mission
        fields = (
            "intervenant", "session", "activity", "epreuve", "centre", "start_date", "end_date",
            "start_time", "end_time", "expected_quantity", "rate_group",
        )  # fmt: skip
        # The natural key of the unique_mission constraint: re-importing finds the same rows.
        import_id_fields = (
            "intervenant", "session", "activity", "centre", "start_date", "epreuve",
        )  # fmt: skip
        # Mission has no save() logic: imported by services/bulk_import.py, which keeps every
        # check of this resource and writes in batches (COPY), whatever the number of rows.
        use_bulk = True
        # Rows per COPY (and per UPDATE of changed rows): each COPY's end waits for the
        # server to catch up, then the server waits for the next one's first rows; 5
        # batches of a 100,000-row file rather than 100 make it a tenth faster or more.
        batch_size = 20_000

    def complete_instance(self, instance, row):
        if instance.end_date is None:
            instance.end_date = instance.start_date

    @staticmethod
    def locked_reasons(pks):
        """{pk: reason} of the stored missions that a row may not change (services.locks)."""
        return lock_reasons(pks)

    def get_queryset(self):
        return Mission.objects.with_related().order_by("start_date", "pk")


# Exports: the import columns (so an export can be corrected and re-imported) and more.


class IntervenantExportResource(IntervenantResource):
    is_external = column("is_external", "Intervenant extérieur", BooleanWidget(), readonly=True)

    class Meta(IntervenantResource.Meta):
        fields = (*IntervenantResource.Meta.fields, "is_external")


class MissionExportResource(MissionResource):
    intervenant_name = column("intervenant__full_name", "Intervenant", TextWidget(), readonly=True)
    centre_name = column("centre__name", "Centre", TextWidget(), readonly=True)
    island_name = column("centre__island__name", "Île", TextWidget(), readonly=True)
    convocation_number = column(
        "convocation_number", "N° de convocation", TextWidget(), readonly=True
    )
    issued = fields.Field(column_name="Convocation émise", readonly=True)

    class Meta(MissionResource.Meta):
        fields = (
            *MissionResource.Meta.fields,
            "intervenant_name", "centre_name", "island_name", "convocation_number", "issued",
        )  # fmt: skip

    def dehydrate_issued(self, mission):
        return "oui" if mission.issued_at else "non"


class EtatDeFraisResource(resources.ModelResource):
    """États de frais with the stored amounts of their two parts (computed by
    services.fees.recompute_part) and the status labels. Export only."""

    convocation_number = column("mission__convocation_number", "N° de convocation", TextWidget())
    identifier = column("mission__intervenant__identifier", "Identifiant intervenant", TextWidget())
    intervenant = column("mission__intervenant__full_name", "Intervenant", TextWidget())
    session = column("mission__session__name", "Session", TextWidget())
    activity = column("mission__activity__name", "Type de mission", TextWidget())
    epreuve = column("mission__epreuve", "Épreuve", TextWidget())
    uai = column("mission__centre__uai", "Code UAI du centre", TextWidget())
    centre = column("mission__centre__name", "Centre", TextWidget())
    start_date = column("mission__start_date", "Premier jour", DateWidget())
    end_date = column("mission__end_date", "Dernier jour", DateWidget())
    deadline = column("entry_deadline", "Saisie jusqu'au", DateWidget())
    remuneration_status = fields.Field(column_name="Rémunération — statut")
    remuneration_amount = fields.Field(column_name="Rémunération — montant (XPF)")
    travel_status = fields.Field(column_name="Déplacement — statut")
    travel_amount = fields.Field(column_name="Déplacement — montant (XPF)")
    total = fields.Field(column_name="Total (XPF)")
    total_eur = fields.Field(column_name="Total (EUR, pour information)")
    paid_on = fields.Field(column_name="Payé le")

    class Meta:
        model = EtatDeFrais
        fields = (
            "convocation_number", "identifier", "intervenant", "session", "activity", "epreuve",
            "uai", "centre", "start_date", "end_date", "deadline", "remuneration_status",
            "remuneration_amount", "travel_status", "travel_amount", "total", "total_eur",
            "paid_on",
        )  # fmt: skip

    def get_queryset(self):
        return (
            EtatDeFrais.objects.select_related(
                "mission__intervenant",
                "mission__session",
                "mission__activity",
                "mission__centre",
            )
            .prefetch_related(Prefetch("parts", queryset=FeePart.objects.order_by("nature")))
            .order_by("mission__start_date", "pk")
        )

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    @staticmethod
    def _part(etat, nature):
        return next((p for p in etat.parts.all() if p.nature == nature), None)

    def _status(self, etat, nature):
        part = self._part(etat, nature)
        return part.get_status_display() if part else ""

    def _amount(self, etat, nature):
        part = self._part(etat, nature)
        return part.amount if part else ""

    def dehydrate_remuneration_status(self, etat):
        return self._status(etat, PartNature.REMUNERATION)

    def dehydrate_remuneration_amount(self, etat):
        return self._amount(etat, PartNature.REMUNERATION)

    def dehydrate_travel_status(self, etat):
        return self._status(etat, PartNature.TRAVEL)

    def dehydrate_travel_amount(self, etat):
        return self._amount(etat, PartNature.TRAVEL)

    def dehydrate_total(self, etat):
        return sum(part.amount for part in etat.parts.all())

    def dehydrate_total_eur(self, etat):
        return f"{xpf_to_eur(self.dehydrate_total(etat))}".replace(".", ",")

    def dehydrate_paid_on(self, etat):
        dates = sorted(p.paid_on for p in etat.parts.all() if p.paid_on)
        return dates[-1].strftime("%d/%m/%Y") if dates else ""
