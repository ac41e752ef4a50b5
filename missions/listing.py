"""Back-office listings that stay fast on the largest tables (hundreds of thousands of
missions and parts): no COUNT over a whole table, no deep OFFSET, orderings that an index
serves, filters without joins that multiply rows, and filter choices loaded in one query."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.snippets.views.snippets import IndexView

from .enums import PartNature, PartStatus
from .models import Activity, Centre, FeePart, Island, Mission, Session

# Counting or skipping more rows than this costs more than any reader gains: past it the
# listing says "plus de 10 000" and asks for a filter instead of offering page 201.
MAX_COUNTED_ROWS = 10_000


class BoundedPaginator(WagtailPaginator):
    """Counts at most MAX_COUNTED_ROWS (COUNT over a LIMIT subquery), so the last page
    reachable is at offset MAX_COUNTED_ROWS whatever the size of the table."""

    max_rows = MAX_COUNTED_ROWS

    @cached_property
    def _bounded_count(self):
        return self.object_list[: self.max_rows + 1].count()

    @cached_property
    def count(self):
        return min(self._bounded_count, self.max_rows)

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


class MissionIndexView(BoundedIndexView):
    # The newest first, then by id: served by the (filter, start_date, id) indexes, where
    # the model's default order (centre name) would sort every matching row.
    default_ordering = "-start_date"

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        if self.ordering in (None, "", "-start_date"):
            queryset = queryset.order_by("-start_date", "-pk")
        return queryset


class MissionFilterSet(WagtailFilterSet):
    session = django_filters.ModelChoiceFilter(
        label="Session", queryset=Session.objects.select_related("exam")
    )
    centre = django_filters.ModelChoiceFilter(
        label="Centre", queryset=Centre.objects.select_related("island")
    )
    island = django_filters.ModelChoiceFilter(
        label="Île",
        queryset=Island.objects.select_related("archipelago"),
        method="filter_island",
    )
    activity = django_filters.ModelChoiceFilter(
        label="Type de mission", queryset=Activity.objects.all()
    )
    remuneration = django_filters.ChoiceFilter(
        label="Statut de la rémunération",
        choices=PartStatus.choices,
        method="filter_remuneration",
    )
    travel = django_filters.ChoiceFilter(
        label="Statut des frais de déplacement",
        choices=PartStatus.choices,
        method="filter_travel",
    )

    class Meta:
        model = Mission
        fields = []

    def filter_island(self, queryset, name, value):
        # Centres of the island by id: no join with the centres in the listing's query.
        return queryset.filter(centre__in=Centre.objects.filter(island=value).values("pk"))

    def filter_remuneration(self, queryset, name, value):
        return queryset.filter(_part_in_status(PartNature.REMUNERATION, value))

    def filter_travel(self, queryset, name, value):
        return queryset.filter(_part_in_status(PartNature.TRAVEL, value))


def _part_in_status(nature, status):
    """A mission whose part of that nature has that status: EXISTS, not a join, so each
    mission is listed once."""
    return Exists(
        FeePart.objects.filter(etat__mission=OuterRef("pk"), nature=nature, status=status)
    )
