from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from home.blocks import ContentStreamBlock, LinkTileBlock, table_of_contents


@register_setting(icon="mail")
class ContactSettings(BaseSiteSetting):
    """The DEC's contact details, kept once and shown on the contact page and in the footer."""

    organisation = models.CharField(
        "Organisme", max_length=255, default="Vice-rectorat de la Polynésie française"
    )
    service = models.CharField(
        "Service",
        max_length=255,
        default=(
            "Direction des examens, des certifications professionnelles et des concours (DEC)"
        ),
    )
    address = models.TextField(
        "Adresse",
        default="Immeuble Vehiarii\n25 avenue Pierre Loti\nBP 1632\n98713 Papeete",
    )
    phone = models.CharField("Téléphone", max_length=40, blank=True)
    email = models.EmailField("Courriel", blank=True)
    opening_hours = models.CharField("Horaires d'accueil", max_length=255, blank=True)

    panels = [
        MultiFieldPanel([FieldPanel("organisation"), FieldPanel("service")], "Service"),
        FieldPanel("address"),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("opening_hours")],
            "Joindre le service",
        ),
    ]

    class Meta:
        verbose_name = "Coordonnées de la DEC"

    @classmethod
    def for_default_site(cls):
        """The settings outside a request (emails, tasks)."""
        return cls.for_site(Site.objects.get(is_default_site=True))

    @property
    def address_lines(self):
        return [line for line in self.address.splitlines() if line.strip()]


class BasePage(Page):
    """What every page of the public site shares: a lead paragraph, searched and shown first."""

    intro = RichTextField(
        "Chapô",
        blank=True,
        features=["bold", "italic", "link"],
        help_text="Une ou deux phrases, en tête de page et dans les résultats de recherche.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        abstract = True


class BodyPageMixin:
    """Pages with a `body` StreamField get a table of contents from their section headings."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["toc"] = table_of_contents(self.body)
        return context


# The page types that sit directly under the home page.
HOME_CHILDREN = [
    "home.ContactPage",
    "home.ContentPage",
    "home.SitemapPage",
    "regulations.RegulationIndexPage",
    "regulations.DocumentationIndexPage",
    "regulations.IntervenantRequestPage",
]


class HomePage(BasePage):
    purpose = RichTextField(
        "À quoi sert IMAG'IN ?",
        blank=True,
        features=["bold", "italic", "link", "ul"],
    )
    login_help = RichTextField(
        "Se connecter et attester le service fait",
        blank=True,
        features=["bold", "italic", "link", "ul", "ol"],
    )
    links = StreamField(
        [("link", LinkTileBlock())],
        blank=True,
        verbose_name="Liens utiles",
        help_text="Affichés sous forme de tuiles : fonctionnement, paiement, réglementation...",
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("purpose"),
        FieldPanel("login_help"),
        FieldPanel("links"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("purpose"),
        index.SearchField("login_help"),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = HOME_CHILDREN
    template = "home/home_page.html"

    class Meta:
        verbose_name = "Page d'accueil"


class ContactPage(BasePage):
    """Shows the DEC's contact details kept once in ContactSettings."""

    body = RichTextField(
        "Informations complémentaires", blank=True, features=["bold", "italic", "link", "ul"]
    )

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    template = "home/contact_page.html"

    class Meta:
        verbose_name = "Page de contact"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["contact"] = ContactSettings.for_request(request)
        return context


class ContentPage(BodyPageMixin, BasePage):
    """A plain content page: legal notices, accessibility statement, personal data."""

    body = StreamField(ContentStreamBlock(), blank=True, verbose_name="Contenu")

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    template = "home/content_page.html"

    class Meta:
        verbose_name = "Page de contenu"


class SitemapPage(BasePage):
    """The 'plan du site': every live public page of the site, as a tree."""

    max_count = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    template = "home/sitemap_page.html"

    class Meta:
        verbose_name = "Plan du site"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        site = Site.find_for_request(request) or self.get_site()
        context["tree"] = page_tree(site.root_page, request)
        return context


def page_tree(root, request):
    """Nested [{'title', 'url', 'children'}] of the live public pages under root (one query)."""
    pages = (
        root.get_descendants().live().public().order_by("path").only("title", "path", "url_path")
    )
    nodes = {root.path: {"children": []}}
    for page in pages:
        node = {"title": page.title, "url": page.get_url(request), "children": []}
        parent = nodes.get(page.path[: -Page.steplen])
        if parent is not None:
            parent["children"].append(node)
            nodes[page.path] = node
    return nodes[root.path]["children"]
