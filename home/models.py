from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


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

    @property
    def address_lines(self):
        return [line for line in self.address.splitlines() if line.strip()]


class HomePage(Page):
    intro = RichTextField("Introduction", blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = "Page d'accueil"
