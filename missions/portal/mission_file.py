"""Everything the mission page shows, assembled in a bounded number of queries: the two
parts with their computed lines, what may still be entered, the timeline and payment dates."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from missions.enums import EDITABLE_STATUSES, PartNature, PartStatus
from missions.models import FeePart, StatusChange, TravelLeg
from missions.money import xpf_to_eur
from missions.portal.forms import LINE_FORMS
from missions.services.entry import deadline_passed
from missions.services.fees import neighbour_map, part_result
from missions.services.rulebook import RateBook

KINDS_BY_NATURE = {
    PartNature.REMUNERATION: ["travail"],
    PartNature.TRAVEL: ["trajet", "repas", "nuitee"],
}


@dataclass
class PartView:
    part: FeePart
    result: object
    editable: bool
    forms: dict = field(default_factory=dict)

    @property
    def history(self):
        return list(self.part.history.all())

    @property
    def paid_in_history(self):
        return any(change.to_status == PartStatus.PAID for change in self.history)

    @property
    def last_change(self):
        history = self.history
        return history[-1] if history else None

    @property
    def lines_by_kind(self):
        """Computed lines grouped for display, each with its kind for the delete URL."""
        kinds = {
            "WorkLine": "travail",
            "TravelLeg": "trajet",
            "MealLine": "repas",
            "NightLine": "nuitee",
        }
        return [(kinds[type(r.line).__name__], r) for r in self.result.lines]


@dataclass
class MissionFile:
    mission: object
    parts: list
    deadline: object
    deadline_passed: bool

    @property
    def total(self):
        return sum(view.result.total for view in self.parts)

    @property
    def total_eur(self):
        return xpf_to_eur(self.total)

    @property
    def can_submit(self):
        return any(view.editable for view in self.parts)

    @property
    def entry_closed_by_deadline(self):
        """Something is still to enter or correct but the deadline has passed: one alert for
        the whole mission, however many parts wait."""
        return self.deadline_passed and any(
            view.part.status in EDITABLE_STATUSES for view in self.parts
        )

    @property
    def problems(self):
        return [problem for view in self.parts if view.editable for problem in view.result.problems]

    def part(self, nature):
        return next((view for view in self.parts if view.part.nature == nature), None)


def build_mission_file(mission, forms=None, today=None):
    today = today or timezone.localdate()
    forms = forms or {}
    etat = mission.etat
    parts = list(
        FeePart.objects.filter(etat=etat)
        .select_related("batch")
        .prefetch_related(
            "worklines",
            Prefetch("travellegs", TravelLeg.objects.select_related("from_commune", "to_commune")),
            "meallines",
            "nightlines",
            Prefetch("history", StatusChange.objects.order_by("at", "id")),
        )
        .order_by("-nature")
    )
    book, neighbours = RateBook.load(), neighbour_map()
    passed = deadline_passed(etat, today)
    views = []
    for part in parts:
        part.etat = etat  # already loaded with the mission
        editable = part.status in EDITABLE_STATUSES and not passed
        view = PartView(part, part_result(part, book, neighbours=neighbours), editable)
        if editable:
            for kind in KINDS_BY_NATURE[part.nature]:
                form_class, _ = LINE_FORMS[kind]
                view.forms[kind] = forms.get(kind) or form_class(mission=mission, part=part)
        views.append(view)
    return MissionFile(mission, views, etat.entry_deadline, passed)
