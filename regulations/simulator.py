# Long module, one cohesive piece: the public simulator's form, bounds and messages.
"""The public "Simuler mes indemnités" form: a GET form (the result URL can be shared) whose
facts go to missions.services.simulation, the engine of the états de frais.

Every field is bounded and refused with a French message; the choices come from the memoised
reference data, so a simulation reads nothing from the database.
"""

import datetime
import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from imagin_site.common import rate_limits
from imagin_site.common.forms import BaseForm
from missions.enums import FARE_MODES, KM_MODES, TravelMode, Unit
from missions.models import ExamKind
from missions.portal.forms import MAX_FARE, MAX_KM_PER_LEG, MAX_QUANTITY
from missions.services import simulation
from missions.services.entry import TRAVEL_MARGIN_DAYS

MAX_DAYS = 15  # a simulation covers one mission of at most two weeks
FIRST_YEAR = 2015
MAX_PRIOR_KM = 100_000
MAX_HORSEPOWER = 60
REQUISITION_PATTERN = re.compile(r"^[\w\-/ .]*$")
RATE_LIMIT = 60  # simulations per client and window
RATE_WINDOW = 10 * 60
RATE_LIMITED = (
    "Trop de simulations ont été demandées depuis votre connexion. Réessayez dans quelques minutes."
)
# The query-string key that marks a submitted simulation.
SUBMITTED_KEY = "examen"

FIELDSETS = [
    (
        "La mission",
        ["examen", "corps", "activite", "date", "dernier_jour", "debut", "fin"],
    ),
    ("Le travail effectué", ["quantite", "heures", "minutes"]),
    ("Votre commune et le centre", ["commune", "commune_travail", "centre"]),
    (
        "Le trajet aller et retour",
        [
            "transport",
            "cv",
            "km",
            "km_annee",
            "billet_aller",
            "billet_retour",
            "requisition",
            "depart_date",
            "depart_heure",
            "retour_date",
            "retour_heure",
        ],
    ),
    ("Repas et nuitées", ["dejeuners", "dejeuners_admin", "diners", "nuitees"]),
]


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_widget():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _count(label, help_text="", maximum=MAX_DAYS):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=maximum,
        help_text=help_text,
        error_messages={
            "min_value": "Indiquez un nombre positif ou nul.",
            "max_value": f"Au plus {maximum}.",
        },
    )


class FeeSimulatorForm(BaseForm):
    examen = forms.TypedChoiceField(label="Examen ou concours", coerce=int)
    corps = forms.TypedChoiceField(
        label="Corps de l'examinateur (concours seulement)",
        coerce=int,
        required=False,
        help_text="Pour un concours, le taux dépend de votre corps.",
    )
    activite = forms.TypedChoiceField(label="Type de mission", coerce=int)
    date = forms.DateField(label="Premier jour de la mission", widget=_date_widget())
    dernier_jour = forms.DateField(
        label="Dernier jour de la mission",
        required=False,
        widget=_date_widget(),
        help_text="Vide : la mission dure un jour.",
    )
    debut = forms.TimeField(label="Heure de début", widget=_time_widget())
    fin = forms.TimeField(label="Heure de fin", widget=_time_widget())
    quantite = forms.DecimalField(
        label="Quantité (copies, candidats, sujets...)",
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        help_text=(
            "Vide : seuls les frais de déplacement sont simulés. Pour une mission payée à "
            "l'heure, indiquez plutôt les heures et minutes."
        ),
    )
    heures = _count("Heures", "Pour une mission payée à l'heure.", maximum=24 * MAX_DAYS)
    minutes = _count("Minutes", "De 0 à 59.", maximum=59)
    commune = forms.TypedChoiceField(label="Votre commune de résidence", coerce=int)
    commune_travail = forms.TypedChoiceField(
        label="Votre commune de travail", coerce=int, required=False
    )
    centre = forms.TypedChoiceField(label="Centre d'épreuves", coerce=int)
    transport = forms.ChoiceField(
        label="Moyen de transport", choices=simulation.TRAVEL_MODES, required=False
    )
    cv = forms.IntegerField(
        label="Puissance fiscale du véhicule (CV)",
        required=False,
        min_value=1,
        max_value=MAX_HORSEPOWER,
        help_text="Voiture seulement : indiquée sur la carte grise (case P.6).",
    )
    km = forms.DecimalField(
        label="Distance d'un trajet aller (km)",
        required=False,
        min_value=0,
        max_value=MAX_KM_PER_LEG,
        max_digits=4,
        decimal_places=1,
        help_text="Voiture, moto ou cyclomoteur : le retour compte la même distance.",
    )
    km_annee = forms.DecimalField(
        label="Kilomètres déjà indemnisés cette année (voiture)",
        required=False,
        min_value=0,
        max_value=MAX_PRIOR_KM,
        max_digits=7,
        decimal_places=1,
        help_text="Le taux par km baisse au-delà de 2 000 puis de 10 000 km dans l'année.",
    )
    billet_aller = forms.IntegerField(
        label="Prix du billet aller (XPF)", required=False, min_value=0, max_value=MAX_FARE
    )
    billet_retour = forms.IntegerField(
        label="Prix du billet retour (XPF)", required=False, min_value=0, max_value=MAX_FARE
    )
    requisition = forms.CharField(
        label="N° de réquisition",
        required=False,
        max_length=40,
        help_text="Si la DEC a pris vos billets : rien ne vous est remboursé.",
    )
    depart_date = forms.DateField(
        label="Date du départ de chez vous",
        required=False,
        widget=_date_widget(),
        help_text="Vide : le premier jour.",
    )
    depart_heure = forms.TimeField(
        label="Heure du départ",
        required=False,
        widget=_time_widget(),
        help_text="Vide : l'heure de début.",
    )
    retour_date = forms.DateField(
        label="Date du retour chez vous",
        required=False,
        widget=_date_widget(),
        help_text="Vide : le dernier jour.",
    )
    retour_heure = forms.TimeField(
        label="Heure d'arrivée chez vous",
        required=False,
        widget=_time_widget(),
        help_text="Vide : l'heure de fin.",
    )
    dejeuners = _count("Déjeuners au restaurant")
    dejeuners_admin = _count(
        "Déjeuners administratifs (restaurant administratif, cantine)", "Payés à demi-taux."
    )
    diners = _count("Dîners")
    nuitees = _count("Nuitées à votre charge")

    summary_labels = {"dejeuners_admin": "Déjeuners administratifs"}

    def __init__(self, *args, reference, **kwargs):
        self.reference = reference
        super().__init__(*args, **kwargs)
        self.fields["examen"].choices = [("", "Choisir")] + [
            (pk, exam.name) for pk, exam in reference.exams.items()
        ]
        self.fields["corps"].choices = [("", "Sans objet")] + [
            (pk, group.name) for pk, group in reference.competition_groups.items()
        ]
        self.fields["activite"].choices = [("", "Choisir")] + [
            (pk, f"{activity.name} (par {activity.get_unit_display()})")
            for pk, activity in reference.activities.items()
        ]
        communes = [(pk, f"{c.name} ({c.island.name})") for pk, c in reference.communes.items()]
        self.fields["commune"].choices = [("", "Choisir"), *communes]
        self.fields["commune_travail"].choices = [("", "Comme la commune de résidence")]
        self.fields["commune_travail"].choices += communes
        self.fields["centre"].choices = [("", "Choisir")] + [
            (pk, str(centre)) for pk, centre in reference.centres.items()
        ]
        self.fields["commune_travail"].help_text = "Si elle diffère : elle compte aussi."
        for name in ("cv", "billet_aller", "billet_retour", "heures", "minutes", "km"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        self.refresh_fields()

    def get_fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]

    def error_summary(self):
        """(anchor, label, errors) of each invalid field, for the summary above the form."""
        return [
            (field.id_for_label, self.summary_labels.get(field.name, field.label), field.errors)
            for field in self
            if field.errors
        ]

    # Field checks

    def _pick(self, name, table, message):
        value = self.cleaned_data.get(name)
        if value in (None, ""):
            return None
        if value not in table:
            raise forms.ValidationError(message)
        return table[value]

    def clean_examen(self):
        return self._pick("examen", self.reference.exams, "Choisissez un examen de la liste.")

    def clean_corps(self):
        return self._pick("corps", self.reference.competition_groups, "Choisissez un corps.")

    def clean_activite(self):
        return self._pick("activite", self.reference.activities, "Choisissez un type de mission.")

    def clean_commune(self):
        return self._pick("commune", self.reference.communes, "Choisissez une commune.")

    def clean_commune_travail(self):
        return self._pick("commune_travail", self.reference.communes, "Choisissez une commune.")

    def clean_centre(self):
        return self._pick("centre", self.reference.centres, "Choisissez un centre.")

    def clean_date(self):
        day = self.cleaned_data["date"]
        last = timezone.localdate() + datetime.timedelta(days=2 * 365)
        if not datetime.date(FIRST_YEAR, 1, 1) <= day <= last:
            raise forms.ValidationError(
                f"Indiquez une date entre le 01/01/{FIRST_YEAR} et le {last:%d/%m/%Y}."
            )
        return day

    def clean_requisition(self):
        number = self.cleaned_data["requisition"].strip()
        if not REQUISITION_PATTERN.match(number):
            raise forms.ValidationError(
                "Le numéro de réquisition ne contient que des lettres, chiffres, espaces et - / ."
            )
        return number

    # Cross-field checks

    def clean(self):
        data = super().clean()
        # Each check relies on the fields the previous ones accepted (add_error drops them).
        for check in (self._check_days, self._check_quantity, self._check_travel):
            if self.errors:
                return data
            check(data)
        self._check_meals(data)
        return data

    def _check_days(self, data):
        first = data["date"]
        last = data.get("dernier_jour") or first
        data["dernier_jour"] = last
        if last < first:
            self.add_error("dernier_jour", "Le dernier jour précède le premier.")
        elif (last - first).days >= MAX_DAYS:
            self.add_error("dernier_jour", f"Une simulation couvre au plus {MAX_DAYS} jours.")
        if data["fin"] <= data["debut"]:
            self.add_error("fin", "L'heure de fin doit suivre l'heure de début.")
        exam, group = data["examen"], data.get("corps")
        if group is not None and exam.kind != ExamKind.COMPETITION:
            self.add_error("corps", "Le corps ne s'indique que pour un concours.")

    def _days(self, data):
        return (data["dernier_jour"] - data["date"]).days + 1

    def _check_quantity(self, data):
        unit = data["activite"].unit
        days = max(self._days(data), 1)
        hours, minutes, quantity = data.get("heures"), data.get("minutes"), data.get("quantite")
        if unit == Unit.HOUR and (hours is not None or minutes is not None):
            if quantity is not None:
                self.add_error("quantite", "Indiquez soit une quantité, soit des heures.")
                return
            quantity = Decimal(hours or 0) + (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"))
        elif hours is not None or minutes is not None:
            self.add_error(
                "heures", "Cette mission ne se paie pas à l'heure : indiquez une quantité."
            )
            return
        data["quantity"] = quantity
        if quantity is None:
            return  # travel only
        limit = {Unit.HOUR: 24, Unit.HALF_DAY: 2}.get(unit, MAX_QUANTITY.get(unit))
        if limit is not None and quantity > limit * days:
            field = "heures" if unit == Unit.HOUR and hours is not None else "quantite"
            self.add_error(
                field, f"{limit * days} au plus pour {days} jour{'s' if days > 1 else ''}."
            )

    def _check_travel(self, data):
        mode = data.get("transport")
        first, last = data["date"], data["dernier_jour"]
        margin = datetime.timedelta(days=TRAVEL_MARGIN_DAYS)
        departure = self._moment(data, "depart", first, data["debut"])
        back = self._moment(data, "retour", last, data["fin"])
        if not first - margin <= departure.date() <= first:
            self.add_error(
                "depart_date",
                f"Le départ a lieu au plus {TRAVEL_MARGIN_DAYS} jours avant le premier jour.",
            )
        elif departure > datetime.datetime.combine(first, data["debut"]):
            self.add_error("depart_heure", "Le départ doit précéder le début de la mission.")
        if not last <= back.date() <= last + margin:
            self.add_error(
                "retour_date",
                f"Le retour a lieu au plus {TRAVEL_MARGIN_DAYS} jours après le dernier jour.",
            )
        elif back < datetime.datetime.combine(last, data["fin"]):
            self.add_error("retour_heure", "Le retour doit suivre la fin de la mission.")
        data["departure"], data["back_home"] = departure, back
        if not mode:
            return
        if mode in KM_MODES:
            if not data.get("km"):
                self.add_error("km", "Indiquez la distance d'un trajet aller.")
            if mode == TravelMode.CAR and not data.get("cv"):
                self.add_error("cv", "Indiquez la puissance fiscale de la voiture.")
        if mode in FARE_MODES:
            fares = data.get("billet_aller"), data.get("billet_retour")
            if not any(fares) and not data.get("requisition"):
                self.add_error(
                    "billet_aller", "Indiquez le prix des billets ou le numéro de réquisition."
                )
            if mode in (TravelMode.PLANE, TravelMode.BOAT) and data.get("km"):
                self.add_error("km", "Pas de kilomètres pour un avion ou un bateau.")

    def _moment(self, data, prefix, default_day, default_time):
        day = data.get(f"{prefix}_date") or default_day
        time = data.get(f"{prefix}_heure") or default_time
        return datetime.datetime.combine(day, time)

    def _check_meals(self, data):
        if self.errors:
            return
        days = (data["back_home"].date() - data["departure"].date()).days + 1
        lunches = (data.get("dejeuners") or 0) + (data.get("dejeuners_admin") or 0)
        if lunches > days:
            self.add_error(
                "dejeuners", f"Au plus {days} déjeuner{'s' if days > 1 else ''} en {days} jours."
            )
        if (data.get("diners") or 0) > days:
            self.add_error("diners", f"Au plus {days} dîners en {days} jours.")
        if (data.get("nuitees") or 0) > days - 1:
            nights = f"{days - 1} nuitée{'s' if days > 2 else ''}"
            self.add_error("nuitees", f"Au plus {nights} entre le départ et le retour.")

    def facts(self):
        data = self.cleaned_data
        mode = data.get("transport") or ""
        km_mode = mode in KM_MODES
        return simulation.Facts(
            exam=data["examen"],
            activity=data["activite"],
            rate_group=data.get("corps"),
            first_day=data["date"],
            last_day=data["dernier_jour"],
            start_time=data["debut"],
            end_time=data["fin"],
            quantity=data.get("quantity"),
            home_commune=data["commune"],
            work_commune=data.get("commune_travail"),
            centre=data["centre"],
            mode=mode,
            horsepower=data.get("cv") if mode == TravelMode.CAR else None,
            km=data.get("km") if km_mode else None,
            prior_km=data.get("km_annee") or Decimal(0),
            fare_out=None if km_mode else data.get("billet_aller"),
            fare_back=None if km_mode else data.get("billet_retour"),
            requisition_number="" if km_mode else data.get("requisition", ""),
            departure=data["departure"],
            back_home=data["back_home"],
            lunches=data.get("dejeuners") or 0,
            admin_lunches=data.get("dejeuners_admin") or 0,
            dinners=data.get("diners") or 0,
            nights=data.get("nuitees") or 0,
        )


def initial():
    today = timezone.localdate()
    return {"date": today, "debut": datetime.time(7, 30), "fin": datetime.time(12, 30)}


def simulator_context(request):
    """The form, and the simulation when one was asked for: {"form", "simulation",
    "rate_limited"}."""
    reference = simulation.reference()
    if SUBMITTED_KEY not in request.GET:
        form = FeeSimulatorForm(reference=reference, initial=initial())
        return {"form": form, "simulation": None, "rate_limited": False}
    limit = getattr(settings, "FEE_SIMULATOR_RATE_LIMIT", RATE_LIMIT)
    if not rate_limits.hit(
        "fee-simulator", rate_limits.client_ip(request), limit=limit, window=RATE_WINDOW
    ):
        form = FeeSimulatorForm(reference=reference, initial=initial())
        return {"form": form, "simulation": None, "rate_limited": True}
    form = FeeSimulatorForm(request.GET, reference=reference)
    result = simulation.simulate(form.facts()) if form.is_valid() else None
    return {"form": form, "simulation": result, "rate_limited": False}
