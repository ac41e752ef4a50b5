"""Searchable snippet choosers: the DEC finds an intervenant, a centre, a mission or a
session by typing part of a name, an identifier, an email, a commune or an island.

The stock snippet chooser searches only models indexed by Wagtail's search backend (ours
are not: they change through bulk imports that the index would not follow), so the search
here filters the database directly; every word typed must match one of the fields."""

from django import forms
from django.db.models import Q
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet


class WordSearchForm(BaseFilterForm):
    search_paths = ()
    q = forms.CharField(
        label="Rechercher",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Nom, identifiant, courriel, commune, île…"}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            for word in query.split()[:5]:
                matches = Q()
                for path in self.search_paths:
                    matches |= Q(**{f"{path}__icontains": word})
                objects = objects.filter(matches)
            objects = objects.distinct()
            self.is_searching = True
            self.search_query = query
        return objects


def searchable_chooser(*search_paths, related=()):
    """A chooser viewset class whose modal searches `search_paths` (ORM lookups)."""
    form_class = type("SearchForm", (WordSearchForm,), {"search_paths": search_paths})

    class Mixin:
        filter_form_class = form_class

        def get_object_list(self):
            return super().get_object_list().select_related(*related)

    return type(
        "SearchableChooserViewSet",
        (SnippetChooserViewSet,),
        {
            "choose_view_class": type("Choose", (Mixin, ChooseView), {}),
            "choose_results_view_class": type("ChooseResults", (Mixin, ChooseResultsView), {}),
        },
    )


IntervenantChooser = searchable_chooser(
    "identifier", "last_name", "usage_name", "first_name", "email",
    "home_commune__name", "home_island__name", "work_commune__name",
)  # fmt: skip
CentreChooser = searchable_chooser(
    "name", "uai", "commune__name", "island__name", "island__archipelago__name",
    related=("island",),
)  # fmt: skip
MissionChooser = searchable_chooser(
    "convocation_number", "epreuve", "intervenant__identifier", "intervenant__last_name",
    "intervenant__first_name", "intervenant__email", "centre__name", "centre__commune__name",
    "centre__island__name", "session__name",
    related=("intervenant", "activity"),
)  # fmt: skip
SessionChooser = searchable_chooser("name", "exam__name", "exam__code", related=("exam",))
