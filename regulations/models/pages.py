"""Regulation pages (rates, how to be paid), documentation, and the external-intervenant form."""

from django.db import models
from django.utils.functional import SimpleLazyObject
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from home.blocks import ContentStreamBlock
from home.models import BasePage, BodyPageMixin
from regulations.blocks import RegulationStreamBlock


class ChildListingMixin:
    """Index pages list their live children as cards (one query)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific()
        return context


class RegulationIndexPage(ChildListingMixin, BasePage):
    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["regulations.RegulationPage", "regulations.FeeSimulatorPage"]
    template = "regulations/regulation_index_page.html"

    class Meta:
        verbose_name = "Rubrique réglementation"


class RegulationPage(BodyPageMixin, BasePage):
    """Frais de rémunération, frais de déplacement, comment se faire indemniser."""

    body = StreamField(RegulationStreamBlock(), blank=True, verbose_name="Contenu")

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["regulations.RegulationIndexPage"]
    subpage_types = []
    template = "regulations/regulation_page.html"

    class Meta:
        verbose_name = "Page de réglementation"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # For the simulator block's link; looked up only if a block shows it.
        context["simulator_page"] = SimpleLazyObject(
            lambda: FeeSimulatorPage.objects.live().public().first()
        )
        return context


class FeeSimulatorPage(BasePage):
    """'Simuler mes indemnités': the fee simulator on a page of its own, whose result URL
    (a GET query) can be shared."""

    max_count = 1
    parent_page_types = ["regulations.RegulationIndexPage"]
    subpage_types = []
    template = "regulations/fee_simulator_page.html"

    class Meta:
        verbose_name = "Simulateur d'indemnités"

    def get_context(self, request, *args, **kwargs):
        from regulations.simulator import simulator_context

        context = super().get_context(request, *args, **kwargs)
        context.update(simulator_context(request))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if context.get("rate_limited"):
            response.status_code = 429
        elif context.get("form") is not None and context["form"].errors:
            response.status_code = 400
        return response


class DocumentationIndexPage(ChildListingMixin, BodyPageMixin, BasePage):
    """'Comment ça marche ?': the guides by audience, then a common FAQ and documents."""

    body = StreamField(ContentStreamBlock(), blank=True, verbose_name="Contenu")

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["regulations.DocumentationPage"]
    template = "regulations/documentation_index_page.html"

    class Meta:
        verbose_name = "Rubrique documentation"


class Audience(models.TextChoices):
    INTERVENANTS = "intervenants", "Intervenants"
    CHEFS_DE_CENTRE = "chefs_de_centre", "Chefs de centre"
    GESTIONNAIRES = "gestionnaires", "Gestionnaires de la DEC"
    ALL = "tous", "Tous les utilisateurs"


class DocumentationPage(BodyPageMixin, BasePage):
    """A user guide for one audience, with its table of contents, FAQ and downloads."""

    audience = models.CharField(
        "public concerné", max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    body = StreamField(ContentStreamBlock(), blank=True, verbose_name="Contenu")

    content_panels = [*BasePage.content_panels, FieldPanel("audience"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["regulations.DocumentationIndexPage"]
    subpage_types = []
    template = "regulations/documentation_page.html"

    class Meta:
        verbose_name = "Guide d'utilisation"


class IntervenantRequestPage(RoutablePageMixin, BasePage):
    """The public form 'Demande de création d'un intervenant extérieur'."""

    body = RichTextField(
        "Avant de commencer",
        blank=True,
        features=["h2", "h3", "bold", "italic", "link", "ul", "ol"],
        help_text="Qui est concerné, pièces utiles, suite donnée à la demande.",
    )
    success_text = RichTextField(
        "Message de confirmation",
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text="Affiché avec le numéro de la demande après l'envoi.",
    )

    content_panels = [*BasePage.content_panels, FieldPanel("body"), FieldPanel("success_text")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    template = "regulations/intervenant_request_page.html"

    class Meta:
        verbose_name = "Formulaire de demande d'intervenant extérieur"

    @path("")
    def form_view(self, request):
        from regulations.views import request_form

        return request_form(request, self)

    @path("confirmation/")
    def confirmation_view(self, request):
        from regulations.views import request_confirmation

        return request_confirmation(request, self)
