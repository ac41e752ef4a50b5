"""Import of needs from CSV/XLSX through the import screen (missions.backoffice.import_screen), with
French headers and natural keys; all or nothing, one French message per faulty row."""

from assignment.models import Need, Period
from missions.io.resource_base import ImportResource, column
from missions.io.widgets import ChoiceWidget, DateWidget, DecimalWidget, LookupWidget, TextWidget
from missions.models import Activity, Centre, Session


class IntegerWidget(DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        if number != number.to_integral_value() or number < 0:
            raise ValueError(f"Nombre entier positif attendu : « {value} ».")
        return int(number)


class NeedResource(ImportResource):
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
    centre = column(
        "centre",
        "Code UAI du centre",
        LookupWidget(Centre, "uai", "Centre inconnu (code UAI)", required=True, by_values=True),
    )
    activity = column(
        "activity",
        "Type de mission",
        LookupWidget(Activity, "code", "Type de mission inconnu", required=True, also=("name",)),
    )
    epreuve = column("epreuve", "Épreuve", TextWidget())
    date = column("date", "Jour", DateWidget(required=True))
    period = column(
        "period",
        "Période",
        ChoiceWidget(
            Period,
            "Période inconnue",
            required=True,
            aliases={
                "matin": Period.MORNING,
                "après-midi": Period.AFTERNOON,
                "journée": Period.DAY,
            },
        ),
    )
    people = column("people", "Personnes", IntegerWidget())
    quantity = column("quantity", "Quantité à partager", DecimalWidget())
    max_per_person = column("max_per_person", "Maximum par personne", DecimalWidget())
    candidates = column("candidates", "Candidats", IntegerWidget())

    optional_key_columns = {"Épreuve": ""}

    hints = {
        "Session": "nom exact d'une session (ex. Bac 2026, session de juin)",
        "Code UAI du centre": "code UAI d'un centre déjà importé (ex. 9840001A)",
        "Type de mission": "code ou nom (oral, correction, surveillance…)",
        "Jour": "JJ/MM/AAAA, pendant la session",
        "Période": "matin, après-midi ou journée",
        "Personnes": "nombre de personnes ; sinon une quantité à partager ou des candidats",
        "Quantité à partager": "copies ou candidats, avec le maximum par personne",
        "Candidats": "seul : partagés au ratio du type de mission (ex. 12 à l'oral)",
    }

    class Meta:
        model = Need
        fields = (
            "session", "centre", "activity", "epreuve", "date", "period", "people", "quantity",
            "max_per_person", "candidates",
        )  # fmt: skip
        import_id_fields = ("session", "centre", "activity", "epreuve", "date", "period")

    def get_queryset(self):
        return Need.objects.select_related("session", "centre", "activity")
