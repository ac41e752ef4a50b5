"""The file a payment batch sends to the paying service, through django-import-export:
one line per part (intervenant identity, bank details, nature, mission, amount) and a
total line. Cells a spreadsheet would run as a formula are neutralised (resource_base)."""

from import_export import fields, resources

from .models import FeePart
from .resource_base import escape_formula
from .services.payments import batch_parts

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TOTAL_LABEL = "TOTAL"


def _column(attribute, name):
    return fields.Field(attribute=attribute, column_name=name)


INTERVENANT = "etat__mission__intervenant"
DOSSIER = f"{INTERVENANT}__dossier"


class PaymentLineResource(resources.ModelResource):
    batch = _column("batch__number", "Lot")
    identifier = _column(f"{INTERVENANT}__identifier", "Identifiant intervenant")
    civility = _column(f"{INTERVENANT}__civility", "Civilité")
    last_name = _column(f"{INTERVENANT}__last_name", "Nom de naissance")
    usage_name = _column(f"{INTERVENANT}__usage_name", "Nom d'usage")
    first_name = _column(f"{INTERVENANT}__first_name", "Prénom")
    iban = _column(f"{DOSSIER}__iban", "IBAN")
    bic = _column(f"{DOSSIER}__bic", "BIC")
    account_holder = _column(f"{DOSSIER}__account_holder", "Titulaire du compte")
    nature = fields.Field(column_name="Nature")
    convocation_number = _column("etat__mission__convocation_number", "N° de convocation")
    session = _column("etat__mission__session__name", "Session")
    mission = fields.Field(column_name="Mission")
    amount = fields.Field(column_name="Montant (XPF)")

    class Meta:
        model = FeePart
        fields = (
            "batch", "identifier", "civility", "last_name", "usage_name", "first_name", "iban",
            "bic", "account_holder", "nature", "convocation_number", "session", "mission",
            "amount",
        )  # fmt: skip

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def dehydrate_nature(self, part):
        return part.get_nature_display()

    def dehydrate_mission(self, part):
        mission = part.etat.mission
        return f"{mission.epreuve or mission.activity.name} — {mission.start_date:%d/%m/%Y}"

    def dehydrate_amount(self, part):
        return part.amount


def payment_dataset(batch, native=False):
    """The lines of the batch and a total line, as a tablib Dataset."""
    parts = list(batch_parts(batch))
    dataset = PaymentLineResource().export(parts, force_native_type=native)
    total_line = [""] * dataset.width
    total_line[0] = TOTAL_LABEL
    total_line[1] = f"{len(parts)} ligne{'s' if len(parts) > 1 else ''}"
    total_line[-1] = sum(part.amount for part in parts)
    dataset.append(total_line)
    dataset.title = f"Lot {batch.number}"
    return dataset


def payment_file(batch, fmt):
    """(content, content type, file name) of the batch's file: CSV (semicolons, UTF-8 with
    BOM, as French Excel expects) or XLSX."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    dataset = payment_dataset(batch, native=fmt == "xlsx")
    if fmt == "xlsx":
        content = dataset.export("xlsx")
    else:
        content = dataset.export("csv", delimiter=";").encode("utf-8-sig")
    return content, FORMATS[fmt], f"mise-en-paiement-{batch.number}.{fmt}"
