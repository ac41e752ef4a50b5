"""The generic machinery of our django-import-export resources (resources.py holds the
domain's): cells and formula injection, widgets with French messages, lookups of foreign
keys by natural key in dicts loaded once per import, and `ImportResource`.

What the stock resources do not do, done here:
- foreign keys come from dicts loaded once per import (`LookupWidget`), existing rows from
  one query per file (`NaturalKeyLoader`): the query count does not grow with the rows;
- uniqueness is checked against the loaded rows and within the file rather than by a query
  per row (`validate_instance`), so re-importing a file finds, and skips, the same rows;
- cells that a spreadsheet would run as a formula are refused on import and neutralised on
  export (OWASP "CSV injection").
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Lookup, Q, Value
from django_tasks import task
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from imagin_site.common.spreadsheets import FORMULA_TRIGGERS, escape_formula

# "+689 87 12 34 56" or "-5" are values, not formulas: a spreadsheet computes nothing.
SIGNED_NUMBER = re.compile(r"^[+-] ?\d[\d .,\u00a0\u202f]*$")
FORMULA_ERROR = (
    "Contenu refusé : une cellule ne peut pas commencer par =, +, -, @, une tabulation ou un "
    "retour chariot (risque d'injection de formule), sauf un nombre comme -5."
)


def unescape_cell(value):
    """Drop the apostrophe our exports put in front of a formula character."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def is_formula(value) -> bool:
    """Would a spreadsheet run this cell as a formula?"""
    value = unescape_cell(value)
    if not isinstance(value, str):
        return False
    # The stored value is stripped: " =1+1" would be stored as "=1+1".
    stripped = value.strip()
    if not (value.startswith(FORMULA_TRIGGERS) or stripped.startswith(FORMULA_TRIGGERS)):
        return False
    return not SIGNED_NUMBER.match(stripped)


def normalise_key(text) -> str:
    """Case, accents, apostrophes, hyphens and spaces do not matter in names: "faaa" is
    Faa'a, "taiarapu est" is Taiarapu-Est."""
    text = str(text)
    if text.isascii() and text.isalnum():  # identifiers and codes: only the case to fold
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’‘`ʻ]", "", text)
    return " ".join(re.sub(r"[-.]", " ", text).split())


class AnyOf(Lookup):
    """`column = ANY(%s)`, one array parameter: the IN list of a big import (20,000
    identifiers) would take seconds to build and parse, one parameter per value."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def among(field, values):
    """A filter: `field` takes one of `values`."""
    values = list(values)
    if connection.vendor == "postgresql":
        return AnyOf(F(field), Value(values))
    return Q(**{f"{field}__in": values})


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(unescape_cell(value) if isinstance(value, str) else value).strip()


REQUIRED = "Cette colonne est obligatoire."


# Widgets: cell ⇄ Python value, with French messages.


def _without_null_errors(error_dict):
    kept = {}
    for name, field_errors in error_dict.items():
        field_errors = [e for e in field_errors if getattr(e, "code", None) != "null"]
        if field_errors:
            kept[name] = field_errors
    return kept


class TextWidget(widgets.CharWidget):
    def __init__(self, required=False, upper=False):
        super().__init__(allow_blank=True)
        self.required = required
        self.upper = upper

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text and self.required:
            raise ValueError(REQUIRED)
        return text.upper() if self.upper else text


class DateWidget(widgets.Widget):
    FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")

    def __init__(self, required=False):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):  # XLSX date cells
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(REQUIRED)
            return None
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(f"Date invalide : « {text} » (attendu JJ/MM/AAAA).")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.strftime("%d/%m/%Y")


class TimeWidget(widgets.Widget):
    FORMATS = ("%H:%M", "%H:%M:%S", "%Hh%M", "%Hh")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.time()
        if isinstance(value, datetime.time):
            return value
        text = cell_text(value).lower()
        if not text:
            return None
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).time()
            except ValueError:
                continue
        raise ValueError(f"Heure invalide : « {text} » (attendu HH:MM, ex. 07:30).")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.strftime("%H:%M")


class DecimalWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return Decimal(str(value))
        text = cell_text(value)
        if not text:
            return None
        compact = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
        try:
            return Decimal(compact)
        except InvalidOperation:
            raise ValueError(f"Nombre invalide : « {text} ».") from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        return f"{Decimal(value).normalize():f}".replace(".", ",")


class BooleanWidget(widgets.Widget):
    TRUE = {"oui", "o", "vrai", "1", "x", "true", "yes"}
    FALSE = {"non", "n", "faux", "0", "false", "no"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = normalise_key(cell_text(value))
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"Valeur invalide : « {cell_text(value)} » (attendu oui ou non).")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else ("oui" if value else "non")


class ChoiceWidget(widgets.Widget):
    """A closed list (TextChoices), given by its stored value or its French label."""

    def __init__(self, choices, unknown, required=False, aliases=None, render_label=True):
        super().__init__()
        self.choices = choices
        self.unknown = unknown
        self.required = required
        self.render_label = render_label
        self.table = {}
        for choice in choices:
            self.table[normalise_key(choice.value)] = choice.value
            self.table[normalise_key(choice.label)] = choice.value
        for alias, value in (aliases or {}).items():
            self.table[normalise_key(alias)] = value

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(REQUIRED)
            return None
        try:
            return self.table[normalise_key(text)]
        except KeyError:
            allowed = " ; ".join(str(label) for label in self.choices.labels)
            raise ValueError(
                f"{self.unknown} : « {text} » (valeurs admises : {allowed})."
            ) from None

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return str(self.choices(value).label) if self.render_label else value


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key given by a natural key (identifier, UAI, name...), looked up in a dict
    loaded once per import by `load()` instead of one query per row."""

    def __init__(
        self,
        model,
        field,
        unknown,
        *,
        required=False,
        also=(),
        by_values=False,
        columns=(),
        ambiguous="Plusieurs correspondances pour « {text} » : précisez.",
    ):
        super().__init__(model, field=field)
        self.columns = columns  # big tables: load only the keys and these columns
        self.unknown = unknown
        self.ambiguous = ambiguous
        self.required = required
        self.also = also  # other attributes accepted as keys (e.g. the name of an activity)
        self.by_values = by_values  # big tables: load only the keys present in the file
        self.table = None

    def get_lookup_queryset(self):
        return self.model.objects.all()

    def load(self, values=()):
        queryset = self.get_lookup_queryset().order_by()
        if self.columns:
            queryset = queryset.only(self.field, *self.also, *self.columns)
        if self.by_values:
            keys = {cell_text(v).upper() for v in values} - {""}
            queryset = queryset.filter(among(self.field, keys))
        self.table = {}
        for obj in queryset:
            for attr in (self.field, *self.also):
                self.table.setdefault(normalise_key(getattr(obj, attr)), []).append(obj)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(REQUIRED)
            return None
        if self.table is None:
            self.load()
        matches = {obj.pk: obj for obj in self.table.get(normalise_key(text), [])}
        if not matches:
            raise ValueError(f"{self.unknown} : {text}")
        if len(matches) > 1:
            raise ValueError(self.ambiguous.format(text=text))
        return next(iter(matches.values()))

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.field) if value is not None else ""


class NaturalKeyLoader(BaseInstanceLoader):
    """Existing rows of the file's natural keys, loaded in one query for the whole file."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.instances = resource.load_existing(dataset)

    def get_instance(self, row):
        key = self.resource.row_key(row)
        return self.instances.get(key) if key is not None else None


class _NoDiff:
    """The HTML diff of each row is not shown: skip its computation (and its queries)."""

    def __init__(self, *args, **kwargs):
        pass

    def compare_with(self, *args, **kwargs):
        pass

    def as_html(self):
        return []


def column(attribute, column_name, widget, **kwargs):
    return fields.Field(attribute=attribute, column_name=column_name, widget=widget, **kwargs)


class ImportResource(resources.ModelResource):
    """Common behaviour of the import resources; see the module docstring."""

    optional_key_columns = {}  # column -> value when the file lacks it
    hints = {}  # column -> what to put in it, shown on the upload page

    class Meta:
        instance_loader_class = NaturalKeyLoader
        clean_model_instances = True  # model validation becomes per-row errors
        skip_unchanged = True  # re-importing a file changes nothing...
        report_skipped = True  # ...and says so, row by row
        skip_html_diff = True

    def __init__(self, line_numbers=None, progress=None, **kwargs):
        super().__init__(**kwargs)
        self.line_numbers = line_numbers
        self.progress = progress
        self._seen = {}
        self._total = 0
        self._columns = set(self.column_names())

    @classmethod
    def get_diff_class(cls):
        return _NoDiff

    # Columns

    def column_names(self):
        return [f.column_name for f in self.get_import_fields() if not f.readonly]

    def required_columns(self):
        key_columns = {self.fields[name].column_name for name in self.get_import_id_fields()}
        required = {
            f.column_name for f in self.get_import_fields() if getattr(f.widget, "required", False)
        }
        required = (key_columns | required) - set(self.optional_key_columns)
        return [c for c in self.column_names() if c in required]

    def column_help(self):
        """[(column, required, hint)] for the upload page."""
        required = set(self.required_columns())
        return [(c, c in required, self.hints.get(c, "")) for c in self.column_names()]

    def matched_headers(self, headers):
        """The headers, those that differ from ours only by case, accents or spaces renamed."""
        expected = {normalise_key(name): name for name in self.column_names()}
        return [expected.get(normalise_key(header), str(header).strip()) for header in headers]

    def match_headers(self, dataset):
        dataset.headers = self.matched_headers(dataset.headers)

    def column_label(self, key):
        """The column (or field) an error key refers to, for messages."""
        if key == NON_FIELD_ERRORS:
            return ""
        for field in self.fields.values():
            if key in (field.attribute, field.column_name):
                return field.column_name
        try:
            return str(self._meta.model._meta.get_field(key).verbose_name).capitalize()
        except FieldDoesNotExist:
            return key

    def line_of(self, row_number):
        if self.line_numbers:
            return self.line_numbers[row_number - 1]
        return row_number + 1  # the header is line 1

    # Natural keys

    def key_fields(self):
        return [self.fields[name] for name in self.get_import_id_fields()]

    def _key_part(self, value):
        return value.pk if isinstance(value, models.Model) else value

    def row_key(self, row):
        try:
            return tuple(self._key_part(field.clean(row)) for field in self.key_fields())
        except (ValueError, KeyError):
            return None  # import_instance reports the error on the field

    @cached_property
    def key_attnames(self):
        model = self._meta.model
        return [model._meta.get_field(f.attribute).attname for f in self.key_fields()]

    def instance_key(self, instance):
        key = tuple(getattr(instance, attname) for attname in self.key_attnames)
        return None if any(part is None for part in key) else key

    def load_existing(self, dataset):
        keys = {self.row_key(row) for row in dataset.dict} - {None}
        if not keys:
            return {}
        model = self._meta.model
        filters = [
            among(attname, {key[i] for key in keys}) for i, attname in enumerate(self.key_attnames)
        ]
        found = {}
        for instance in model.objects.filter(*filters):
            key = self.instance_key(instance)
            if key in keys:
                found[key] = instance
        return found

    # Import steps

    def before_import(self, dataset, **kwargs):
        self.match_headers(dataset)
        for header, value in self.optional_key_columns.items():
            if header not in dataset.headers:
                dataset.append_col([value] * len(dataset), header=header)
        for field in self.get_import_fields():
            if isinstance(field.widget, LookupWidget):
                present = field.column_name in dataset.headers
                field.widget.load(dataset[field.column_name] if present else ())
        self._seen = {}
        self._total = len(dataset)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for field in self.get_import_fields():
            if field.column_name in row and is_formula(row[field.column_name]):
                errors[field.attribute] = ValidationError(FORMULA_ERROR, code="formula")
        ignored = [c for c, v in row.items() if c not in self._columns and is_formula(v)]
        if ignored:
            errors[NON_FIELD_ERRORS] = ValidationError(
                f"Colonne « {ignored[0]} » : {FORMULA_ERROR}", code="formula"
            )
        for field in self.get_import_fields():
            if field.attribute in errors:
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code="invalid")
        self.complete_instance(instance, row)
        duplicate = self._check_duplicate(instance, kwargs.get("row_number"))
        if duplicate and NON_FIELD_ERRORS not in errors:
            errors[NON_FIELD_ERRORS] = ValidationError(duplicate, code="duplicate")
        if errors:
            raise ValidationError(errors)

    def complete_instance(self, instance, row):
        """Defaults that depend on other columns (empty end date, islands...)."""

    def _check_duplicate(self, instance, row_number):
        if row_number is None:
            return ""
        return self.duplicate(self.instance_key(instance), self.line_of(row_number))

    def duplicate(self, key, line):
        """The message when the natural key was already on an earlier line of the file."""
        if key is None:
            return ""
        if key in self._seen:
            name = self._meta.model._meta.verbose_name
            return f"Doublon : même {name} qu'à la ligne {self._seen[key]}."
        self._seen[key] = line
        return ""

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged when every imported column holds the stored value (compared by ids,
        so that no related row is fetched)."""
        if import_validation_errors or not self._meta.skip_unchanged:
            return False
        if original is None or original.pk is None:
            return False
        model_fields = self._meta.model._meta
        for field in self.get_import_fields():
            if field.readonly:
                continue
            attname = model_fields.get_field(field.attribute).attname
            if getattr(instance, attname) != getattr(original, attname):
                return False
        return True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Model validation (field validators and `clean()`), minus what the import already
        checked without a query per row: foreign keys were found by `LookupWidget`, and
        uniqueness by the natural-key loader and the in-file duplicate check."""
        errors = dict(import_validation_errors or {})
        looked_up = {
            f.attribute for f in self.get_import_fields() if isinstance(f.widget, LookupWidget)
        }
        try:
            instance.full_clean(
                exclude=set(errors) | looked_up, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            model_errors = error.update_error_dict({})
            if errors:
                # A value derived from a column already in error (an empty last day takes
                # the invalid first day) is empty: "cannot be null" would blame the wrong
                # column. Columns left empty by the file are refused by their widget.
                model_errors = _without_null_errors(model_errors)
            errors.update(model_errors)
        if errors:
            raise ValidationError(errors)

    def after_import_row(self, row, row_result, **kwargs):
        if self.progress:
            self.progress(kwargs.get("row_number", 0), self._total)

    # Export

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))


def update_reference_index(model, pks):
    """Bulk saves send no post_save: index their references as Wagtail does on save, in one
    background task for the whole import rather than one per row."""
    from wagtail.models import ReferenceIndex

    if not pks or not ReferenceIndex.is_indexed(model):
        return
    meta = model._meta
    index_references.enqueue(meta.app_label, meta.model_name, [str(pk) for pk in pks])


@task()
def index_references(app_label, model_name, pks):
    """Create or update the Wagtail reference index rows of these objects."""
    from wagtail.models import ReferenceIndex

    model = apps.get_model(app_label, model_name)
    with transaction.atomic():
        for instance in model.objects.filter(pk__in=pks).iterator():
            ReferenceIndex.create_or_update_for_object(instance)
