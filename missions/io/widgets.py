"""Widgets of our import resources: one cell ⇄ one Python value, with French messages
(dates and times as people type them, decimals with a comma, yes/no, choices by label,
foreign keys by natural key from dicts loaded once per import)."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from import_export import widgets

from missions.io.cells import among, cell_text, normalise_key

REQUIRED = "Cette colonne est obligatoire."


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
        self.table = None  # normalised key -> {pk: None} of the objects it names
        self.objects = {}  # pk -> object (or, for big tables, what makes it)

    def get_lookup_queryset(self):
        return self.model.objects.all()

    def load(self, values=()):
        queryset = self.get_lookup_queryset().order_by()
        if self.by_values:
            keys = {cell_text(v).upper() for v in values} - {""}
            queryset = queryset.filter(among(self.field, keys))
        attributes = (self.field, *self.also)
        self.table, self.objects = {}, {}
        if self.columns:
            # Big tables: rows as tuples, an instance made only for the cells that ask for
            # one (20,000 intervenants took a quarter of a second as model instances).
            meta = self.model._meta
            wanted = {meta.pk.attname, *attributes, *self.columns}
            # In the model's order, as Model.from_db() takes a subset of the fields.
            names = [f.attname for f in meta.concrete_fields if f.attname in wanted]
            key = names.index(meta.pk.attname)
            positions = [names.index(attr) for attr in attributes]
            for row in queryset.values_list(*names):
                self.objects[row[key]] = names, row
                for position in positions:
                    self.table.setdefault(normalise_key(row[position]), {})[row[key]] = None
            return
        for obj in queryset:
            self.objects[obj.pk] = obj
            for attr in attributes:
                self.table.setdefault(normalise_key(getattr(obj, attr)), {})[obj.pk] = None

    def key(self, value):
        """The primary key of the object `value` names (None for an empty cell), or
        ValueError with the French message: `clean()` without making the object."""
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(REQUIRED)
            return None
        if self.table is None:
            self.load()
        matches = self.table.get(normalise_key(text), ())
        if not matches:
            raise ValueError(f"{self.unknown} : {text}")
        if len(matches) > 1:
            raise ValueError(self.ambiguous.format(text=text))
        return next(iter(matches))

    def clean(self, value, row=None, **kwargs):
        pk = self.key(value)
        return None if pk is None else self.instance(pk)

    def instance(self, pk):
        obj = self.objects[pk]
        if obj.__class__ is tuple:  # (names, values) of a big table's row
            names, values = obj
            db = self.get_lookup_queryset().db
            self.objects[pk] = obj = self.model.from_db(db, names, values)
        return obj

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.field) if value is not None else ""
