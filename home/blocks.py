"""Content blocks shared by every page with a body: headings, text, callouts, FAQ, downloads."""

import uuid

from django.utils.text import slugify
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


def heading_anchor(text):
    return slugify(text) or "section"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="Titre", max_length=150)
    level = blocks.ChoiceBlock(
        label="Niveau",
        choices=[("h2", "Titre de section (h2)"), ("h3", "Sous-titre (h3)")],
        default="h2",
        help_text="Les titres de section forment la table des matières.",
    )

    class Meta:
        icon = "title"
        label = "Titre"
        template = "home/blocks/heading.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["anchor"] = heading_anchor(value["text"])
        return context


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        label="Type",
        choices=[
            ("info", "Mise en avant (information)"),
            ("warning", "Attention"),
            ("success", "Bon à savoir"),
        ],
        default="info",
    )
    title = blocks.CharBlock(label="Titre", max_length=150, required=False)
    text = blocks.RichTextBlock(label="Texte", features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        label = "Encadré"
        template = "home/blocks/callout.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label="Question", max_length=255)
    answer = blocks.RichTextBlock(label="Réponse", features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = "Question"


class TitledBlockMixin:
    """Gives the template the anchor of the block's title, as listed in the table of contents."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["anchor"] = heading_anchor(value["title"]) if value.get("title") else ""
        return context


class AccordionBlock(TitledBlockMixin, blocks.StructBlock):
    """A DSFR accordion group: one collapsible answer per question."""

    title = blocks.CharBlock(label="Titre du groupe", max_length=150, required=False)
    items = blocks.ListBlock(QuestionBlock(), label="Questions", min_num=1)

    class Meta:
        icon = "list-ul"
        label = "Questions fréquentes (accordéon)"
        template = "home/blocks/accordion.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # The collapse ids must be unique in the page, titled or not.
        context["prefix"] = f"{context['anchor'] or 'faq'}-{uuid.uuid4().hex[:6]}"
        return context


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="Document")
    title = blocks.CharBlock(
        label="Intitulé", max_length=200, required=False, help_text="Vide : titre du document."
    )
    description = blocks.CharBlock(label="Description", max_length=255, required=False)

    class Meta:
        icon = "doc-full"
        label = "Document"


class DocumentsBlock(TitledBlockMixin, blocks.StructBlock):
    title = blocks.CharBlock(label="Titre", max_length=150, required=False)
    documents = blocks.ListBlock(DocumentLinkBlock(), label="Documents", min_num=1)

    class Meta:
        icon = "download"
        label = "Documents à télécharger"
        template = "home/blocks/documents.html"


class LinkTileBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(label="Page")
    title = blocks.CharBlock(
        label="Intitulé", max_length=120, required=False, help_text="Vide : titre de la page."
    )
    description = blocks.CharBlock(label="Description", max_length=255, required=False)

    class Meta:
        icon = "link"
        label = "Lien"


class ContentStreamBlock(blocks.StreamBlock):
    """The body of the simple content pages (legal notices, accessibility, personal data)."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(label="Texte", features=RICH_TEXT_FEATURES, icon="pilcrow")
    callout = CalloutBlock()
    accordion = AccordionBlock()
    documents = DocumentsBlock()


# Blocks whose optional title is rendered as a section heading (h2) with an anchor.
TITLED_BLOCKS = frozenset({"accordion", "documents", "rate_table", "simulator"})


def table_of_contents(body):
    """The (anchor, title) pairs of the section headings (h2) of a StreamField body."""
    entries = []
    for child in body:
        if child.block_type == "heading" and child.value["level"] == "h2":
            entries.append((heading_anchor(child.value["text"]), child.value["text"]))
        elif child.block_type in TITLED_BLOCKS and child.value.get("title"):
            entries.append((heading_anchor(child.value["title"]), child.value["title"]))
    return entries
