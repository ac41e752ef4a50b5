"""The small reference tables a listing shows on every page (sessions, centres, islands,
activities) kept per process under the reference data's version (missions/reference_data.py:
every save or delete of one renews it): the filters' menus list them and check the chosen
one, and the rows' session, activity and centre come from them, where each was a query per
page (a server-side cursor each for the menus: three round trips).

Treat what they hold as read-only: the same objects serve every request of the process."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django_filters import fields

from missions import reference_data

# False: the menus and rows query the database as Django does (tests compare the two).
enabled = True


def kept_rows(queryset):
    """(rows in the queryset's order, {pk: row}) of a small table, kept while the reference
    data's version holds; None for a queryset with conditions, limits or annotations."""
    query = queryset.query
    if (
        query.where.children
        or query.annotations
        or query.extra
        or query.distinct
        or query.low_mark
        or query.high_mark is not None
    ):
        return None
    joins = query.select_related
    name = (
        f"backoffice-table-{queryset.model._meta.label_lower}"
        f"-{sorted(joins.items()) if isinstance(joins, dict) else joins}-{query.order_by}"
    )

    def load():
        rows = list(queryset.all())
        return rows, {row.pk: row for row in rows}

    return reference_data.cached(name, load)


class KeptChoiceIterator(fields.ModelChoiceIterator):
    def __iter__(self):
        kept = kept_rows(self.queryset) if enabled else None
        if kept is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for row in kept[0]:
            yield self.choice(row)

    def __len__(self):
        kept = kept_rows(self.queryset) if enabled else None
        if kept is None:
            return super().__len__()
        extra = (self.field.empty_label is not None) + (self.field.null_label is not None)
        return len(kept[0]) + extra

    def __bool__(self):
        return len(self) > 0


class ModelChoiceField(fields.ModelChoiceField):
    """django-filter's, its choices and the chosen row from the kept rows. The same class
    name: Wagtail names the field's CSS class after it."""

    iterator = KeptChoiceIterator

    def to_python(self, value):
        kept = kept_rows(self.queryset) if enabled and not self.to_field_name else None
        if kept is None or value in self.empty_values:
            return super().to_python(value)
        if self.null_label is not None and value == self.null_value:
            return value
        self.validate_no_null_characters(value)
        model = self.queryset.model
        if isinstance(value, model):
            value = value.pk
        try:
            key = model._meta.pk.to_python(value)
        except ValidationError:
            key = None
        found = kept[1].get(key)
        if found is None:  # not a row's id, or a row newer than the kept ones: ask
            return super().to_python(value)
        return found


class KeptModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ModelChoiceField


def attach_kept(rows, references):
    """Sets each row's `name` relation from the kept rows of its queryset, for each
    (name, queryset) of `references`; a relation whose target is not among them is
    prefetched from the database instead, as prefetch_related would."""
    for name, queryset in references:
        kept = kept_rows(queryset) if enabled and rows else None
        attname = rows[0]._meta.get_field(name).attname if rows else name
        keys = {getattr(row, attname) for row in rows} - {None}
        if kept is None or not keys <= kept[1].keys():
            prefetch_related_objects(rows, Prefetch(name, queryset=queryset))
            continue
        for row in rows:
            key = getattr(row, attname)
            if key is not None:
                setattr(row, name, kept[1][key])


# The filter menus of a listing (Wagtail's shared/headers/_filters.html, which the project's
# template of that name replaces by `{% kept_filters %}`): the same HTML for every page with
# the same chosen values while the reference data stay the same, where its drilldown and
# one formatted field per filter took a tenth of the page.
FILTERS_TEMPLATE = "wagtailadmin/shared/headers/_filters.html"
MAX_KEPT_MENUS = 500
_menus = {}


def wagtail_filters_template():
    """Wagtail's own template, behind the project's of the same name."""
    from django.template import engines

    engine = engines["django"].engine
    _, ours = engine.find_template(FILTERS_TEMPLATE)
    found, _ = engine.find_template(FILTERS_TEMPLATE, skip=[ours])
    return found


class KeptFiltersMixin:
    """For a filter set whose menus show only its filters' static choices and kept rows
    (KeptModelChoiceFilter): its menus' HTML depends on the chosen values, the reference
    data version and the language alone."""

    kept_menus = True

    def kept_menus_key(self):
        from django.utils.translation import get_language

        form = self.form
        data = self.data
        values = tuple(
            (name, tuple(data.getlist(name)) if hasattr(data, "getlist") else data.get(name))
            for name in form.fields
        )
        return (type(self), get_language(), reference_data.version(), form.prefix,
                form.auto_id, self.is_bound, values)  # fmt: skip


def render_filters(context, filters):
    global _wagtail_template
    if _wagtail_template is None:
        _wagtail_template = wagtail_filters_template()
    kept = enabled and getattr(filters, "kept_menus", False)
    key = filters.kept_menus_key() if kept else None
    if key is not None and key in _menus:
        return _menus[key]
    html = _wagtail_template.render(context.new({"filters": filters}))
    if key is not None:
        if len(_menus) >= MAX_KEPT_MENUS:
            _menus.clear()
        _menus[key] = html
    return html


_wagtail_template = None
