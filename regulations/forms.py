import datetime
import re
from dataclasses import dataclass

from django import forms
from dsfr.widgets import InlineRadioSelect

from imagin_site.common.forms import PublicModelForm
from imagin_site.common.uploads import ACCEPT_ATTRIBUTE, validate_supporting_document
from missions.enums import Civility
from missions.models import Commune
from regulations import services
from regulations.models.requests import (
    APPLICANT_FIELDS,
    POLYNESIA,
    IntervenantRequest,
    is_polynesia,
)

CATEGORY_HELP = {
    "autre_administration": "État, Pays, communes, établissements publics...",
    "enseignement_superieur": "Université de la Polynésie française, autres universités...",
    "autre_academie": "Enseignants et personnels affectés hors de Polynésie française.",
    "prive_liberal_retraite": "Y compris les retraités de l'éducation nationale.",
}


@dataclass(frozen=True)
class ChoiceLabel:
    """A radio label with a hint, as the DSFR radio template expects (label.label, .help_text)."""

    label: str
    help_text: str = ""

    def __str__(self):
        return self.label


class IntervenantRequestForm(PublicModelForm):
    """'Demande de création d'un intervenant extérieur', filled in by the person concerned."""

    consent = forms.BooleanField(
        label=(
            "J'accepte que les données de ce formulaire soient traitées par le Vice-rectorat "
            "de la Polynésie française pour créer mon dossier d'intervenant, me convoquer et "
            "me rémunérer."
        ),
        help_text="Durée de conservation et droits : voir la page « Données personnelles ».",
        error_messages={"required": "Vous devez accepter le traitement de vos données."},
    )

    fieldsets = [
        ("Votre situation", ["category"]),
        ("Identité", ["civility", "last_name", "usage_name", "first_name", "birth_date"]),
        (
            "Coordonnées",
            ["email", "phone", "address", "postal_code", "town", "country", "home_commune"],
        ),
        ("Activité professionnelle", ["employer", "grade", "discipline", "exams"]),
        ("Document à joindre", ["supporting_document"]),
        ("Consentement", ["consent"]),
    ]

    class Meta:
        model = IntervenantRequest
        fields = [*APPLICANT_FIELDS, "supporting_document"]
        labels = {
            "category": "Catégorie",
            "civility": "Civilité",
            "last_name": "Nom de naissance",
            "usage_name": "Nom d'usage",
            "first_name": "Prénom",
            "birth_date": "Date de naissance",
            "email": "Adresse électronique",
            "phone": "Téléphone",
            "address": "Adresse postale",
            "postal_code": "Code postal",
            "town": "Ville",
            "country": "Pays",
            "home_commune": "Commune de résidence en Polynésie française",
            "employer": "Employeur ou dernier employeur",
            "grade": "Grade ou fonction",
            "discipline": "Discipline ou spécialité",
            "exams": "Examens ou concours concernés",
            "supporting_document": "Pièce justificative",
        }
        help_texts = {
            "usage_name": "Si vous en avez un (nom d'épouse ou d'époux, par exemple).",
            "birth_date": "Format attendu : JJ/MM/AAAA.",
            "email": "Format attendu : nom@domaine.pf. La réponse de la DEC y sera envoyée.",
            "phone": "Format attendu : 87 12 34 56, +689 87 12 34 56 ou +33 6 12 34 56 78.",
            "address": "Numéro, rue ou lieu-dit, boîte postale le cas échéant.",
            "postal_code": "Par exemple 98713 à Papeete, 75005 à Paris.",
            "town": "Obligatoire hors de Polynésie française.",
            "country": "Laissé vide : Polynésie française. Sinon : France, Belgique...",
            "home_commune": (
                "Seulement si vous résidez en Polynésie française : elle sert à calculer vos "
                "frais de déplacement."
            ),
            "employer": "Pour un retraité : le dernier employeur.",
            "exams": "Par exemple : Bac professionnel, session de juin — jury de délibération.",
            "supporting_document": (
                "Justificatif de votre situation (arrêté, attestation d'employeur, titre de "
                "pension...). Formats acceptés : PDF, JPEG ou PNG. Taille maximale : 5 Mo."
            ),
        }
        widgets = {
            "category": forms.RadioSelect,
            "civility": InlineRadioSelect,
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 3}),
            "exams": forms.Textarea(attrs={"rows": 3}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "town": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
            "supporting_document": forms.FileInput(
                attrs={"accept": ACCEPT_ATTRIBUTE, "class": "fr-upload"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (value, ChoiceLabel(label, CATEGORY_HELP.get(value, "")))
            for value, label in self.fields["category"].choices
            if value
        ]
        self.fields["civility"].choices = Civility.choices  # no blank radio button
        self.fields["home_commune"].queryset = Commune.objects.order_by("name")
        self.fields["home_commune"].empty_label = "Choisissez votre commune"
        self.fields["home_commune"].required = False  # only for a Polynesian address
        self.fields["town"].required = False  # the commune stands for it in Polynesia
        self.fields["country"].required = False  # Polynésie française when left empty
        self.fields["supporting_document"].widget.group_class = "fr-upload-group"
        for name, autocomplete in [
            ("last_name", "family-name"),
            ("first_name", "given-name"),
            ("birth_date", "bday"),
            ("address", "street-address"),
        ]:
            self.fields[name].widget.attrs["autocomplete"] = autocomplete

    # Short names for the error summary at the top of the form.
    summary_labels = {"consent": "Consentement"}

    def get_fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def error_summary(self):
        """(anchor, label, errors) of each invalid field, for the summary above the form."""
        rows = []
        for field in self:
            if field.errors:
                is_radio = field.widget_type in {"radioselect", "inlineradioselect"}
                anchor = f"{field.auto_id}_0" if is_radio else field.id_for_label
                label = self.summary_labels.get(field.name, field.label)
                rows.append((anchor, label, " ".join(field.errors)))
        return rows

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        today = datetime.date.today()
        if birth_date >= today or birth_date.year < 1900:
            raise forms.ValidationError("Vérifiez la date de naissance.")
        return birth_date

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_supporting_document(self):
        uploaded = self.cleaned_data.get("supporting_document")
        if uploaded:
            # Stored under the extension of what the file IS, never the client's name
            # (a PDF named page.html must not come back as text/html).
            uploaded.name = f"piece-justificative{validate_supporting_document(uploaded)}"
        return uploaded

    def _clean_address(self, cleaned_data):
        """Any country; the commune list and the 987xx postal codes only for Polynesia."""
        country = (cleaned_data.get("country") or "").strip() or POLYNESIA
        postal_code = (cleaned_data.get("postal_code") or "").strip().upper()
        cleaned_data["postal_code"] = postal_code
        if is_polynesia(country):
            cleaned_data["country"] = POLYNESIA
            if postal_code and not re.fullmatch(r"987\d{2}", postal_code):
                self.add_error(
                    "postal_code",
                    "Un code postal de Polynésie française compte 5 chiffres et commence par 987.",
                )
            commune = cleaned_data.get("home_commune")
            if commune is None and "home_commune" not in self.errors:
                self.add_error("home_commune", "Choisissez votre commune de résidence.")
            elif not cleaned_data.get("town"):
                cleaned_data["town"] = commune.name
        else:
            cleaned_data["country"] = country
            cleaned_data["home_commune"] = None  # the list holds Polynesian communes only
            if not (cleaned_data.get("town") or "").strip():
                self.add_error("town", "Indiquez la ville de votre adresse.")

    def clean(self):
        cleaned_data = super().clean()
        self._clean_address(cleaned_data)
        identity = {k: cleaned_data.get(k) for k in ("last_name", "first_name", "birth_date")}
        email = cleaned_data.get("email")
        if all(identity.values()) and email:
            duplicate = services.duplicate_message(email=email, **identity)
            if duplicate:
                raise forms.ValidationError(duplicate, code="duplicate")
        return cleaned_data


class AcceptanceForm(forms.Form):
    """Used in the Wagtail admin. Someone living outside Polynesia is attached to a
    Polynesian commune (usually the one they will stay in): travel is computed from it."""

    home_commune = forms.ModelChoiceField(
        label="Commune de rattachement en Polynésie française",
        queryset=Commune.objects.order_by("name"),
        help_text="Le demandeur réside hors de Polynésie française : ses frais de "
        "déplacement seront calculés depuis cette commune.",
        error_messages={"required": "Choisissez la commune de rattachement."},
    )

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        if record.home_commune_id:
            del self.fields["home_commune"]


class RefusalForm(forms.Form):
    """Used in the Wagtail admin: a plain Django form, styled by the admin."""

    reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Il est envoyé tel quel à la personne qui a fait la demande.",
        max_length=2000,
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Le motif du refus est obligatoire.")
        return reason
