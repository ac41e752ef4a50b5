"""Back-office listings that stay fast on the largest tables (hundreds of thousands of
missions and parts): no COUNT over a whole table, no deep OFFSET, orderings that an index
serves, filters without joins that multiply rows, and filter choices loaded in one query."""

import django_filters
from django.contrib.admin.utils import quote
from django.db.models import F, Q, prefetch_related_objects
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import IndexView

from missions.backoffice.any_of import AnyOf
from missions.backoffice.cells import PK_STAND_IN, Select, StampedCellMixin, StampedTableMixin
from missions.backoffice.kept_choices import KeptFiltersMixin, KeptModelChoiceFilter, attach_kept
from missions.enums import PartNature, PartStatus
from missions.models import Activity, Centre, FeePart, Intervenant, Island, Mission, Session

# The methods a row's URLs come from (BoundedIndexView._rows_alike).
BOUNDED_URLS = ("get_edit_url", "get_copy_url", "get_inspect_url", "get_delete_url", "_url",
                "user_has_permission", "user_has_any_permission")  # fmt: skip
PERSON_NAME = ("civility", "first_name", "last_name", "usage_name")  # Intervenant.full_name
# Counting or skipping more rows than this costs more than any reader gains: past it the
# listing says "plus de 10 000" and asks for a filter instead of offering page 201.
MAX_COUNTED_ROWS = 10_000
# From this offset on, a page's ids are read first (see BoundedPaginator.page).
DEEP_OFFSET = 1_000
# Past this many intervenants matching a search, they stay a subquery (see MissionSearchMixin).
MAX_LISTED_PEOPLE = 5_000


class BoundedPaginator(WagtailPaginator):
    """Counts at most MAX_COUNTED_ROWS (COUNT over a LIMIT subquery), so the last page
    reachable is at offset MAX_COUNTED_ROWS whatever the size of the table."""

    max_rows = MAX_COUNTED_ROWS

    def __init__(self, object_list, *args, counted=None, subsets=(), **kwargs):
        """`counted`: a cheaper queryset with exactly as many rows as object_list, counted
        instead of it. `subsets`: cheaper querysets each holding only rows of object_list;
        one with more than max_rows rows says the bound is reached without counting the
        whole list (a search's OR over several tables)."""
        super().__init__(object_list, *args, **kwargs)
        self._counted = counted
        self._subsets = subsets

    @cached_property
    def _bounded_count(self):
        # Unordered: any MAX_COUNTED_ROWS + 1 rows give the same count, and the planner may
        # stop at them, where an ORDER BY in the subquery made it sort every match first.
        for subset in self._subsets:
            found = subset.order_by()[: self.max_rows + 1].count()
            if found > self.max_rows:
                return found
        rows = self.object_list if self._counted is None else self._counted
        return rows.order_by()[: self.max_rows + 1].count()

    @cached_property
    def count(self):
        return min(self._bounded_count, self.max_rows)

    def page(self, number):
        """Deep pages in two steps: the page's ids from the ordering index alone, then those
        rows with their joins. An OFFSET of thousands over the joined query made the
        database join every skipped row."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list
        if bottom < DEEP_OFFSET or not hasattr(rows, "values_list"):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = rows.order_by().in_bulk(ids)
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)

    @property
    def truncated(self):
        return self._bounded_count > self.max_rows

    @cached_property
    def items_count_label(self):
        if self.truncated:
            bound = f"{self.max_rows:,}".replace(",", "\u202f")
            return f"Plus de {bound} {self.verbose_name_plural} : filtrez pour voir les suivantes"
        return super().items_count_label


class BoundedIndexView(IndexView):
    paginator_class = BoundedPaginator
    # When set: the page's query joins these only (select_related), and page_references
    # come by id for the page's rows afterwards (prefetch_related).
    page_joins = None
    page_columns = ()  # when set: the page's query reads these only
    page_references = ()
    kept_references = ()

    def paginator_kwargs(self):
        return {}

    def paginate_queryset(self, queryset, page_size):
        if self.page_joins is not None:
            queryset = queryset.select_related(None).select_related(*self.page_joins)
        if self.page_columns:
            queryset = queryset.only(*self.page_columns)
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
            **self.paginator_kwargs(),
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        if self.page_references or self.kept_references:
            page.object_list = list(page.object_list)
            prefetch_related_objects(page.object_list, *self.page_references)
            attach_kept(page.object_list, self.kept_references)
        return (paginator, page, page.object_list, page.has_other_pages())

    @cached_property
    def table_class(self):
        table_class = super().table_class
        return type(table_class.__name__, (StampedTableMixin, table_class), {})

    def _get_title_column_class(self, column_class):
        column_class = super()._get_title_column_class(column_class)
        extra = {"rows_alike": self._rows_alike()}
        return type(column_class.__name__, (StampedCellMixin, column_class), extra)

    def _rows_alike(self):
        """A row's title cell depends on its pk and title alone (StampedCellMixin): its link
        and buttons from Wagtail's methods and these (the user's permissions, the pk), no
        hook adding or changing buttons."""
        kind, names = type(self), ("_get_title_column", "get_list_buttons", "get_list_more_buttons")
        return all(getattr(kind, name) is getattr(IndexView, name) for name in names) and all(
            getattr(kind, name) is getattr(BoundedIndexView, name) for name in BOUNDED_URLS
        ) and not any(hooks.get_hooks(f"{verb}_snippet_listing_buttons")
                      for verb in ("register", "construct"))  # fmt: skip

    @cached_property
    def _permissions(self):
        return {}

    def user_has_permission(self, permission):
        # Asked four times per row (the row's buttons): the answer per user, once a request.
        key = ("one", permission)
        if key not in self._permissions:
            self._permissions[key] = super().user_has_permission(permission)
        return self._permissions[key]

    def user_has_any_permission(self, permissions):
        key = ("any", frozenset(permissions))
        if key not in self._permissions:
            self._permissions[key] = super().user_has_any_permission(permissions)
        return self._permissions[key]

    # The rows' URLs (link and buttons, four per row) from one reverse() per URL name: the
    # same URLs as Wagtail's IndexView.get_*_url, where 200 reverse() calls cost ~7 ms.
    def _url(self, name, instance):
        patterns = self.__dict__.setdefault("_url_patterns", {})
        if name not in patterns:
            pattern = reverse(name, args=(PK_STAND_IN,))
            patterns[name] = pattern if pattern.count(PK_STAND_IN) == 1 else None
        if patterns[name] is None:
            return reverse(name, args=(quote(instance.pk),))
        return patterns[name].replace(PK_STAND_IN, str(quote(instance.pk)))

    def get_edit_url(self, instance):
        if self.edit_url_name and self.user_has_permission("change"):
            return self._url(self.edit_url_name, instance)

    def get_copy_url(self, instance):
        if self.copy_url_name and self.user_has_permission("add"):
            return self._url(self.copy_url_name, instance)

    def get_inspect_url(self, instance):
        if self.inspect_url_name and self.user_has_any_permission(
            {"add", "change", "delete", "view"}
        ):
            return self._url(self.inspect_url_name, instance)

    def get_delete_url(self, instance):
        if self.delete_url_name and self.user_has_permission("delete"):
            return self._url(self.delete_url_name, instance)


class MissionSearchMixin:
    """The search box: the intervenant (name, usage name, identifier), the épreuve or the
    convocation number. Each condition on its own table, so the trigram indexes of
    migration 0009 serve them, where an OR across the join read both tables whole."""

    # The missions of the matching people alone, when listed by ids: a subset of the
    # search's result that the paginator counts first (see BoundedPaginator).
    search_subsets = ()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        text = self.search_query
        people = (
            Intervenant.objects.filter(
                Q(last_name__icontains=text)
                | Q(usage_name__icontains=text)
                | Q(identifier__icontains=text)
            )
            .values_list("pk", flat=True)
            .order_by()
        )  # any of them: no sort by name
        # The matching people as a list of ids when there are not too many: the planner then
        # ORs three index scans (intervenant, épreuve, convocation) where the subquery made
        # it read every mission to count them.
        found = list(people[: MAX_LISTED_PEOPLE + 1])
        if len(found) <= MAX_LISTED_PEOPLE:
            by_person = Q(AnyOf(F("intervenant_id"), found))
            self.search_subsets = (queryset.filter(by_person),)
        else:
            by_person = Q(intervenant__in=people)
        return queryset.filter(
            by_person | Q(epreuve__icontains=text) | Q(convocation_number__icontains=text)
        )


class MissionIndexView(MissionSearchMixin, BoundedIndexView):
    # The newest first, then by id: served by the (filter, start_date, id) indexes, where
    # the model's default order (centre name) would sort every matching row.
    default_ordering = "-start_date"

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        if self.ordering in (None, "", "-start_date"):
            queryset = queryset.order_by("-start_date", "-pk")
        return queryset

    # The page's rows joined to their intervenant only; the small reference tables the
    # columns show come by id afterwards (one short query each). Each join of the page's
    # query multiplied its planning time: 8 tables with a fee-part filter took the planner
    # about 12 ms, more than running the query.
    page_joins = ("intervenant",)
    # The columns the rows show (each column more cost its conversion): the title's and cells'.
    page_columns = ("epreuve", "activity", "session", "centre", "start_date", "convocation_number",
                    *(f"intervenant__{name}" for name in PERSON_NAME))  # fmt: skip
    page_references = ()
    # The small tables' rows from the process's kept copies (kept_choices).
    kept_references = (
        ("session", Session.objects.select_related("exam")),
        ("activity", Activity.objects.all()),
        ("centre", Centre.objects.select_related("island")),
    )

    def paginator_kwargs(self):
        return {"counted": self.counted_parts(), "subsets": self.search_subsets}

    def counted_parts(self):
        """Filtered on one fee part's status and not searching: the parts with that nature
        and status (each mission has at most one part of a nature), under the listing's
        other filters and the user's scope, which the database counts from the part index
        alone when there are no other filters, where counting the missions joined three
        tables of hundreds of thousands of rows."""
        filters = self.filters
        if self.is_searching or not filters or not filters.is_valid():
            return None
        data = filters.form.cleaned_data
        if any(value not in (None, "") for key, value in data.items() if key not in COUNTABLE):
            return None  # a filter this count does not know: count the missions themselves
        natures = [(nature, data.get(key)) for key, nature in PART_FILTERS.items()]
        natures = [(nature, status) for nature, status in natures if status]
        if len(natures) != 1:
            return None
        [(nature, status)] = natures
        parts = FeePart.objects.visible_to(self.request.user).filter(nature=nature, status=status)
        for key in ("session", "centre", "activity"):
            if data.get(key) is not None:
                parts = parts.filter(**{f"etat__mission__{key}": data[key]})
        if data.get("island") is not None:
            parts = parts.filter(etat__mission__centre__in=filters.island_centres)
        return parts


class FeePartIndexView(BoundedIndexView):
    # What the columns show (the part, its mission's label): the intervenant joined, the
    # activity by id; the mission's session, centre and island are not shown.
    page_joins = ("etat__mission__intervenant",)
    page_references = ("etat__mission__activity",)


# Filters of the mission listing on a fee part's status, by the part's nature.
PART_FILTERS = {"remuneration": PartNature.REMUNERATION, "travel": PartNature.TRAVEL}
# The filters MissionIndexView.counted_parts carries over to the parts.
COUNTABLE = {*PART_FILTERS, "session", "centre", "activity", "island"}


class MissionFilterSet(KeptFiltersMixin, WagtailFilterSet):
    session = KeptModelChoiceFilter(
        widget=Select, label="Session", queryset=Session.objects.select_related("exam")
    )
    centre = KeptModelChoiceFilter(
        widget=Select, label="Centre", queryset=Centre.objects.select_related("island")
    )
    island = KeptModelChoiceFilter(
        widget=Select,
        label="Île",
        queryset=Island.objects.select_related("archipelago"),
        method="filter_island",
    )
    activity = KeptModelChoiceFilter(
        widget=Select, label="Type de mission", queryset=Activity.objects.all()
    )
    remuneration = django_filters.ChoiceFilter(
        widget=Select,
        label="Statut de la rémunération",
        choices=PartStatus.choices,
        method="filter_remuneration",
    )
    travel = django_filters.ChoiceFilter(
        widget=Select,
        label="Statut des frais de déplacement",
        choices=PartStatus.choices,
        method="filter_travel",
    )

    class Meta:
        model = Mission
        fields = []

    def filter_island(self, queryset, name, value):
        # The island's centres as a list of ids: the planner then walks the listing's order
        # index, where a subquery made it read every mission.
        self.island_centres = list(value.centres.values_list("pk", flat=True))
        return queryset.filter(centre__in=self.island_centres)

    def filter_remuneration(self, queryset, name, value):
        return _with_part_status(queryset, PartNature.REMUNERATION, value)

    def filter_travel(self, queryset, name, value):
        return _with_part_status(queryset, PartNature.TRAVEL, value)


class FeePartFilterSet(WagtailFilterSet):
    nature = django_filters.ChoiceFilter(widget=Select, label="Nature", choices=PartNature.choices)
    status = django_filters.ChoiceFilter(widget=Select, label="Statut", choices=PartStatus.choices)
    session = django_filters.ModelChoiceFilter(
        widget=Select,
        label="Session",
        field_name="etat__mission__session",
        queryset=Session.objects.all(),
    )
    centre = django_filters.ModelChoiceFilter(
        widget=Select,
        label="Centre",
        field_name="etat__mission__centre",
        queryset=Centre.objects.select_related("island"),
    )
    island = django_filters.ModelChoiceFilter(
        widget=Select, label="Île", queryset=Island.objects.all(), method="filter_island"
    )
    activity = django_filters.ModelChoiceFilter(
        widget=Select,
        label="Type de mission",
        field_name="etat__mission__activity",
        queryset=Activity.objects.all(),
    )

    class Meta:
        model = FeePart
        fields = []

    def filter_island(self, queryset, name, value):
        centres = list(value.centres.values_list("pk", flat=True))
        return queryset.filter(etat__mission__centre__in=centres)


def _with_part_status(queryset, nature, status):
    """Missions whose part of that nature has that status. One join with both conditions in
    one filter(): a mission has one part per nature, so it is listed once, and the planner
    can follow the listing's order index and stop after a page."""
    return queryset.filter(etat__parts__nature=nature, etat__parts__status=status)


class YesNoColumn(Column):
    """A boolean as "Oui"/"Non" (Wagtail's columns print True/False)."""

    def get_value(self, instance):
        return "Oui" if super().get_value(instance) else "Non"
