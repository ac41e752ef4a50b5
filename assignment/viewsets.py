"""Snippets of the assignment: needs, competences, unavailability, profiles, and the
reference data it reads (indicative fares, candidate ratios)."""

from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from assignment.models import (
    AssignmentProfile,
    CandidateRatio,
    Competence,
    Need,
    SchoolHead,
    TravelEstimate,
    Unavailability,
)


class NeedViewSet(SnippetViewSet):
    model = Need
    icon = "list-ul"
    menu_label = "Besoins"
    list_display = ["__str__", "session", "people", "quantity", "max_per_person"]
    list_filter = ["session", "activity", "period", "date"]
    search_fields = ["epreuve"]
    copy_view_enabled = False


class CompetenceViewSet(SnippetViewSet):
    model = Competence
    icon = "user"
    menu_label = "Compétences"
    list_display = ["intervenant", "activity", "epreuve"]
    list_filter = ["activity"]
    copy_view_enabled = False


class UnavailabilityViewSet(SnippetViewSet):
    model = Unavailability
    icon = "date"
    menu_label = "Indisponibilités"
    list_display = ["intervenant", "start_date", "end_date", "period", "entered_as"]
    list_filter = ["entered_as", "period"]
    copy_view_enabled = False


class ProfileViewSet(SnippetViewSet):
    model = AssignmentProfile
    icon = "user"
    menu_label = "Établissements et maxima"
    list_display = ["intervenant", "school", "max_missions"]
    copy_view_enabled = False


class SchoolHeadViewSet(SnippetViewSet):
    model = SchoolHead
    icon = "user"
    menu_label = "Chefs d'établissement"
    list_display = ["user", "school"]
    copy_view_enabled = False


class TravelEstimateViewSet(SnippetViewSet):
    model = TravelEstimate
    icon = "site"
    menu_label = "Tarifs indicatifs de déplacement"
    list_display = ["__str__", "mode", "round_trip_fare", "round_trip_km", "source", "as_of"]
    list_filter = ["mode"]
    copy_view_enabled = False


class CandidateRatioViewSet(SnippetViewSet):
    model = CandidateRatio
    icon = "cogs"
    menu_label = "Ratios candidats par intervenant"
    list_display = ["activity", "candidates_per_person"]
    copy_view_enabled = False


class AssignmentGroup(ViewSetGroup):
    menu_label = "Affectation"
    menu_icon = "group"
    menu_order = 204
    items = (
        NeedViewSet,
        CompetenceViewSet,
        UnavailabilityViewSet,
        ProfileViewSet,
        SchoolHeadViewSet,
        TravelEstimateViewSet,
        CandidateRatioViewSet,
    )
