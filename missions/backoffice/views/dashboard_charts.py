"""The dashboard's bar charts, drawn on the server as SVG: amounts by archipelago and by
activity for the recent sessions, one segment per nature (rémunération, déplacement)."""

from dataclasses import dataclass, field

from django.db.models import Sum

from missions.enums import PartNature, PartStatus
from missions.models import FeePart
from missions.money import format_xpf

SESSION = "etat__mission__session"
NOT_CHARTED = [PartStatus.REJECTED, PartStatus.CANCELLED, PartStatus.NO_FEES]
NATURE_COLOURS = {PartNature.REMUNERATION: "#000091", PartNature.TRAVEL: "#b34000"}


CHART_WIDTH = 480


CHART_VALUE_SPACE = 120  # room for the amount written after the longest bar


LEGEND_HEIGHT = 32


ROW_HEIGHT = 44  # label line, then the bar


BAR_HEIGHT = 16


@dataclass
class Segment:
    nature: str
    label: str
    amount: int
    x: float
    width: float
    colour: str


@dataclass
class Bar:
    label: str
    total: int
    y: int
    segments: list
    text_x: float

    @property
    def total_label(self):
        return format_xpf(self.total)

    @property
    def label_y(self):
        return self.y + 13

    @property
    def bar_y(self):
        return self.y + 18

    @property
    def text_y(self):
        return self.bar_y + BAR_HEIGHT - 3

    @property
    def amounts(self):
        """(nature, amount) in PartNature order, zeros included (for the data table)."""
        found = {segment.nature: segment.amount for segment in self.segments}
        return [(nature, found.get(nature, 0)) for nature in PartNature.values]


@dataclass
class BarChart:
    """A horizontal stacked bar chart, laid out here and drawn by _bar_chart.html."""

    key: str
    title: str
    dimension: str  # what the bars stand for: "Archipel"...
    bars: list
    width: int = CHART_WIDTH
    height: int = 0
    legend: list = field(default_factory=list)
    bar_height: int = BAR_HEIGHT

    @property
    def total(self):
        return sum(bar.total for bar in self.bars)


def bar_chart(key, title, dimension, rows):
    """`rows`: [(label, {nature: amount})] in display order."""
    largest = max((sum(amounts.values()) for _, amounts in rows), default=0)
    scale = (CHART_WIDTH - CHART_VALUE_SPACE) / largest if largest else 0
    bars = []
    for index, (label, amounts) in enumerate(rows):
        y = LEGEND_HEIGHT + index * ROW_HEIGHT
        x, segments = 0.0, []
        for nature in PartNature.values:
            amount = amounts.get(nature, 0)
            width = round(amount * scale, 1)
            if amount:
                segments.append(
                    Segment(
                        nature, PartNature(nature).label, amount, x, width, NATURE_COLOURS[nature]
                    )
                )
            x += width
        bars.append(Bar(label, sum(amounts.values()), y, segments, x + 6))
    legend = [(PartNature(n).label, NATURE_COLOURS[n], i * 140) for i, n in enumerate(PartNature)]
    height = LEGEND_HEIGHT + max(len(rows), 1) * ROW_HEIGHT
    return BarChart(key, title, dimension, bars, CHART_WIDTH, height, legend)


def amounts_by(sessions, label_field, order_fields):
    """[(label, {nature: amount})] of the sessions' parts, grouped by `label_field`."""
    grouped = (
        FeePart.objects.filter(**{f"{SESSION}__in": sessions})
        .exclude(status__in=NOT_CHARTED)
        .values(label_field, "nature")
        .annotate(total=Sum("amount"))
        .order_by(*order_fields, label_field)
    )
    rows = {}
    for row in grouped:
        rows.setdefault(row[label_field] or "—", {})[row["nature"]] = row["total"] or 0
    return [(label, amounts) for label, amounts in rows.items() if sum(amounts.values())]


def charts(sessions):
    archipelago = "etat__mission__centre__island__archipelago"
    activity = "etat__mission__activity"
    return [
        bar_chart(
            "archipel",
            "Montants par archipel (lieu de la mission)",
            "Archipel",
            amounts_by(sessions, f"{archipelago}__name", [f"{archipelago}__order"]),
        ),
        bar_chart(
            "activite",
            "Montants par type de mission",
            "Type de mission",
            amounts_by(sessions, f"{activity}__name", [f"{activity}__order"]),
        ),
    ]
