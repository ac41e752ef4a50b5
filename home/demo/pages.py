"""The public page tree of the demo site, with its real content. Idempotent: a page or
document that already exists (same slug, same title) is left as the editors made it."""

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from wagtail.documents import get_document_model

from home.demo import content
from home.models import ContactPage, ContactSettings, ContentPage, HomePage, SitemapPage

DEMO_CONTACT = {
    "phone": "40 47 20 00",
    "email": "dec@ac-polynesie.pf",
    "opening_hours": "Du lundi au jeudi de 7 h 30 à 15 h 30, le vendredi de 7 h 30 à 14 h 30",
}


def seed_public_pages(home=None):
    """Create the public pages under the home page, the guides to download and the DEC's
    contact details. Returns the home page."""
    from regulations.models import (
        DocumentationIndexPage,
        DocumentationPage,
        FeeSimulatorPage,
        IntervenantRequestPage,
        RegulationIndexPage,
        RegulationPage,
    )

    home = home or HomePage.objects.get()
    seed_contact_settings(home)
    docs = content.load("documentation")
    documents = {key: seed_document(**spec) for key, spec in docs["documents"].items()}

    sections = content.load("regulations")
    regulations = child(home, RegulationIndexPage, **sections["index"])
    for spec in sections["pages"]:
        child(regulations, RegulationPage, **content.page(spec))
    simulator = child(regulations, FeeSimulatorPage, **sections["simulator"])
    documentation = child(home, DocumentationIndexPage, **content.page(docs["index"], documents))
    for spec in docs["pages"]:
        child(documentation, DocumentationPage, **content.page(spec, documents))
    others = content.load("other_pages")
    request_page = child(home, IntervenantRequestPage, **others["request"])
    contact = child(home, ContactPage, **others["contact"])
    for spec in others["legal"]:
        child(home, ContentPage, **content.page(spec))
    child(home, SitemapPage, **others["sitemap"])

    if not home.purpose:
        front = content.load("home")
        home.purpose = front["purpose"]
        home.login_help = front["login_help"]
        by_slug = {page.slug: page for page in regulations.get_children().specific()}
        home.links = content.home_links(
            {
                "documentation": documentation,
                "paid": by_slug["se-faire-indemniser"],
                "remuneration": by_slug["frais-de-remuneration"],
                "travel": by_slug["frais-de-deplacement"],
                "request_page": request_page,
                "contact": contact,
                "simulator": simulator,
            }
        )
        home.save_revision().publish()
    return home


def child(parent, page_class, *, slug, **fields):
    """The child page with this slug, created and published if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def seed_contact_settings(home):
    settings = ContactSettings.for_site(home.get_site())
    changed = False
    for field, value in DEMO_CONTACT.items():
        if not getattr(settings, field):
            setattr(settings, field, value)
            changed = True
    if changed:
        settings.save()


def seed_document(title, filename, template):
    """A PDF guide rendered from a template, stored as a Wagtail document (once)."""
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        from weasyprint import HTML

        pdf = HTML(string=render_to_string(template, {"title": title})).write_pdf()
        document = Document(title=title)
        document.file.save(filename, ContentFile(pdf), save=False)
        document._set_document_file_metadata()
        document.save()
    return document
