# Long module, one cohesive piece: one import pipeline whose steps share caches.
"""The bulk import, for the resources that write in bulk (`Meta.use_bulk`: missions).

django-import-export spends a dozen method calls, a model instance, a deep copy and a
full_clean() on each row: about 1,200 rows/s. This path keeps the resource as the definition
of the import (columns, widgets and their French messages, defaults, `complete_instance`,
natural key, duplicate check, the model's validation) and runs it in three steps:

1. resolution, a fixed number of queries whatever the number of rows: the foreign keys by
   natural key into dicts (the resource's LookupWidget tables), the rows already in the
   database in one query, as tuples;
2. each row is checked in pure Python: a widget cleans each distinct cell once (a file
   repeats its sessions, centres, dates...), a model field's validators run once per
   distinct value, and `Model.clean()` runs on one scratch instance reused from row to row;
3. valid rows are written in batches of `Meta.batch_size` as they come, in the same
   transaction: on PostgreSQL new rows stream into a COPY while the next rows are checked,
   changed rows go in one UPDATE per batch (services/bulk_sql.py); elsewhere bulk_create and
   bulk_update. From the first invalid row on, nothing more is written but every row is
   still checked, so that all the errors are reported; then the transaction is rolled back,
   as always in a dry run.

As with django-import-export's bulk mode, no signal is sent (no post_save, no history row);
the Wagtail reference index of the rows written is updated by a task after the commit.
"""

from itertools import chain
from operator import itemgetter

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from missions.io.bulk_sql import allocate_pks, copy_rows, update_rows
from missions.io.cells import FORMULA_ERROR, among, cell_text, is_formula
from missions.io.import_report import OUTCOMES, SAMPLE_ROWS, RowError
from missions.io.resource_base import update_reference_index as index_later
from missions.io.widgets import LookupWidget
from missions.services import portal_versions

PROGRESS_EVERY = 1000


def database_error_message(error):
    return f"Erreur de la base de données, rien n'a été importé : {error}"


def import_rows(resource, headers, rows, report, *, dry_run):
    """Import `rows` (lists of cells under `headers`, already matched to the resource's
    columns) into `report`, all or nothing."""
    importer = BulkImporter(resource, headers, rows, report)
    try:
        with transaction.atomic():
            importer.resolve()
            importer.run()
            if dry_run or not report.ok:
                transaction.set_rollback(True)
            elif importer.written:
                model, pks = resource._meta.model, importer.written
                transaction.on_commit(lambda: index_later(model, pks))
                # No signal on this path: the portal pages of these rows by hand.
                portal_versions.bump_rows(model, pks)
    except DatabaseError as error:  # e.g. the same rows imported meanwhile by someone else
        report.general_errors.append(database_error_message(error))


def _memoised(cache, compute, value):
    key = (value.__class__, value)  # True and 1 are equal, not the same cell
    try:
        return cache[key]
    except KeyError:
        cache[key] = result = compute(value)
        return result
    except TypeError:  # an unhashable cell: not memoised
        return compute(value)


def _getter(names):
    """state dict -> tuple of its values under `names` (a tuple even for one name)."""
    if len(names) == 1:
        return lambda state: (state[names[0]],)
    return itemgetter(*names)


class _Column:
    """One column of the resource: where its cells are in a row, what they clean to."""

    def __init__(self, field, model, headers, constants):
        self.field = field
        self.name = field.column_name
        self.attribute = field.attribute
        self.model_field = model._meta.get_field(field.attribute)
        self.attname = self.model_field.attname
        self.lookup = isinstance(field.widget, LookupWidget)
        self.index = headers.index(self.name) if self.name in headers else None
        self.constant = constants.get(self.name, "")
        self.present = self.index is not None or self.name in constants
        self.saves_null = field.saves_null_values
        self.blank = self.model_field.blank
        self.empty_values = self.model_field.empty_values
        self.cells = {}  # (class, cell) -> outcome of clean()
        self.values = {}  # (class, value) -> outcome of validate()

    def cell(self, row):
        return self.constant if self.index is None else row[self.index]

    def clean(self, cell):
        """(formula?, attribute value, widget error), once per distinct cell."""
        return _memoised(self.cells, self._clean, cell)

    def _clean(self, cell):
        try:
            if self.lookup:  # the key alone: no instance made (see LookupWidget.key)
                value = self.field.widget.key(cell)
                if value is None:  # an empty cell: the field's default, if any
                    value = self.field.clean({self.name: cell})
                    value = None if value is None else value.pk
            else:
                value = self.field.clean({self.name: cell})
            error = None
        except ValueError as exc:
            value, error = None, str(exc)
        return is_formula(cell), value, error

    def validate(self, value, instance):
        """(value as the model stores it, [messages]) of the model field's validation."""

        def run(value):
            try:
                return self.model_field.clean(value, instance), []
            except ValidationError as error:
                return value, error.messages

        return _memoised(self.values, run, value)


class BulkImporter:
    """One import: `resolve()` then `run()`, inside a transaction."""

    def __init__(self, resource, headers, rows, report):
        self.resource = resource
        self.model = model = resource._meta.model
        self.headers = headers
        self.rows = rows
        self.report = report
        self.batch_size = resource._meta.batch_size or 1000
        constants = {c: v for c, v in resource.optional_key_columns.items() if c not in headers}
        fields = [f for f in resource.get_import_fields() if not f.readonly]
        self.columns = [_Column(f, model, headers, constants) for f in fields]
        self.present = [c for c in self.columns if c.present]
        by_attribute = {c.attribute: c for c in self.columns}
        self.key_columns = [by_attribute[f.attribute] for f in resource.key_fields()]
        order = [f.name for f in model._meta.fields]
        self.validated = sorted(
            (c for c in self.columns if not c.lookup), key=lambda c: order.index(c.attribute)
        )
        known = set(resource.column_names())
        self.ignored = [(i, h) for i, h in enumerate(headers) if h not in known]
        self.update_attnames = [
            model._meta.get_field(name).attname for name in resource.get_bulk_update_fields()
        ]
        # A stored row is (pk, *the imported attributes); a new row, every column but the pk.
        self.stored_attnames = [model._meta.pk.attname, *(c.attname for c in self.columns)]
        self.insert_attnames = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        self.compared = _getter(self.stored_attnames[1:])
        self.inserted = _getter(self.insert_attnames)
        self.updated = _getter(self.update_attnames)
        key_getter = _getter(resource.key_attnames)
        self.instance_key = lambda state: (
            None if None in (key := key_getter(state)) else key  # resource.instance_key
        )
        self.defaults = self._defaults()
        # One instance for every row: clean() and complete_instance() run on it.
        self.scratch = model(
            **{a: v for a, v in self.defaults.items() if a in self.insert_attnames}
        )
        self.existing, self.row_keys = {}, []
        self.locked = {}  # {pk: reason} of stored rows no import may change
        self.new_at_most = 0  # rows whose natural key is not in the database yet
        self.pks = None
        self.changed_rows, self.written, self.samples = [], [], []
        self.done = False
        self.labels = {}

    def _defaults(self):
        """What a new row holds before its cells: the model's defaults, as Model() sets them."""
        now = timezone.now()
        defaults = {}
        for field in self.model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults[field.attname] = now
            else:
                defaults[field.attname] = field.get_default()
        return defaults

    # 1. Resolution

    def resolve(self):
        for column in self.present:
            if column.lookup:
                cells = {row[column.index] for row in self.rows} if column.index is not None else ()
                column.field.widget.load(cells)
        self.row_keys = self._row_keys()
        keys = set(self.row_keys) - {None}
        self.new_at_most = len(keys)
        if not keys:
            return
        filters = [
            among(column.attname, {key[i] for key in keys})
            for i, column in enumerate(self.key_columns)
        ]
        positions = [self.stored_attnames.index(c.attname) for c in self.key_columns]
        stored = self.model.objects.filter(*filters).values_list(*self.stored_attnames)
        for values in stored.iterator(chunk_size=5000):
            key = tuple(values[i] for i in positions)
            if key in keys:
                self.existing[key] = values
        self.new_at_most -= len(self.existing)
        if hasattr(self.resource, "locked_reasons") and self.existing:
            self.locked = self.resource.locked_reasons([v[0] for v in self.existing.values()])

    def _row_keys(self):
        """`_row_key` of every row, a key column at a time: a cell's part of the key is found
        by one dict lookup (each distinct cell cleaned once), not a call per row and column."""
        parts = []
        for column in self.key_columns:
            part = _KeyPart(column)
            if column.index is None:
                parts.append([part[column.constant.__class__, column.constant]] * len(self.rows))
                continue
            try:
                parts.append([part[cell.__class__, cell] for cell in _cells(self.rows, column)])
            except TypeError:  # an unhashable cell: row by row
                return [self._row_key(row) for row in self.rows]
        if not parts:
            return [()] * len(self.rows)
        return [None if _INVALID in key else key for key in zip(*parts, strict=True)]

    def _row_key(self, row):
        """The natural key the cells give, as the resource's instance loader reads it."""
        key = []
        for column in self.key_columns:
            cell = row[column.index] if column.index is not None else column.constant
            try:
                outcome = column.cells[cell.__class__, cell]
            except (KeyError, TypeError):
                outcome = column.clean(cell)
            if outcome[2] is not None:
                return None
            key.append(outcome[1])
        return tuple(key)

    # 2. Rows

    def run(self):
        """Check every row; write the valid ones, a batch at a time, while checking."""
        rows = self._checked()
        while not self.done:
            batch = _until_none(rows)
            first = next(batch, None)
            if first is not None:
                self.written.extend(self._insert(chain([first], batch)))
            if self.changed_rows:
                self._update(self.changed_rows)
                self.written.extend(row[0] for row in self.changed_rows)
                self.changed_rows = []
        self.report.sample = [
            (self._line(number), OUTCOMES[outcome], self._repr(state, row))
            for number, outcome, state, row in self.samples
        ]
        self.existing, self.row_keys = {}, []

    def _checked(self):
        """Check the rows one by one; yield each new row to write, and None when the batch
        under way is full (its COPY then ends and the changed rows are written). Nothing here
        queries the database: a COPY may be open while it runs."""
        progress, total = self.resource.progress, len(self.rows)
        state, report = self.scratch.__dict__, self.report
        in_batch = 0
        for number, row in enumerate(self.rows, start=1):
            try:
                outcome, stored = self._check(number, row)
            except Exception as error:  # as django-import-export: an error of this row
                self._invalid(
                    number, [RowError(self._line(number), "", "", f"Erreur inattendue : {error}")]
                )
                outcome = None
            if outcome is not None:
                setattr(report, outcome, getattr(report, outcome) + 1)
                if number <= SAMPLE_ROWS:
                    self.samples.append((number, outcome, dict(state), row))
            if report.invalid:  # nothing will be kept: end the COPY under way, write no more
                if in_batch:
                    in_batch = 0
                    yield None
            elif outcome == "new":
                in_batch += 1
                yield self.inserted(state)
            elif outcome == "update":
                self.changed_rows.append((stored[0], *self.updated(state)))
            if in_batch >= self.batch_size or len(self.changed_rows) >= self.batch_size:
                in_batch = 0
                yield None
            if progress and (number % PROGRESS_EVERY == 0 or number == total):
                progress(number, total)
        self.done = True

    def _line(self, number):
        return self.resource.line_of(number)

    def _check(self, number, row):
        """("new", "update" or "skip", or None for an invalid row whose errors are reported;
        the stored row). The order of the checks, and so of the messages, is the resource's."""
        state = self.scratch.__dict__
        stored = self.existing.get(self.row_keys[number - 1]) if self.existing else None
        state.update(self.defaults)
        if stored is not None:
            state.update(zip(self.stored_attnames, stored, strict=True))
        errors, widget_errors = {}, []
        for column in self.present:
            cell = row[column.index] if column.index is not None else column.constant
            try:
                formula, value, error = column.cells[cell.__class__, cell]
            except (KeyError, TypeError):
                formula, value, error = column.clean(cell)
            if formula:
                errors[column.attribute] = [FORMULA_ERROR]
            elif error is not None:
                widget_errors.append((column.attribute, [error]))
            elif value is not None or column.saves_null:
                state[column.attname] = value
        for index, name in self.ignored:
            if is_formula(row[index]):
                errors[NON_FIELD_ERRORS] = [f"Colonne « {name} » : {FORMULA_ERROR}"]
                break
        errors.update(widget_errors)
        self.scratch._state.fields_cache.clear()
        values = dict(zip(self.headers, row, strict=True))
        self.resource.complete_instance(self.scratch, values)
        key = self.instance_key(state)
        duplicate = self.resource.duplicate(key, self._line(number))
        if duplicate and NON_FIELD_ERRORS not in errors:
            errors[NON_FIELD_ERRORS] = [duplicate]
        if stored is not None and not errors and self.compared(state) == stored[1:]:
            return "skip", stored
        if stored is not None and stored[0] in self.locked and NON_FIELD_ERRORS not in errors:
            errors[NON_FIELD_ERRORS] = [self.locked[stored[0]]]
        self._validate(state, errors)
        if errors:
            self._invalid(number, self._row_errors(number, values, errors))
            return None, stored
        return ("new" if stored is None else "update"), stored

    def _validate(self, state, errors):
        """The model's full_clean(), less what was checked without a query per row: foreign
        keys (found in the lookup tables) and uniqueness (existing rows, duplicates)."""
        found = {}
        for column in self.validated:
            value = state[column.attname]
            if column.attribute in errors or (column.blank and value in column.empty_values):
                continue
            if value is None and errors:
                # Derived from a column already in error (an empty last day takes the
                # invalid first day): "cannot be null" would blame the wrong column.
                # Columns left empty by the file are refused by their widget.
                continue
            try:
                value, messages = column.values[value.__class__, value]
            except (KeyError, TypeError):
                value, messages = column.validate(value, self.scratch)
            if messages:
                found[column.attribute] = messages
            else:
                state[column.attname] = value
        try:
            self.scratch.clean()
        except ValidationError as error:
            messages = (
                error.message_dict
                if hasattr(error, "error_dict")
                else {NON_FIELD_ERRORS: error.messages}
            )
            for key, items in messages.items():
                found.setdefault(key, []).extend(items)
        for key, items in found.items():
            errors.setdefault(key, []).extend(items)

    def _row_errors(self, number, values, errors):
        line = self._line(number)
        found = []
        for key, messages in errors.items():
            if key not in self.labels:
                self.labels[key] = self.resource.column_label(key)
            column = self.labels[key]
            value = cell_text(values.get(column, ""))
            found.extend(RowError(line, column, value, message) for message in messages)
        return found

    def _invalid(self, number, errors):
        self.report.invalid += 1
        self.report.errors.extend(errors)
        self.changed_rows.clear()

    def _repr(self, state, row):
        """How the row is named in the preview, as str() of its model instance."""
        instance = self.model(
            **{f.attname: state[f.attname] for f in self.model._meta.concrete_fields}
        )
        for column in self.present:
            if not column.lookup:
                continue
            pk = column.clean(column.cell(row))[1]
            if pk is not None and pk == state[column.attname]:
                setattr(instance, column.attribute, column.field.widget.instance(pk))
        return str(instance)

    # 3. Writing

    def _insert(self, rows):
        """Insert the rows (an iterator), return their primary keys."""
        if connection.vendor != "postgresql":
            instances = [
                self.model(**dict(zip(self.insert_attnames, row, strict=True))) for row in rows
            ]
            self.model.objects.bulk_create(instances)
            return [instance.pk for instance in instances]
        if self.pks is None:  # one query for the file: no query may run during a COPY
            self.pks = iter(allocate_pks(self.model, self.new_at_most))
        return copy_rows(self.model, self.insert_attnames, rows, self.pks)

    def _update(self, rows):
        """Update the rows: (pk, *values of the resource's update fields)."""
        if connection.vendor == "postgresql":
            update_rows(self.model, self.update_attnames, rows)
            return
        instances = [
            self.model(pk=pk, **dict(zip(self.update_attnames, values, strict=True)))
            for pk, *values in rows
        ]
        self.model.objects.bulk_update(instances, self.resource.get_bulk_update_fields())


_INVALID = object()  # a key cell its widget refuses: the row has no key


class _KeyPart(dict):
    """(class, cell) -> the column's value for that cell in a natural key, or _INVALID."""

    def __init__(self, column):
        super().__init__()
        self.column = column

    def __missing__(self, key):
        outcome = self.column.clean(key[1])
        self[key] = part = _INVALID if outcome[2] is not None else outcome[1]
        return part


def _cells(rows, column):
    return map(itemgetter(column.index), rows)


def _until_none(items):
    for item in items:
        if item is None:
            return
        yield item
