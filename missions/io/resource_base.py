"""The generic machinery of our django-import-export resources (resources.py holds the
domain's, cells.py the cells, widgets.py the widgets): existing rows loaded once per file,
columns, and `ImportResource`.

What the stock resources do not do, done here:
- foreign keys come from dicts loaded once per import (`LookupWidget`), existing rows from
  one query per file (`NaturalKeyLoader`): the query count does not grow with the rows;
- uniqueness is checked against the loaded rows and within the file rather than by a query
  per row (`validate_instance`), so re-importing a file finds, and skips, the same rows;
- cells that a spreadsheet would run as a formula are refused on import and neutralised on
  export (OWASP "CSV injection").
"""

from functools import cached_property

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django_tasks import task
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader

from imagin_site.common.spreadsheets import escape_formula
from missions.io.cells import FORMULA_ERROR, among, is_formula, normalise_key
from missions.io.widgets import LookupWidget


def _without_null_errors(error_dict):
    kept = {}
    for name, field_errors in error_dict.items():
        field_errors = [e for e in field_errors if getattr(e, "code", None) != "null"]
        if field_errors:
            kept[name] = field_errors
    return kept


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
    background task for the whole import rather than one per row. Integer keys go as ranges
    of consecutive keys (a COPY's keys follow each other: one pair for 100,000 rows)."""
    from wagtail.models import ReferenceIndex

    if not pks or not ReferenceIndex.is_indexed(model):
        return
    meta = model._meta
    if all(pk.__class__ is int for pk in pks):
        index_references.enqueue(meta.app_label, meta.model_name, [], key_ranges(pks))
    else:
        index_references.enqueue(meta.app_label, meta.model_name, [str(pk) for pk in pks])


def key_ranges(pks):
    """[[first, last], ...] of the runs of consecutive integers in `pks`."""
    ranges = []
    for pk in sorted(set(pks)):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


@task()
def index_references(app_label, model_name, pks, ranges=()):
    """Create or update the Wagtail reference index rows of these objects: `pks`, and the
    keys in `ranges` ([first, last] pairs)."""
    from wagtail.models import ReferenceIndex

    if not pks and not ranges:
        return
    model = apps.get_model(app_label, model_name)
    wanted = models.Q(pk__in=pks) if pks else models.Q(pk__in=[])
    for first, last in ranges:
        wanted |= models.Q(pk__range=(first, last))
    with transaction.atomic():
        for instance in model.objects.filter(wanted).iterator():
            ReferenceIndex.create_or_update_for_object(instance)
