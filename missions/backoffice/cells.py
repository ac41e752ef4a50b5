"""Listing pieces written without one template render per row or per option: the title
cell stamped from its template (StampedCellMixin) and the filters' select menus (Select).
Each gives the HTML Wagtail's and Django's templates give (tests/missions/test_listing.py
compares the pages)."""

import datetime
import decimal
import re

from django import forms
from django.contrib.admin.utils import quote
from django.db.models import Model
from django.template import Context
from django.template.base import render_value_in_context
from django.templatetags.l10n import unlocalize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, Table
from wagtail.admin.utils import get_latest_str
from wagtail.admin.widgets.button import Button, ButtonWithDropdown
from wagtail.models import AbstractPage, DraftStateMixin


class StampedCellMixin:
    """A listing's title cell (title, link, the "more" dropdown of edit/inspect/delete) from
    its template rendered once per shape with stand-in values, then per row the row's values
    escaped into it: 50 renders of the dropdown's nested templates were a third of a
    listing's time. Cells whose buttons are not Wagtail's plain ones render as usual."""

    stamping = True
    # Set by the view when a row's link, title id and buttons depend on its pk and title
    # alone: every row's cell is then the cell of one stand-in row (pk and title stand-ins)
    # with the row's pk and title put in.
    rows_alike = False

    def render_cell_html(self, instance, parent_context):
        if self.stamping and self.rows_alike:
            html = self._from_stand_in(instance, parent_context)
            if html is not None:
                return html
        context = self.get_cell_context_data(instance, parent_context)
        found = _cell_shape(context) if self.stamping else None
        if found is None:
            return self.cell_template.render(context)
        shape, values, stand_in = found
        key = (self.cell_template_name, get_language(), self.classname, shape)
        if key not in STAMPS:
            STAMPS[key] = PIECES.split(str(self.cell_template.render(stand_in())))
        # The stamp split once: a value that happened to spell a token stays as written.
        html = "".join(
            conditional_escape(values[piece]) if piece in values else piece for piece in STAMPS[key]
        )
        return mark_safe(html)  # noqa: S308 (the template's HTML, each value escaped)

    def _from_stand_in(self, instance, parent_context):
        """The cell from the stand-in row's values, or None (rendered as usual)."""
        # The title Wagtail shows: str(row) (get_latest_str's for a model without drafts);
        # any other accessor, a blank title (a placeholder) or a safe string: as usual.
        plain = not isinstance(instance, (AbstractPage, DraftStateMixin))
        if not (self.accessor == "__str__" or (self.accessor is get_latest_str and plain)):
            return None
        title = str(instance)
        if type(title) is not str or not title.strip():
            return None
        if "_stand_in_cell" not in self.__dict__:  # once per table (a column per request)
            found = _cell_shape(self.get_cell_context_data(_StandInTitled(), parent_context))
            self._stand_in_cell = None
            if found is not None:
                shape, values, stand_in = found
                key = (self.cell_template_name, get_language(), self.classname, shape)
                if key not in STAMPS:
                    STAMPS[key] = PIECES.split(str(self.cell_template.render(stand_in())))
                # Each value escaped once: escaping goes character by character and the
                # stand-ins are letters and digits, so the row's escaped pk and title go in
                # as they would have come out of escaping the row's value.
                if all(type(value) is str for value in values.values()):
                    escaped = {token: escape(value) for token, value in values.items()}
                    self._stand_in_cell = (STAMPS[key], escaped)
        if self._stand_in_cell is None:
            return None
        stamp, values = self._stand_in_cell
        pk, title = escape(str(quote(instance.pk))), escape(title)
        # The pk first: a title is put in last, as written.
        values = {
            token: value.replace(PK_STAND_IN, pk).replace(TITLE_STAND_IN, title)
            for token, value in values.items()
        }
        html = "".join(values.get(piece, piece) for piece in stamp)
        return mark_safe(html)  # noqa: S308 (the template's HTML, each value escaped)


# Stand for a row's pk (digits, which integer pk patterns accept) and title in the URLs and
# values computed once per listing.
PK_STAND_IN = "90817263544536271809"
TITLE_STAND_IN = "zqztitlezqz"


class _StandInTitled:
    pk = PK_STAND_IN

    def __str__(self):
        return TITLE_STAND_IN


# Cells' templates rendered with stand-ins, kept per process: (template, language, shape) ->
# the HTML split at its stand-ins. The shape holds everything else the template shows.
STAMPS = {}
# Stand-ins for a row's values in the stamp: letters no template writes.
TOKENS = re.compile(r"zqz[a-z0-9_]+zqz")
PIECES = re.compile(r"(zqz[a-z0-9_]+zqz)")  # split keeping the tokens


def _token(name):
    return f"zqz{name}zqz"


def _cell_shape(context):
    """(shape, {token: value}, stand-in context maker) of a title cell, None when it holds
    anything but a link, a title and Wagtail's plain buttons. The stand-in context is only
    made for a shape not stamped yet."""
    values, replaced = {}, {}
    shape = []
    for key in ("value", "title_id", "label_id", "link_url"):
        value = context.get(key)
        shape.append(bool(value))
        if value:
            values[_token(key)] = str(value)
            replaced[key] = _token(key)
    link_attrs = dict(context.get("link_attrs") or {})
    if "href" in link_attrs:
        if link_attrs["href"] != context.get("link_url"):
            return None
        link_attrs["href"] = replaced.get("link_url", context.get("link_url"))
    shape.append(tuple(sorted((k, str(v)) for k, v in link_attrs.items() if k != "href")))
    buttons = context.get("buttons") or []
    for index, button in enumerate(buttons):
        if type(button) is not ButtonWithDropdown:
            return None
        aria = button.attrs.get("aria-label")
        item_shapes = []
        for position, item in enumerate(button.dropdown_buttons):
            if type(item) is not Button or not item.url:
                return None
            values[_token(f"url{index}x{position}")] = str(item.url)
            item_shapes.append(
                (str(item.label), item.icon_name, item.classname, _frozen(item.attrs))
            )
        if aria:
            values[_token(f"aria{index}")] = str(aria)
        attrs = {k: v for k, v in button.attrs.items() if k != "aria-label"}
        shape.append(
            (str(button.label), button.icon_name, button.classname, _frozen(attrs), bool(aria),
             tuple(item_shapes))
        )  # fmt: skip

    def stand_in():
        made = {**context, **replaced, "link_attrs": link_attrs, "buttons": []}
        for index, button in enumerate(buttons):
            attrs = {k: v for k, v in button.attrs.items() if k != "aria-label"}
            if button.attrs.get("aria-label"):
                attrs["aria-label"] = _token(f"aria{index}")
            items = [
                Button(str(item.label), url=_token(f"url{index}x{position}"),
                       classname=item.classname, icon_name=item.icon_name, attrs=item.attrs,
                       priority=item.priority)
                for position, item in enumerate(button.dropdown_buttons)
            ]  # fmt: skip
            made["buttons"].append(
                ButtonWithDropdown(str(button.label), classname=button.classname,
                                   icon_name=button.icon_name, attrs=attrs, buttons=items)
            )  # fmt: skip
        return made

    return tuple(shape), values, stand_in


def _frozen(attrs):
    return tuple(sorted((key, str(value)) for key, value in attrs.items()))


class Select(forms.Select):
    """Django's Select with its options written here rather than by one template include
    each: the listing's filter menus (every centre, every island) took a tenth of the page.
    The same HTML as Django's templates (django/forms/widgets/select.html), and the same
    class name (Wagtail names the field's CSS class after it)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                html.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 (every value escaped)


def _attrs(attrs):
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


# The listing table: Wagtail's template renders each row and each cell (250 cell renders and
# 50 row includes for a page of missions: a quarter of the page). Here the table's template
# renders once with no row and once with one row of stand-ins, which gives the HTML around
# the rows and the HTML of one row; each row is then that HTML with its cells in it, and
# each plain cell (Wagtail's cell.html, the bulk-action checkbox) its template's HTML
# rendered once per column with a stand-in value. Other cells render as Wagtail renders
# them. tests/missions/test_listing.py compares the pages with Wagtail's.
PLAIN_CELL = "wagtailadmin/tables/cell.html"
ROW_ATTRS = "zqzrowattrszqz"
_CONTEXT = Context()  # a cell template's own: no request, autoescape, default l10n


class StampedTableMixin:
    stamping = True

    def render_html(self, parent_context=None):
        if not self.stamping:
            return super().render_html(parent_context)
        data = self.data
        # The two renders show the same headers (sort links): each header rendered once.
        headers = {}
        for column in self.columns.values():
            column.render_header_html = _header_once(column, headers)
        try:
            self.data, self._stand_in = [], False
            empty = str(super().render_html(parent_context))
            self.data, self._stand_in = [None], True
            one = str(super().render_html(parent_context))
        finally:
            self.data, self._stand_in = data, False
            for column in self.columns.values():
                del column.render_header_html
        before, row, after = _split_loop(empty, one)
        pieces = PIECES.split(row.replace(" " + ROW_ATTRS, ROW_ATTRS))
        context = Context({"table": self, "request": (parent_context or {}).get("request")})
        cells = [_cell_renderer(column) for column in self.columns.values()]
        html = [before]
        for index, instance in enumerate(data):
            row_object = Table.Row(self, instance, index)
            with context.push(row=row_object):
                values = {
                    ROW_ATTRS: _attrs(row_object.attrs),
                    **{_token(f"cell{n}"): render(instance, context)
                       for n, render in enumerate(cells)},
                }  # fmt: skip
            html.extend(values.get(piece, piece) for piece in pieces)
        html.append(after)
        return mark_safe("".join(html))  # noqa: S308 (templates' HTML, values escaped)

    @property
    def rows(self):
        if getattr(self, "_stand_in", False):
            yield _StandInRow(self, None, 0)
        else:
            yield from super().rows


def _header_once(column, headers):
    render = type(column).render_header_html

    def render_header_html(parent_context):
        if column.name not in headers:
            headers[column.name] = render(column, parent_context)
        return headers[column.name]

    return render_header_html


class _StandInRow(Table.Row):
    attrs = {ROW_ATTRS: True}

    def __getitem__(self, key):
        return _StandInCell(_token(f"cell{list(self.columns).index(key)}"))


class _StandInCell:
    def __init__(self, token):
        self.token = token

    def render_html(self, parent_context=None):
        return self.token


def _split_loop(empty, one):
    """(before, row, after) with empty == before + after and one == before + row + after:
    the loop's output for one row, up to a rotation of the blanks it shares with what
    follows it, which gives the same page for any number of rows."""
    start = _common_prefix(empty, one)
    end = _common_prefix(empty[start:][::-1], one[::-1])
    return empty[:start], one[start : len(one) - end], empty[len(empty) - end :]


def _common_prefix(a, b):
    """The length of the longest common prefix of a and b, by halving (each comparison of
    slices in C: a loop over the characters of a page took half a millisecond)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _cell_renderer(column):
    """instance, context -> the column's cell HTML."""
    kind = type(column)
    plain = kind.render_cell_html is Column.render_cell_html
    if plain and column.cell_template_name == PLAIN_CELL:
        stamps, rendered = {}, {}
        own_context = kind.get_cell_context_data is Column.get_cell_context_data

        def render(instance, context):
            if own_context:  # Column.get_cell_context_data's value, without its dict
                value = column.get_value(instance)
                if isinstance(value, int) and not isinstance(value, bool):
                    value = unlocalize(value)
                if not str(value).strip():
                    value = column.empty_value_display
            else:
                value = column.get_cell_context_data(instance, context).get("value")
            shape = value is None
            if shape not in stamps:
                key = (PLAIN_CELL, get_language(), column.classname, shape)
                if key not in STAMPS:
                    cell = column.get_cell_context_data(instance, context)
                    stand_in = {**cell, "value": None if shape else "zqzvaluezqz"}
                    STAMPS[key] = str(column.cell_template.render(stand_in)).split("zqzvaluezqz")
                stamps[shape] = STAMPS[key]
            if shape:
                return stamps[shape][0]
            # The same value in several rows (a session, a centre, a date): written once.
            key = _value_key(value)
            html = rendered.get(key) if key is not None else None
            if html is None:
                html = render_value_in_context(value, _CONTEXT).join(stamps[shape])
                if key is not None:
                    rendered[key] = html
            return html

        return render
    if kind is BulkActionsCheckboxColumn and column.obj_type != "page" and plain:
        stamp = []

        def render(instance, context):
            cell = column.get_cell_context_data(instance, context)
            if not stamp:
                key = (column.cell_template_name, get_language(), column.obj_type)
                if key not in STAMPS:
                    stand_in = {
                        **cell,
                        "instance": _StandInObject(),
                        "aria_describedby": "zqzariazqz",
                    }
                    STAMPS[key] = PIECES.split(str(column.cell_template.render(stand_in)))
                stamp.append(STAMPS[key])
            values = {
                "zqzpkzqz": conditional_escape(quote(unlocalize(instance.pk))),
                "zqzariazqz": conditional_escape(cell["aria_describedby"]),
            }
            return "".join(values.get(piece, piece) for piece in stamp[0])

        return render
    return lambda instance, context: column.render_cell_html(instance, context)


def _value_key(value):
    """A key under which a value's HTML is the same throughout one table, or None: model
    rows by identity (the same object in several rows), plain values by value."""
    if isinstance(value, Model):
        return ("row", id(value))
    if type(value) in (str, int, datetime.date, datetime.datetime, decimal.Decimal):
        return (type(value), value)
    return None


class _StandInObject:
    pk = "zqzpkzqz"
