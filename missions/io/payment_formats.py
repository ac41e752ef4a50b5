"""The file a payment batch sends to the paying service, through django-import-export:
one line per stored payment line (intervenant identity, bank details, nature, mission,
amount) and a total line. Built only from `PaymentLine` rows, never from live data, so a
file is the same whenever it is built. Cells a spreadsheet would run as a formula are
neutralised (resource_base)."""

from import_export import fields, resources

from imagin_site.common.spreadsheets import escape_formula
from missions.models import PaymentLine

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TOTAL_LABEL = "TOTAL"


def _column(attribute, name):
    return fields.Field(attribute=attribute, column_name=name)


class PaymentLineResource(resources.ModelResource):
    batch = _column("batch__number", "Lot")
    identifier = _column("identifier", "Identifiant intervenant")
    civility = _column("civility", "Civilité")
    last_name = _column("last_name", "Nom de naissance")
    usage_name = _column("usage_name", "Nom d'usage")
    first_name = _column("first_name", "Prénom")
    iban = _column("iban", "IBAN")
    bic = _column("bic", "BIC")
    account_holder = _column("account_holder", "Titulaire du compte")
    nature = _column("nature", "Nature")
    convocation_number = _column("convocation_number", "N° de convocation")
    session = _column("session", "Session")
    mission = _column("mission", "Mission")
    amount = fields.Field(column_name="Montant (XPF)")

    class Meta:
        model = PaymentLine
        fields = (
            "batch", "identifier", "civility", "last_name", "usage_name", "first_name", "iban",
            "bic", "account_holder", "nature", "convocation_number", "session", "mission",
            "amount",
        )  # fmt: skip

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def dehydrate_amount(self, line):
        return line.amount  # a number in the XLSX


def payment_dataset(batch, native=False):
    """The stored lines of the batch and a total line, as a tablib Dataset."""
    lines = list(batch.lines.select_related("batch").order_by("position"))
    dataset = PaymentLineResource().export(lines, force_native_type=native)
    total_line = [""] * dataset.width
    total_line[0] = TOTAL_LABEL
    total_line[1] = f"{len(lines)} ligne{'s' if len(lines) > 1 else ''}"
    total_line[-1] = sum(line.amount for line in lines)
    dataset.append(total_line)
    dataset.title = f"Lot {batch.number}"
    return dataset


def payment_file(batch, fmt):
    """(content, content type, file name) of the batch's file built from its stored lines:
    CSV (semicolons, UTF-8 with BOM, as French Excel expects) or XLSX."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    dataset = payment_dataset(batch, native=fmt == "xlsx")
    if fmt == "xlsx":
        content = dataset.export("xlsx")
    else:
        content = dataset.export("csv", delimiter=";").encode("utf-8-sig")
    return content, FORMATS[fmt], f"mise-en-paiement-{batch.number}.{fmt}"
