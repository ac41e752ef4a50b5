"""Portal forms: one per kind of line, the validation confirmation, the dossier financier."""

from django import forms
from django.contrib.auth import forms as auth_forms
from dsfr.forms import DsfrBaseForm

from imagin_site.common.forms import BaseForm, BaseModelForm
from imagin_site.common.uploads import ACCEPT_ATTRIBUTE, validate_supporting_document
from missions.durations import parse_duration
from missions.enums import FARE_MODES, KM_MODES, MealKind, PartNature, TravelMode, Unit
from missions.models import (
    Commune,
    DossierFinancier,
    Intervenant,
    MealLine,
    NightLine,
    TravelLeg,
    WorkLine,
)
from missions.permissions import is_staff_user
from missions.services.entry import allowed_dates
from missions.widgets import DocumentInput

MAX_KM_PER_LEG = 400  # Tahiti's coast road is about 120 km round
MAX_FARE = 300_000  # well above an economy return flight to the Marquises
MAX_QUANTITY = {Unit.COPY: 1000, Unit.CANDIDATE: 500, Unit.SUBJECT: 20, Unit.FLAT: 10}


class PortalAuthenticationForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Identifiant ou mot de passe incorrect. L'identifiant et le premier mot de passe "
            "figurent sur votre convocation."
        ),
        "inactive": "Ce compte est désactivé : contactez la DEC.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant"
        self.fields["username"].help_text = "Il figure sur votre convocation (ex. PF123456)."
        self.fields["password"].label = "Mot de passe"

    def clean(self):
        # Intervenants log in with the identifier of their convocation, whatever the
        # username of their account (an account linked at creation may bear another one)
        # and however it is typed (pf000001).
        typed = (self.cleaned_data.get("username") or "").strip()
        if typed:
            account = (
                Intervenant.objects.filter(identifier__iexact=typed, user__isnull=False)
                .values_list("user__username", flat=True)
                .first()
            )
            self.cleaned_data["username"] = account or typed
        return super().clean()


class LoginForm(DsfrBaseForm, PortalAuthenticationForm):
    pass


class PasswordChangeForm(DsfrBaseForm, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(DsfrBaseForm, auth_forms.SetPasswordForm):
    pass


class PasswordResetForm(BaseForm, auth_forms.PasswordResetForm):
    """Intervenants only: a staff account's password is reset through the admin's own flow,
    never from the portal (its link would bypass nothing, but it must not exist at all)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse électronique connue de la DEC"
        self.refresh_fields()

    def get_users(self, email):
        for user in super().get_users(email):
            if getattr(user, "intervenant", None) is not None and not is_staff_user(user):
                yield user


class ReceiptField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Justificatif (PDF, JPEG ou PNG, 5 Mo au plus)")
        kwargs.setdefault("widget", DocumentInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded and hasattr(uploaded, "size") and not getattr(uploaded, "_committed", False):
            extension = validate_supporting_document(uploaded)
            uploaded.name = f"justificatif{extension}"
        return uploaded


class LineForm(BaseModelForm):
    """A line of a mission's état de frais; dates are checked against the mission."""

    nature = PartNature.TRAVEL
    prefix_name = ""

    def __init__(self, *args, mission, part, **kwargs):
        self.mission, self.part = mission, part
        super().__init__(*args, prefix=self.prefix_name, **kwargs)
        if "date" in self.fields:
            first, last = allowed_dates(mission, self.nature)
            self.fields["date"].widget = forms.DateInput(
                attrs={"type": "date", "min": first.isoformat(), "max": last.isoformat()},
                format="%Y-%m-%d",
            )
            self.fields["date"].initial = mission.start_date

    def clean_date(self):
        day = self.cleaned_data["date"]
        first, last = allowed_dates(self.mission, self.nature)
        if not first <= day <= last:
            raise forms.ValidationError(
                f"La date doit être comprise entre le {first:%d/%m/%Y} et le {last:%d/%m/%Y}."
            )
        return day


class WorkLineForm(LineForm):
    nature = PartNature.REMUNERATION
    prefix_name = "travail"
    receipt = ReceiptField()

    class Meta:
        model = WorkLine
        fields = ["date", "quantity", "receipt"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.mission.activity.get_unit_display()
        if self.mission.activity.unit == Unit.HOUR:
            # To the minute: "12 h 15", "12:15" or "12,25" (see missions.durations).
            self.fields["quantity"] = forms.CharField(
                label="Durée réalisée",
                help_text="En heures et minutes (ex. 12 h 15) ou en heures (ex. 12,25).",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        else:
            self.fields["quantity"].label = f"Quantité réalisée (en {unit}s)"
            self.fields["quantity"].widget.attrs.update({"min": "0", "step": "0.5"})
        self.refresh_fields()

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if self.mission.activity.unit == Unit.HOUR:
            try:
                quantity = parse_duration(quantity)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        if quantity < 0:
            raise forms.ValidationError("La quantité ne peut pas être négative.")
        unit = self.mission.activity.unit
        limit = MAX_QUANTITY.get(unit)
        if unit == Unit.HOUR:
            limit = 24
        elif unit == Unit.HALF_DAY:
            limit = 2
        if limit is not None and quantity > limit:
            raise forms.ValidationError(
                f"{quantity} dépasse le maximum plausible ({limit}) pour une journée ou une "
                "mission : vérifiez la saisie."
            )
        if unit == Unit.HALF_DAY and (quantity * 2) % 1:
            raise forms.ValidationError("Saisissez un nombre de demi-journées (ex. 1,5).")
        return quantity


class TravelLegForm(LineForm):
    prefix_name = "trajet"
    receipt = ReceiptField(label="Billet ou justificatif (PDF, JPEG ou PNG, 5 Mo au plus)")

    class Meta:
        model = TravelLeg
        fields = [
            "date",
            "departure_time",
            "arrival_time",
            "from_commune",
            "to_commune",
            "mode",
            "km",
            "fare",
            "requisition_number",
            "receipt",
        ]
        widgets = {
            "departure_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "arrival_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communes = Commune.objects.order_by("name")
        self.fields["from_commune"].queryset = communes
        self.fields["to_commune"].queryset = communes
        self.fields["from_commune"].initial = self.mission.intervenant.home_commune_id
        self.fields["to_commune"].initial = self.mission.centre.commune_id
        self.fields["departure_time"].required = True
        self.fields["arrival_time"].required = True
        self.fields["km"].help_text = "Pour un véhicule personnel : distance parcourue."
        self.fields["fare"].help_text = "Pour un avion, un bateau, un bus ou un taxi payé par vous."
        self.refresh_fields()

    def clean(self):
        data = super().clean()
        mode, km, fare = data.get("mode"), data.get("km"), data.get("fare")
        requisition = data.get("requisition_number")
        departure, arrival = data.get("departure_time"), data.get("arrival_time")
        if departure and arrival and arrival < departure:
            self.add_error("arrival_time", "L'arrivée précède le départ.")
        if data.get("from_commune") and data.get("from_commune") == data.get("to_commune"):
            self.add_error("to_commune", "Le départ et l'arrivée sont dans la même commune.")
        if mode in KM_MODES:
            if km is None or km <= 0:
                self.add_error("km", "Indiquez la distance parcourue.")
            elif km > MAX_KM_PER_LEG:
                self.add_error("km", f"{km} km pour un trajet : le maximum est {MAX_KM_PER_LEG}.")
            data["fare"], data["requisition_number"] = None, ""
        if mode in FARE_MODES:
            if not fare and not requisition:
                self.add_error("fare", "Indiquez le prix du billet ou le numéro de réquisition.")
            if fare and fare > MAX_FARE:
                self.add_error("fare", "Ce prix dépasse le plafond plausible : vérifiez-le.")
            data["km"] = None
        if mode in (TravelMode.PLANE, TravelMode.BOAT) and km:
            self.add_error("km", "Pas de kilomètres pour un avion ou un bateau.")
        return data

    def clean_km(self):
        km = self.cleaned_data.get("km")
        if km is not None and km < 0:
            raise forms.ValidationError("La distance ne peut pas être négative.")
        return km


class MealLineForm(LineForm):
    prefix_name = "repas"

    class Meta:
        model = MealLine
        fields = ["date", "kind", "provided_free"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MealKind.choices
        self.fields["provided_free"].label = "Repas fourni gratuitement (par le centre ou un tiers)"
        self.refresh_fields()

    def clean(self):
        data = super().clean()
        part = self.part
        if data.get("date") and data.get("kind"):
            lunch_kinds = {MealKind.LUNCH, MealKind.ADMIN_LUNCH}
            kinds = lunch_kinds if data["kind"] in lunch_kinds else {data["kind"]}
            if part.meallines.filter(date=data["date"], kind__in=kinds).exists():
                self.add_error("kind", "Ce repas est déjà déclaré pour cette date.")
        return data


class NightLineForm(LineForm):
    prefix_name = "nuitee"

    class Meta:
        model = NightLine
        fields = ["date", "provided_free"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].label = "Nuit du (date du soir)"
        self.fields["provided_free"].label = "Hébergement fourni gratuitement"
        self.refresh_fields()

    def clean(self):
        data = super().clean()
        part = self.part
        if data.get("date") and part.nightlines.filter(date=data["date"]).exists():
            self.add_error("date", "Cette nuitée est déjà déclarée.")
        return data


LINE_FORMS = {
    "travail": (WorkLineForm, PartNature.REMUNERATION),
    "trajet": (TravelLegForm, PartNature.TRAVEL),
    "repas": (MealLineForm, PartNature.TRAVEL),
    "nuitee": (NightLineForm, PartNature.TRAVEL),
}


class SubmitForm(BaseForm):
    certify = forms.BooleanField(
        label=(
            "Je certifie l'exactitude des informations saisies et demande le paiement des "
            "sommes calculées ci-dessus."
        ),
        error_messages={"required": "Cochez la case pour certifier votre saisie."},
    )


class DossierForm(BaseModelForm):
    rib_document = ReceiptField(label="RIB (PDF, JPEG ou PNG, 5 Mo au plus)")
    id_document = ReceiptField(label="Pièce d'identité (PDF, JPEG ou PNG, 5 Mo au plus)")

    class Meta:
        model = DossierFinancier
        fields = [
            "iban",
            "bic",
            "account_holder",
            "social_security_number",
            "vehicle_horsepower",
            "rib_document",
            "id_document",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["iban"].help_text = "Ex. FR76 1746 9000 1012 3456 7890 153"
        self.fields[
            "vehicle_horsepower"
        ].help_text = (
            "Indiquée sur la carte grise (case P.6) ; nécessaire aux indemnités kilométriques."
        )
        self.refresh_fields()

    def clean_iban(self):
        return (self.cleaned_data.get("iban") or "").replace(" ", "").upper()

    def clean_bic(self):
        return (self.cleaned_data.get("bic") or "").replace(" ", "").upper()
